using Microsoft.Playwright;

namespace Portal.Benchmarks;

/// <summary>What a number of live circuits cost the portal: managed heap and resident set, before and after.</summary>
public sealed record CircuitMemoryFigures(
    int Circuits,
    string Path,
    ManagedHeap.Weight HeapBefore,
    ManagedHeap.Weight HeapAfter,
    long WorkingSetBefore,
    long WorkingSetAfter,
    double OpenSeconds)
{
    public double HeapPerCircuit => (HeapAfter.Bytes - HeapBefore.Bytes) / (double)Circuits;

    public bool Settled => HeapBefore.Settled && HeapAfter.Settled;

    public double WorkingSetPerCircuit => (WorkingSetAfter - WorkingSetBefore) / (double)Circuits;
}

/// <summary>
/// Opens real Chromium pages on one page (the assessment page, then the evidence workspace), each its own interactive circuit, and waits until every
/// circuit is live (MainLayout marks a live page once it renders interactively; an island on a page sent without a circuit
/// marks itself), then weighs the portal again.
/// </summary>
public static class CircuitMemory
{
    private static readonly string[] ChromiumArguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        // Same-site tabs share a few renderers, so each browser's pages fit beside the portal on a small machine.
        "--renderer-process-limit=4",
        // Hidden tabs must keep their circuits' connections as busy as a visible one.
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
    ];

    /// <summary>
    /// Pages per Chromium process. One browser with 200 pages crashed on a 2-core machine (its renderers ran out of
    /// memory and the run printed nothing); several smaller browsers each keep their renderers within limits.
    /// </summary>
    private const int PagesPerBrowser = 40;

    public static async Task<CircuitMemoryFigures> MeasureAsync(
        PortalUnderTest portal, SignedInCookies cookies, string path, string expectedText, int circuits, string chromium, CancellationToken cancellationToken)
    {
        using var playwright = await Playwright.CreateAsync();
        var browsers = new List<IBrowser>();
        // A crashed page or browser ends the measurement with its name at once, rather than waiting on pages that never come.
        var crashed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            async Task<IBrowserContext> NewContextAsync()
            {
                var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumArguments });
                var number = browsers.Count + 1;
                browsers.Add(browser);
                browser.Disconnected += (_, _) => crashed.TrySetResult($"Chromium {number} of {browsers.Count} closed or crashed");
                var context = await browser.NewContextAsync(new() { BaseURL = portal.Address.ToString(), Locale = "en-GB" });
                context.SetDefaultTimeout(120_000);
                context.Page += (_, page) => page.Crash += (_, _) => crashed.TrySetResult($"a page in Chromium {number} crashed");
                await context.AddCookiesAsync(cookies.Cookies.Select(c => new Cookie { Name = c.Key, Value = c.Value, Url = portal.Address.ToString() }));
                return context;
            }

            async Task<T> Watched<T>(Task<T> work)
            {
                if (await Task.WhenAny(work, crashed.Task) == crashed.Task)
                {
                    throw new InvalidOperationException($"Chromium failed while opening circuits: {crashed.Task.Result}.");
                }

                return await work;
            }

            // One circuit first, closed again, so start-up work (JIT, component metadata) is not counted per circuit.
            var contexts = new List<IBrowserContext> { await NewContextAsync() };
            var warm = await Watched(OpenAsync(contexts[0], path, expectedText));
            await warm.CloseAsync(new() { RunBeforeUnload = true });
            for (var i = PagesPerBrowser; i < circuits; i += PagesPerBrowser)
            {
                contexts.Add(await NewContextAsync());
            }

            // The working set before the heap on both sides: the weighings' full collections and waits change it.
            var workingSetBefore = portal.WorkingSetBytes();
            var heapBefore = await ManagedHeap.SettledLiveBytesAsync(portal.ProcessId, cancellationToken);
            var opening = System.Diagnostics.Stopwatch.StartNew();
            var pages = new List<IPage>();
            // A few at a time, as people arriving, rather than a hundred handshakes at once on two cores.
            foreach (var batch in Enumerable.Range(0, circuits).Chunk(5))
            {
                pages.AddRange(await Watched(Task.WhenAll(batch.Select(n => OpenAsync(contexts[n / PagesPerBrowser], path, expectedText)))));
            }

            opening.Stop();
            var workingSetAfter = portal.WorkingSetBytes();
            var heapAfter = await ManagedHeap.SettledLiveBytesAsync(portal.ProcessId, cancellationToken);
            if (Environment.GetEnvironmentVariable("PORTAL_BENCH_GCDUMP") is { Length: > 0 } dumpPath)
            {
                // To see what a circuit holds: a heap dump with the circuits open (after the working set is read, which the dump would swell), read with `dotnet-gcdump report`.
                // One file per page measured, named by its address (assessments-87, assessments-87-evidence).
                var pageDump = $"{dumpPath}.{path.Trim('/').Replace('/', '-')}.gcdump";
                using var dump = System.Diagnostics.Process.Start("dotnet-gcdump", ["collect", "-p", portal.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", pageDump])!;
                await dump.WaitForExitAsync(cancellationToken);
            }

            var stillLive = 0;
            foreach (var page in pages)
            {
                stillLive += Math.Min(1, await Watched(page.Locator(LiveSelector).CountAsync()));
            }

            if (stillLive != circuits)
            {
                throw new InvalidOperationException($"Only {stillLive} of {circuits} pages were still interactive when the portal was weighed.");
            }

            // Left as a person leaves a page (its unload sends Blazor's disconnect), so the portal ends these circuits at
            // once rather than keeping them for reconnection for minutes, into the next page's "before". Going to a
            // blank page waits for the unload; closing with RunBeforeUnload would not, and closing the browsers after
            // it could cut the disconnect off.
            foreach (var page in pages)
            {
                await page.GotoAsync("about:blank");
                await page.CloseAsync();
            }

            return new CircuitMemoryFigures(circuits, path, heapBefore, heapAfter, workingSetBefore, workingSetAfter, opening.Elapsed.TotalSeconds);
        }
        finally
        {
            crashed.TrySetResult("the measurement ended");
            foreach (var browser in browsers)
            {
                await browser.CloseAsync();
            }
        }
    }

    /// <summary>
    /// A live page (MainLayout marks it once its circuit renders), or a page sent without a circuit whose islands (its
    /// forms) have gone live: either way the page holds a circuit, and that circuit is what is weighed.
    /// </summary>
    private const string LiveSelector = "html[data-interactive='true'], [data-island='live']";

    private static async Task<IPage> OpenAsync(IBrowserContext context, string path, string expectedText)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await page.WaitForSelectorAsync(LiveSelector, new() { State = WaitForSelectorState.Attached });
        await page.WaitForFunctionAsync("() => !document.querySelector(\"[data-island='waiting']\")");
        if (!(await page.ContentAsync()).Contains(expectedText, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{path} did not show '{expectedText}': the circuits would not be on the page measured.");
        }

        return page;
    }
}
