using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Hosting;

/// <summary>
/// Several instances read one set of Data Protection keys: with DataProtection:Store=Database, a form token and a
/// sign-in cookie made by one instance are accepted by another on the same database, and the keys are encrypted at
/// rest when a certificate is configured. A multi-instance deployment with keys in a folder of its own is refused.
/// </summary>
public sealed partial class SharedKeysTests
{
    [Fact]
    public async Task With_keys_in_the_database_a_form_token_and_a_sign_in_made_by_one_instance_are_accepted_by_another()
    {
        using var folder = new TempFolder("portal-shared-keys");
        var directory = folder.Path;
        var shared = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = DatabaseSetup.DefaultSqliteConnectionString(directory),
            ["DataProtection:Store"] = "Database",
        };
        await using var first = new PortalAppFactory(testSignIn: false, settings: shared);
        _ = first.Services; // the first instance migrates and seeds; the second starts on the database it prepared
        await using var second = new PortalAppFactory(testSignIn: false, settings: shared);

        var secret = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("shared-keys-test").Protect("made by the first");
        var read = second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("shared-keys-test").Unprotect(secret);
        var (signIn, home) = await SignInThroughBothAsync(first, second);

        Assert.Equal("made by the first", read);
        Assert.Equal(HttpStatusCode.Redirect, signIn);
        Assert.Equal(HttpStatusCode.OK, home);
        // Without a certificate the key is kept as written: its secret in plain view (what the certificate test changes).
        var keys = await KeyXmlAsync(first);
        Assert.Single(keys);
        Assert.Contains("<masterKey", keys[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_keys_in_each_instances_own_folder_another_instance_refuses_the_form_token()
    {
        // The control for the test above: the same journey fails when the instances do not share their keys.
        using var folder = new TempFolder("portal-own-keys");
        var directory = folder.Path;
        var shared = new Dictionary<string, string?> { ["Database:ConnectionString"] = DatabaseSetup.DefaultSqliteConnectionString(directory) };
        await using var first = new PortalAppFactory(testSignIn: false, settings: shared);
        _ = first.Services;
        await using var second = new PortalAppFactory(testSignIn: false, settings: shared);

        var (signIn, _) = await SignInThroughBothAsync(first, second);

        Assert.Equal(HttpStatusCode.BadRequest, signIn);
    }

    [Fact]
    public async Task A_certificate_encrypts_the_keys_in_the_database_of_a_production_deployment_of_several_instances()
    {
        using var folder = new TempFolder("portal-encrypted-keys");
        var directory = folder.Path;
        var certificatePath = Path.Combine(directory, "keys.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=Portal key encryption (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            await File.WriteAllBytesAsync(certificatePath, certificate.Export(X509ContentType.Pfx, "test-password"));
        }

        var settings = PortalAppFactory.EntraIdSettings();
        settings["Database:ConnectionString"] = DatabaseSetup.DefaultSqliteConnectionString(directory);
        settings["Hosting:Instances"] = "2";
        settings["Evidence:SharedFolder"] = "true";
        settings["DataProtection:Store"] = "Database";
        settings["DataProtection:CertificatePath"] = certificatePath;
        settings["DataProtection:CertificatePassword"] = "test-password";
        await using var first = new PortalAppFactory("Production", testSignIn: false, settings);
        _ = first.Services;
        await using var second = new PortalAppFactory("Production", testSignIn: false, settings);

        var secret = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("shared-keys-test").Protect("encrypted at rest");
        var read = second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("shared-keys-test").Unprotect(secret);
        var keys = await KeyXmlAsync(first);

        Assert.Equal("encrypted at rest", read);
        Assert.Single(keys);
        Assert.Contains("<encryptedSecret", keys[0], StringComparison.Ordinal);
        Assert.Contains("EncryptedData", keys[0], StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", keys[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task After_the_certificate_is_renewed_keys_protected_by_the_old_one_still_open_when_it_is_named_as_previous(bool namePrevious)
    {
        // Certificates expire: on renewal the old one is kept as a previous certificate, so the keys it protected
        // (and every sign-in and form made with them) still open. Without it they would not, which is the control.
        using var folder = new TempFolder("portal-renewed-certificate");
        var directory = folder.Path;
        var old = await WriteCertificateAsync(directory, "old.pfx");
        var renewed = await WriteCertificateAsync(directory, "renewed.pfx");
        var settings = new Dictionary<string, string?>
        {
            ["Database:ConnectionString"] = DatabaseSetup.DefaultSqliteConnectionString(directory),
            ["DataProtection:Store"] = "Database",
            ["DataProtection:CertificatePath"] = old,
            ["DataProtection:CertificatePassword"] = "test-password",
        };
        string secret;
        await using (var before = new PortalAppFactory(testSignIn: false, settings: settings))
        {
            secret = before.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("renewal-test").Protect("made before renewal");
        }

        settings["DataProtection:CertificatePath"] = renewed;
        if (namePrevious)
        {
            settings["DataProtection:PreviousCertificatePaths:0"] = old;
        }

        await using var after = new PortalAppFactory(testSignIn: false, settings: settings);
        var protector = after.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("renewal-test");

        if (namePrevious)
        {
            Assert.Equal("made before renewal", protector.Unprotect(secret));
        }
        else
        {
            Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(secret));
        }
    }

    private static async Task<string> WriteCertificateAsync(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=Portal key encryption ({name})", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        await File.WriteAllBytesAsync(path, certificate.Export(X509ContentType.Pfx, "test-password"));
        return path;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Folder")]
    public async Task Production_with_several_instances_and_keys_in_an_unshared_folder_refuses_to_start_naming_the_settings(string? store)
    {
        var workingDirectory = Directory.CreateTempSubdirectory("portal-unshared-keys").FullName;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Portal.dll"), "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("DataProtection", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("Hosting", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in PortalAppFactory.EntraIdSettings())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Database__ConnectionString"] = $"Data Source={Path.Combine(workingDirectory, "portal.db")}";
        start.Environment["Hosting__Instances"] = "3";
        if (store is not null)
        {
            start.Environment["DataProtection__Store"] = store;
        }

        using var process = Process.Start(start)!;
        var errorTask = process.StandardError.ReadToEndAsync();
        var outputTask = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var error = await errorTask + await outputTask;

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("The portal cannot start: Hosting:Instances is 3", error, StringComparison.Ordinal);
        Assert.Contains("DataProtection:Store=Database", error, StringComparison.Ordinal);
        Assert.Contains("DataProtection:SharedFolder=true", error, StringComparison.Ordinal);
        Directory.Delete(workingDirectory, recursive: true);
    }

    /// <summary>Takes the sign-in page's form token from <paramref name="first"/>, signs in with it through <paramref name="second"/>, and opens the home page through the first with the cookie the second issued.</summary>
    private static async Task<(HttpStatusCode SignIn, HttpStatusCode Home)> SignInThroughBothAsync(PortalAppFactory first, PortalAppFactory second)
    {
        var cookies = new Dictionary<string, string>();
        using var firstClient = first.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        using var secondClient = second.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });

        using var page = await firstClient.GetAsync("/sign-in");
        Keep(cookies, page);
        var token = FormToken().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), "The sign-in page has no form token.");
        var userId = await first.DemoUserIdAsync(TestCallers.Officer);

        using var post = new HttpRequestMessage(HttpMethod.Post, "/auth/dev-sign-in")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token,
                ["userId"] = userId.ToString(CultureInfo.InvariantCulture),
                ["returnUrl"] = "/",
            }),
        };
        post.Headers.Add("Cookie", CookieHeader(cookies));
        using var signIn = await secondClient.SendAsync(post);
        Keep(cookies, signIn);

        using var homeRequest = new HttpRequestMessage(HttpMethod.Get, "/");
        homeRequest.Headers.Add("Cookie", CookieHeader(cookies));
        using var home = await firstClient.SendAsync(homeRequest);
        return (signIn.StatusCode, home.StatusCode);
    }

    // The test's own cookie jar, carried from one instance to the other (each test client keeps cookies to itself).
    private static void Keep(Dictionary<string, string> cookies, HttpResponseMessage response)
    {
        foreach (var value in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
        {
            var pair = value.Split(';', 2)[0].Split('=', 2);
            cookies[pair[0].Trim()] = pair[1];
        }
    }

    private static string CookieHeader(Dictionary<string, string> cookies) => string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}"));

    private static async Task<List<string>> KeyXmlAsync(PortalAppFactory portal)
    {
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.DataProtectionKeys.Select(k => k.Xml ?? string.Empty).ToListAsync();
    }

    /// <summary>A folder for one test's shared database, deleted after the hosts that use it (declared first, so disposed last).</summary>
    private sealed class TempFolder(string prefix) : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

        public void Dispose()
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // Left for the OS to clean from temp.
            }
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormToken();
}
