using Microsoft.Playwright;

namespace Portal.Benchmarks;

/// <summary>What a number of live circuits cost the portal: managed heap and resident set, before and after.</summary>
public sealed record CircuitMemoryFigures(
    int Circuits,
    string Path,
    long HeapBefore,
    long HeapAfter,
    long WorkingSetBefore,
    long WorkingSetAfter,
    double OpenSeconds)
{
    public double HeapPerCircuit => (HeapAfter - HeapBefore) / (double)Circuits;

    public double WorkingSetPerCircuit => (WorkingSetAfter - WorkingSetBefore) / (double)Circuits;
}

/// <summary>
/// Opens real Chromium pages on one assessment page, each its own interactive circuit, and waits until every
/// circuit is live (MainLayout marks the page once it renders interactively), then weighs the portal again.
/// </summary>
public static class CircuitMemory
{
    private static readonly string[] ChromiumArguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        // Many same-site tabs share a few renderers, so a hundred pages fit beside the portal on a small machine.
        "--renderer-process-limit=6",
        // Hidden tabs must keep their circuits' connections as busy as a visible one.
        "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
    ];

    public static async Task<CircuitMemoryFigures> MeasureAsync(
        PortalUnderTest portal, SignedInCookies cookies, string path, string expectedText, int circuits, string chromium, CancellationToken cancellationToken)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumArguments });
        var context = await browser.NewContextAsync(new() { BaseURL = portal.Address.ToString(), Locale = "en-GB" });
        context.SetDefaultTimeout(120_000);
        await context.AddCookiesAsync(cookies.Cookies.Select(c => new Cookie { Name = c.Key, Value = c.Value, Url = portal.Address.ToString() }));

        // One circuit first, closed again, so start-up work (JIT, component metadata) is not counted per circuit.
        var warm = await OpenAsync(context, path, expectedText);
        await warm.CloseAsync(new() { RunBeforeUnload = true });

        var heapBefore = await ManagedHeap.LiveBytesAfterFullCollectionAsync(portal.ProcessId, cancellationToken);
        var workingSetBefore = portal.WorkingSetBytes();
        var opening = System.Diagnostics.Stopwatch.StartNew();
        var pages = new List<IPage>();
        // A few at a time, as people arriving, rather than a hundred handshakes at once on two cores.
        foreach (var batch in Enumerable.Range(0, circuits).Chunk(5))
        {
            pages.AddRange(await Task.WhenAll(batch.Select(_ => OpenAsync(context, path, expectedText))));
        }

        opening.Stop();
        var heapAfter = await ManagedHeap.LiveBytesAfterFullCollectionAsync(portal.ProcessId, cancellationToken);
        var workingSetAfter = portal.WorkingSetBytes();
        var stillLive = 0;
        foreach (var page in pages)
        {
            stillLive += await page.Locator("html[data-interactive='true']").CountAsync();
        }

        if (stillLive != circuits)
        {
            throw new InvalidOperationException($"Only {stillLive} of {circuits} pages were still interactive when the portal was weighed.");
        }

        return new CircuitMemoryFigures(circuits, path, heapBefore, heapAfter, workingSetBefore, workingSetAfter, opening.Elapsed.TotalSeconds);
    }

    private static async Task<IPage> OpenAsync(IBrowserContext context, string path, string expectedText)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await page.WaitForSelectorAsync("html[data-interactive='true']", new() { State = WaitForSelectorState.Attached });
        if (!(await page.ContentAsync()).Contains(expectedText, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{path} did not show '{expectedText}': the circuits would not be on the assessment page.");
        }

        return page;
    }
}
