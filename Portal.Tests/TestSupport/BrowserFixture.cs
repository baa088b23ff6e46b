using System.Collections.Concurrent;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Portal.Tests.TestSupport;

/// <summary>
/// One portal on a real Kestrel port and one Debian Chromium for all browser tests; each test gets its own
/// browser context, so cookies and circuits never leak between tests.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    internal static readonly string[] ChromiumArguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
    ];

    private static readonly List<string> WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

    /// <summary>
    /// Records every Content-Security-Policy violation a page reports (the browser's securitypolicyviolation event, which
    /// it raises for each blocked script, style, connection, frame or eval), both in the tab's session storage, for
    /// <see cref="AssertNoPolicyViolationsAsync"/>, and with the fixture, so one that happens after a test's last check
    /// still fails the run. Registered before any of the page's own scripts run.
    /// </summary>
    internal const string ViolationCollector = """
        document.addEventListener('securitypolicyviolation', e => {
            const said = `${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile || location.href}:${e.lineNumber}` +
                (e.sample ? ` (${e.sample})` : '');
            try {
                const kept = JSON.parse(sessionStorage.getItem('portal-csp-violations') || '[]');
                kept.push(said);
                sessionStorage.setItem('portal-csp-violations', JSON.stringify(kept));
            } catch {
                // Storage blocked: the fixture still hears of it below.
            }
            window.portalCspViolation?.(`${location.pathname}: ${said}`);
        }, true);
        """;

    private readonly ConcurrentDictionary<IBrowserContext, ConcurrentQueue<string>> _policyViolations = new();

    private IPlaywright? _playwright;

    public PortalAppFactory App { get; } = new(testSignIn: false);

    public IBrowser Browser { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium is not at {chromium}. Run the tests with ./scripts/test.sh, which installs Debian's chromium, or set PORTAL_CHROMIUM.");
        }

        // A 2-core CI machine runs the other test classes alongside: give the page time rather than fail on load.
        Assertions.SetDefaultExpectTimeout(BrowserTimeouts.Default);
        App.StartOnKestrel();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumArguments });
    }

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright?.Dispose();
        await App.DisposeAsync();
        var violations = _policyViolations.Values.SelectMany(v => v).Distinct().ToList();
        Assert.True(violations.Count == 0, $"Pages broke the Content-Security-Policy during the browser tests:\n{string.Join("\n", violations)}");
    }

    /// <summary>A fresh browser context (no cookies) whose pages report any Content-Security-Policy violation.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = App.BaseAddress, Locale = "en-GB" });
        context.SetDefaultTimeout(BrowserTimeouts.Default);
        var violations = _policyViolations.GetOrAdd(context, _ => new ConcurrentQueue<string>());
        await context.ExposeFunctionAsync("portalCspViolation", (string violation) => violations.Enqueue(violation));
        await context.AddInitScriptAsync(ViolationCollector);
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the development sign-in page, as a person would, and waits for their home page.</summary>
    public async Task<IPage> SignedInPageAsync(string demoPersonName)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Sign in as {demoPersonName},", Exact = false }).ClickAsync();
        await page.WaitForURLAsync($"{App.BaseAddress}/");
        await WaitForInteractiveAsync(page);
        return page;
    }

    /// <summary>
    /// Blazor Server pages prerender first; wait until the circuit is up so clicks reach the server, and until the page
    /// has loaded its data again interactively. The layout marks the circuit live on its first render, while the page
    /// below it may still show its loading bar in place of the prerendered form: text typed then went into an input
    /// that was about to be replaced (a search box's Enter found no text, once in CI).
    /// </summary>
    public static async Task WaitForInteractiveAsync(IPage page)
    {
        // A page sent without a circuit ([ExcludeFromInteractiveRouting], its layout marked data-static-page) is ready
        // when it has loaded and its islands, if any, are live: nothing else will take it over.
        await page.WaitForSelectorAsync("html[data-interactive='true'], [data-static-page]", new() { State = WaitForSelectorState.Attached });
        // A page sent without a circuit may hold islands (Components/Shared/Island.cs): forms that go live on their own.
        await page.WaitForFunctionAsync(
            "() => !document.querySelector(\"[aria-label^='Loading'], [aria-label='Checking your sign-in'], [data-island='waiting']\")");
    }

    /// <summary>
    /// Presses "Start an assessment" (a form posted from the home page or the list, neither of which has a circuit) and
    /// waits until the new draft's first step is live, so the next click reaches the server. Returns the draft's id.
    /// </summary>
    public static async Task<int> StartAnAssessmentAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Start an assessment" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex(@"/assessments/\d+/start$"));
        await WaitForInteractiveAsync(page);
        var id = System.Text.RegularExpressions.Regex.Match(page.Url, @"/assessments/(\d+)/start$").Groups[1].Value;
        return int.Parse(id, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Chooses a file in a Blazor file input once Blazor has wired the input up (it sets
    /// <c>_blazorInputFileNextFileId</c> on the element); a file chosen earlier would go unnoticed.
    /// </summary>
    public static async Task ChooseFileAsync(ILocator input, FilePayload file)
    {
        await input.EvaluateAsync("el => new Promise(resolve => { const check = () => ('_blazorInputFileNextFileId' in el) ? resolve() : setTimeout(check, 50); check(); })");
        await input.SetInputFilesAsync(file);
    }

    /// <summary>Set PORTAL_SCREENSHOTS to a folder to look at the pages a browser test passes through.</summary>
    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = false)
    {
        if (Environment.GetEnvironmentVariable("PORTAL_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name), FullPage = fullPage });
        }
    }

    /// <summary>
    /// Chooses a MudBlazor radio button or checkbox as a person does, by clicking it, then waits until it shows as
    /// chosen. MudBlazor's inputs take their checked state from the server's next render, so it arrives a round trip
    /// after the click; Playwright's CheckAsync looks once, straight after the click, and fails on a slow machine.
    /// </summary>
    public static async Task ChooseAsync(ILocator input)
    {
        await input.ClickAsync();
        await Assertions.Expect(input).ToBeCheckedAsync();
    }

    /// <summary>
    /// Fails with every violation named when axe-core finds any WCAG 2.x A/AA problem on the page, or when anything the
    /// tab has shown so far broke the Content-Security-Policy.
    /// </summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        await AssertNoPolicyViolationsAsync(page);
        await AssertNoAxeViolationsAsync(page);
    }

    /// <summary>Fails with every violation named when axe-core finds any WCAG 2.x A/AA problem on the page.</summary>
    public static async Task AssertNoAxeViolationsAsync(IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = WcagTags } });
        var violations = result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Target?.ToString()))}");
        Assert.True(result.Violations.Length == 0, $"axe-core found accessibility violations on {page.Url}:\n{string.Join("\n", violations)}");
    }

    /// <summary>For the one test that breaks the policy on purpose, to prove the check notices: forgets that tab's violations.</summary>
    public void ForgetPolicyViolationsOf(IPage page) => _policyViolations.TryRemove(page.Context, out _);

    /// <summary>Fails naming each Content-Security-Policy violation this tab has reported since it opened.</summary>
    public static async Task AssertNoPolicyViolationsAsync(IPage page)
    {
        var violations = await page.EvaluateAsync<string[]>("() => JSON.parse(sessionStorage.getItem('portal-csp-violations') || '[]')");
        Assert.True(violations.Length == 0, $"The Content-Security-Policy was broken on {page.Url}:\n{string.Join("\n", violations)}");
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
