using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Tests.TestSupport;

/// <summary>
/// The real portal (Program) on its own SQLite file, migrated and seeded at start-up as in production. HTTP tests
/// sign in through <see cref="TestSignIn"/>; browser tests start it on a real Kestrel port.
/// </summary>
public sealed class PortalAppFactory : WebApplicationFactory<Program>
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "portal-tests", Guid.NewGuid().ToString("N"));
    private readonly string _environment;
    private readonly bool _testSignIn;
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;

    public PortalAppFactory(
        string environment = "Development",
        bool testSignIn = true,
        IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        _environment = environment;
        _testSignIn = testSignIn;
        _configureServices = configureServices;
        // Each factory has its own files unless the caller names them (two instances on one database, for example).
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        _settings.TryAdd("Database:ConnectionString", DatabaseSetup.DefaultSqliteConnectionString(_dataDirectory));
        _settings.TryAdd("DataProtection:KeysDirectory", Path.Combine(_dataDirectory, "keys"));
        _settings.TryAdd("Evidence:StorageDirectory", Path.Combine(_dataDirectory, "evidence"));
        _settings.TryAdd("Audit:DigestFile", Path.Combine(_dataDirectory, "audit-digests.jsonl"));
        // Reminders follow the real clock in a host; tests run rounds themselves with a fake one (ReminderWorkerTests).
        _settings.TryAdd("Reminders:Enabled", "false");
        _settings.TryAdd("Seed:DemoData", "true");
        // Tests make their own assessments; the demo's self-assessment would only add one nobody asked for.
        _settings.TryAdd("Seed:SelfAssessment", "false");
        // Tests' evidence links point at addresses nobody serves; a test that checks links turns the worker on.
        _settings.TryAdd("LinkChecks:WorkerEnabled", "false");
        ResponseValidator = new OpenApiResponseValidator(async () =>
        {
            using var client = CreateClient();
            return await client.GetStringAsync("/openapi/v1.json");
        });
    }

    /// <summary>Holds the API clients' answers to this portal's OpenAPI document (see <see cref="ApiClients.ApiClient"/>).</summary>
    public OpenApiResponseValidator ResponseValidator { get; }

    /// <summary>Production-like settings for an Entra ID app registration that is never contacted in tests.</summary>
    public static Dictionary<string, string?> EntraIdSettings() => new()
    {
        ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
        ["AzureAd:TenantId"] = "11111111-2222-3333-4444-555555555555",
        ["AzureAd:ClientId"] = "66666666-7777-8888-9999-000000000000",
    };

    private const string TestOrPortal = "TestOrPortal";

    public string BaseAddress { get; private set; } = string.Empty;

    /// <summary>
    /// Starts the portal on a free loopback port, for a real browser; or on <paramref name="port"/> over HTTPS with
    /// <paramref name="certificate"/>, as a deployment serves it.
    /// </summary>
    public PortalAppFactory StartOnKestrel(int port = 0, X509Certificate2? certificate = null)
    {
        if (certificate is null)
        {
            UseKestrel(port);
        }
        else
        {
            UseKestrel(options => options.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(certificate)));
        }

        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);
        return this;
    }

    public HttpClient ClientFor(int userId, string role)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add(TestSignIn.UserHeader, userId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        client.DefaultRequestHeaders.Add(TestSignIn.RoleHeader, role);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return client;
    }

    public async Task<int> DemoUserIdAsync(string demoObjectId)
    {
        var contexts = Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        return await db.Users.Where(u => u.ObjectId == demoObjectId).Select(u => u.Id).SingleAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        // A published portal carries its static files (blazor.web.js, MudBlazor's) in wwwroot; an unpublished one finds
        // them through the build's static web assets manifest, which the host reads by itself only in Development.
        builder.UseStaticWebAssets();
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            if (_testSignIn)
            {
                // Requests that name a test user use the test sign-in; all others go through the portal's own sign-in.
                var portalScheme = _environment == "Development" ? CookieAuthenticationDefaults.AuthenticationScheme : OpenIdConnectDefaults.AuthenticationScheme;
                services.AddAuthentication(TestOrPortal)
                    .AddScheme<AuthenticationSchemeOptions, TestSignIn>(TestSignIn.SchemeName, _ => { })
                    .AddPolicyScheme(TestOrPortal, TestOrPortal, options => options.ForwardDefaultSelector = context =>
                        context.Request.Headers.ContainsKey(TestSignIn.UserHeader) ? TestSignIn.SchemeName : portalScheme);
            }

            _configureServices?.Invoke(services);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean from temp.
        }
    }
}
