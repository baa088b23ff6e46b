using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Proxy;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Two portal processes on one SQLite database with their Data Protection keys in it (DataProtection:Store=Database),
/// behind the reverse proxy with session affinity (tools/Portal.Proxy), as a deployment of two instances behind a load
/// balancer is; and one Debian Chromium. Shared by the tests of a class: an instance a test killed is started again,
/// at the same address, by the next test that asks for both.
/// </summary>
public sealed class TwoInstancesBehindProxy : IAsyncLifetime
{
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["DataProtection__Store"] = "Database",
        ["Hosting__Instances"] = "2",
    };

    private readonly string _directory = Directory.CreateTempSubdirectory("portal-behind-proxy").FullName;
    private readonly PortalProcess[] _instances = new PortalProcess[2];
    private IPlaywright? _playwright;

    public PortalProxy Proxy { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>The test's own view of the shared database, for preparing assessments.</summary>
    public IDbContextFactory<PortalDbContext> Database { get; private set; } = default!;

    private string DatabasePath => Path.Combine(_directory, "portal.db");

    /// <summary>The instance the proxy calls <paramref name="name"/> (<see cref="PortalProxy.InstanceName"/>).</summary>
    public PortalProcess Instance(string name) =>
        _instances[Enumerable.Range(0, _instances.Length).Single(i => PortalProxy.InstanceName(i) == name)];

    public string OtherThan(string name) => PortalProxy.InstanceName(name == PortalProxy.InstanceName(0) ? 1 : 0);

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException($"Chromium is not at {chromium}. Run the tests with ./scripts/test.sh, which installs Debian's chromium, or set PORTAL_CHROMIUM.");
        }

        Assertions.SetDefaultExpectTimeout(BrowserTimeouts.Default);
        // The first instance migrates and seeds; the second starts on the database the first prepared.
        _instances[0] = await PortalProcess.StartAsync(DatabasePath, _directory, PortalProxy.InstanceName(0), Settings);
        _instances[1] = await PortalProcess.StartAsync(DatabasePath, _directory, PortalProxy.InstanceName(1), Settings);
        Proxy = await PortalProxy.StartAsync([_instances[0].Address, _instances[1].Address]);
        Database = new SharedDatabase(DatabasePath);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = BrowserFixture.ChromiumArguments });
    }

    /// <summary>Starts again, where it listened, an instance an earlier test killed, and waits until the proxy uses it.</summary>
    public async Task EnsureBothRunningAsync()
    {
        for (var i = 0; i < _instances.Length; i++)
        {
            if (_instances[i].HasExited)
            {
                var address = _instances[i].Address;
                await _instances[i].DisposeAsync();
                _instances[i] = await PortalProcess.StartAsync(DatabasePath, _directory, PortalProxy.InstanceName(i), Settings, address);
            }
        }

        // Until the proxy's health check has seen a restarted instance answer, it sends everyone to the other.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!Enumerable.Range(0, _instances.Length).All(i => Proxy.FindsHealthy(PortalProxy.InstanceName(i))))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(1), $"The proxy did not find both instances healthy within a minute.\n{Output()}");
            await Task.Delay(100);
        }
    }

    /// <summary>A fresh browser context (no cookies) on the proxy, whose pages report Content-Security-Policy violations.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = Proxy.Address.ToString().TrimEnd('/'), Locale = "en-GB" });
        context.SetDefaultTimeout(BrowserTimeouts.Default);
        await context.AddInitScriptAsync(BrowserFixture.ViolationCollector);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Signs in through the development sign-in page on the proxy, as a person would, and returns the page with the
    /// instance the proxy keeps them on.
    /// </summary>
    public async Task<(IPage Page, string Instance)> SignedInPageAsync(string demoPersonName)
    {
        var page = await NewPageAsync();
        var signIn = await page.GotoAsync("/sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Sign in as {demoPersonName},", Exact = false }).ClickAsync();
        await page.WaitForURLAsync($"{Proxy.Address.ToString().TrimEnd('/')}/");
        await BrowserFixture.WaitForInteractiveAsync(page);
        return (page, InstanceOf(signIn));
    }

    /// <summary>Which instance answered, as the proxy says.</summary>
    public static string InstanceOf(IResponse? response) =>
        response?.Headers.GetValueOrDefault(PortalProxy.InstanceHeader.ToLowerInvariant())
        ?? throw new InvalidOperationException("The response did not come through the proxy.");

    /// <summary>What both instances wrote, for a failing test's message.</summary>
    public string Output() => string.Join("\n", _instances.Select((p, i) =>
        $"--- {PortalProxy.InstanceName(i)} ---\n{(p.Output.Length <= 4000 ? p.Output : p.Output[^4000..])}"));

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright?.Dispose();
        await Proxy.DisposeAsync();
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private sealed class SharedDatabase(string path) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext()
        {
            var builder = new DbContextOptionsBuilder<PortalDbContext>();
            DatabaseSetup.Configure(builder, new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={path}" });
            return new PortalDbContext(builder.Options);
        }
    }
}
