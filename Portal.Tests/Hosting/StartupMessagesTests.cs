using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Hosting;

/// <summary>
/// What an operator sees when the portal starts: what it is doing, where it listens, and only warnings they can act on,
/// each naming its setting. The address asked for (--urls or ASPNETCORE_URLS) is the address used.
/// </summary>
public sealed class StartupMessagesTests
{
    [Fact]
    public async Task Development_says_what_it_is_doing_and_where_it_listens_without_an_unencrypted_keys_warning()
    {
        var address = $"http://127.0.0.1:{FreePort()}";

        var output = await StartUntilReadyAsync("Development", ["--urls", address], new());

        Assert.Contains("Migrating the database", output, StringComparison.Ordinal);
        Assert.Contains("Seeding the policy catalogue", output, StringComparison.Ordinal);
        Assert.Contains($"Portal ready at {address}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("unencrypted", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" WRN]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_listens_where_ASPNETCORE_URLS_says()
    {
        var address = $"http://127.0.0.1:{FreePort()}";

        var output = await StartUntilReadyAsync("Development", [], new() { ["ASPNETCORE_URLS"] = address });

        Assert.Contains($"Portal ready at {address}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_names_the_setting_that_encrypts_the_keys_and_drops_the_frameworks_warning()
    {
        var address = $"http://127.0.0.1:{FreePort()}";
        var settings = new Dictionary<string, string>
        {
            ["AzureAd__Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd__TenantId"] = "11111111-2222-3333-4444-555555555555",
            ["AzureAd__ClientId"] = "66666666-7777-8888-9999-000000000000",
        };

        var output = await StartUntilReadyAsync("Production", ["--urls", address], settings);

        Assert.Contains("DataProtection:CertificatePath", output, StringComparison.Ordinal);
        Assert.DoesNotContain("No XML encryptor configured", output, StringComparison.Ordinal);
        Assert.Contains("Portal ready at", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_with_several_instances_sharing_keys_in_the_database_starts_and_says_where_the_unencrypted_keys_are()
    {
        var address = $"http://127.0.0.1:{FreePort()}";
        var settings = new Dictionary<string, string>
        {
            ["AzureAd__Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd__TenantId"] = "11111111-2222-3333-4444-555555555555",
            ["AzureAd__ClientId"] = "66666666-7777-8888-9999-000000000000",
            ["Hosting__Instances"] = "2",
            ["DataProtection__Store"] = "Database",
            ["Evidence__SharedFolder"] = "true",
        };

        var output = await StartUntilReadyAsync("Production", ["--urls", address], settings);

        Assert.Contains("Portal ready at", output, StringComparison.Ordinal);
        Assert.Contains("unencrypted in the DataProtectionKeys table", output, StringComparison.Ordinal);
        Assert.Contains("DataProtection:CertificatePath", output, StringComparison.Ordinal);
        // Without a shared store each instance counts fair use alone, so the service allows twice the limit: said, with the setting.
        Assert.Contains("Api:RateLimit:Redis", output, StringComparison.Ordinal);
        Assert.Contains("Hosting:Instances is 2, but each instance counts", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_launch_profile_names_no_address_that_would_override_ASPNETCORE_URLS()
    {
        // `dotnet run` sets a profile's applicationUrl as ASPNETCORE_URLS over the caller's own; the portal's
        // Development default (http://localhost:5080) is applied in code, and only when no address was asked for.
        var directory = new DirectoryInfo(RepositoryFiles.Root);

        Assert.NotNull(directory);
        using var launch = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory.FullName, "Portal", "Properties", "launchSettings.json")));
        foreach (var profile in launch.RootElement.GetProperty("profiles").EnumerateObject())
        {
            Assert.False(profile.Value.TryGetProperty("applicationUrl", out _), $"The launch profile '{profile.Name}' fixes an address.");
        }
    }

    private static async Task<string> StartUntilReadyAsync(string environment, string[] arguments, Dictionary<string, string> variables)
    {
        var workingDirectory = Directory.CreateTempSubdirectory("portal-start").FullName;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Portal.dll"), .. arguments])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("AzureAd", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("DataProtection", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("Hosting", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        start.Environment["Database__ConnectionString"] = $"Data Source={Path.Combine(workingDirectory, "portal.db")}";
        start.Environment["Seed__SelfAssessment"] = "false";
        foreach (var (key, value) in variables)
        {
            start.Environment[key] = value;
        }

        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = start };
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (line.Contains("Portal ready at", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(ready.Task, exited).WaitAsync(TimeSpan.FromMinutes(3));
            Assert.True(first == ready.Task, $"The portal exited before it was ready:\n{output}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        lock (output)
        {
            return output.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
