using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Serialization;
using Microsoft.Playwright;

namespace Portal.Tests.TestSupport;

/// <summary>
/// The portal as it runs in production (the Production environment, Entra ID sign-in through Microsoft.Identity.Web)
/// on a real port, signing people in at a real OpenID Connect provider: oidc-provider, shaped like an Entra ID tenant
/// by scripts/oidc/provider.mjs and started by scripts/test-oidc.sh, which names it in PORTAL_OIDC_AUTHORITY. The
/// portal is registered with it as a confidential web app, the way an app registration is made in Entra ID. Only
/// settings differ from a deployment: the provider's address, the client id and secret it issued, and plain HTTP
/// metadata, which is allowed only because the provider is on the loopback address.
/// </summary>
public sealed class EntraIdSignInFixture : IAsyncLifetime
{
    /// <summary>The provider's test accounts (scripts/oidc/provider.mjs), by the username typed on its login page.</summary>
    public const string Officer = "priya.shah@valley-trust.example";
    public const string OfficerObjectId = "5f1d2c3b-4a59-4e68-8b7c-1d2e3f4a5b6c";
    public const string SupplierGuest = "jordan.lee@acme-clinical.example";
    public const string SupplierGuestObjectId = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
    public const string NoRole = "casey.brown@valley-trust.example";
    public const string NoRoleObjectId = "c4b3a291-8f7e-4d6c-a5b4-3c2d1e0f9a8b";

    private readonly ConcurrentQueue<string> _policyViolations = new();
    private IPlaywright? _playwright;

    public PortalAppFactory App { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>The provider's issuer, http://127.0.0.1:port/tenant/v2.0, as Entra ID's is https://login.microsoftonline.com/tenant/v2.0.</summary>
    public Uri Authority { get; private set; } = default!;

    public string TenantId { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("PORTAL_OIDC_AUTHORITY");
        if (string.IsNullOrWhiteSpace(configured) || !Uri.TryCreate(configured, UriKind.Absolute, out var authority))
        {
            throw new InvalidOperationException(
                "PORTAL_OIDC_AUTHORITY is not set to the test OpenID Connect provider's issuer, so the Entra ID sign-in tests have no provider to " +
                "sign in at. scripts/test.sh starts one; for a narrow run start it as scripts/test-oidc.sh describes and export PORTAL_OIDC_AUTHORITY.");
        }

        Authority = authority;
        var segments = authority.AbsolutePath.Trim('/').Split('/');
        if (segments is not [var tenant, "v2.0"])
        {
            throw new InvalidOperationException($"PORTAL_OIDC_AUTHORITY ({configured}) is not of the form http://host:port/<tenant>/v2.0.");
        }

        TenantId = tenant;
        var port = FreePort();
        // Served over HTTPS as in a deployment: the sign-in's correlation and nonce cookies are Secure.
        var portal = $"https://127.0.0.1:{port}";
        var registration = await RegisterAsync(portal);

        App = new PortalAppFactory("Production", testSignIn: false, new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = $"{authority.Scheme}://{authority.Authority}/",
            ["AzureAd:TenantId"] = tenant,
            ["AzureAd:ClientId"] = registration.ClientId,
            ["AzureAd:ClientSecret"] = registration.ClientSecret,
            ["AzureAd:ResponseType"] = "code",
            ["AzureAd:RequireHttpsMetadata"] = "false",
        }).StartOnKestrel(port, LoopbackCertificate());

        var chromium = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium is not at {chromium}. Run the tests with ./scripts/test.sh, which installs Debian's chromium, or set PORTAL_CHROMIUM.");
        }

        Assertions.SetDefaultExpectTimeout(BrowserTimeouts.Default);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = BrowserFixture.ChromiumArguments });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        Assert.True(_policyViolations.IsEmpty, $"Pages broke the Content-Security-Policy during the sign-in tests:\n{string.Join("\n", _policyViolations.Distinct())}");
    }

    /// <summary>A fresh browser (no cookies at the portal or the provider) whose portal pages report Content-Security-Policy violations.</summary>
    public async Task<IPage> NewPageAsync()
    {
        // The portal's certificate is made by the fixture for 127.0.0.1; this browser accepts it.
        var context = await Browser.NewContextAsync(new() { BaseURL = App.BaseAddress, Locale = "en-GB", IgnoreHTTPSErrors = true });
        context.SetDefaultTimeout(BrowserTimeouts.Default);
        await context.ExposeFunctionAsync("portalCspViolation", (string violation) => _policyViolations.Enqueue(violation));
        await context.AddInitScriptAsync(BrowserFixture.ViolationCollector);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Signs in as a person would: the portal's sign-in button, the provider's login page, back to the portal's home page.
    /// </summary>
    public async Task SignInAsync(IPage page, string username)
    {
        await page.GotoAsync("/sign-in");
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with your NHS or organisation account" }).ClickAsync();
        await AtProviderAsync(page, "Sign in to the test identity provider");
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync($"{App.BaseAddress}/");
        await BrowserFixture.WaitForInteractiveAsync(page);
    }

    /// <summary>Waits for one of the provider's own pages, named by its heading.</summary>
    public async Task AtProviderAsync(IPage page, string heading)
    {
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
        Assert.StartsWith(Authority.ToString().TrimEnd('/'), page.Url, StringComparison.Ordinal);
    }

    private async Task<Registration> RegisterAsync(string portal)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsJsonAsync(new Uri($"{Authority.ToString().TrimEnd('/')}/reg"), new
        {
            client_name = "NHS Open API compliance portal (sign-in tests)",
            redirect_uris = new[] { $"{portal}/signin-oidc" },
            post_logout_redirect_uris = new[] { $"{portal}/signout-callback-oidc" },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"The provider refused the portal's registration: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<Registration>())!;
    }

    private static X509Certificate2 LoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record Registration(
        [property: JsonPropertyName("client_id")] string ClientId,
        [property: JsonPropertyName("client_secret")] string ClientSecret);
}

[CollectionDefinition(Name)]
public sealed class EntraIdSignInCollection : ICollectionFixture<EntraIdSignInFixture>
{
    public const string Name = "Entra ID sign-in";
}
