using Microsoft.Playwright;

namespace Portal.Benchmarks;

/// <summary>
/// Bytes one page costs over the wire, counted by a relay between Chromium and the site (<see cref="WireCounter"/>):
/// every HTTP response as sent (headers and compressed body), and the live connection's WebSocket both ways, compressed
/// as it travels, while the page settles. (Chromium's own network log reports WebSocket frames inflated, which counted
/// the live connection several times over until 2 December 2026.) A first visit starts with an empty cache; a repeat
/// visit opens the same page again in the same browser.
/// </summary>
public sealed record PageBytesFigures(string Site, string Path, long FirstVisitHttp, long FirstVisitSocket, long RepeatVisitHttp, long RepeatVisitSocket, int FirstVisitRequests, int RepeatVisitRequests)
{
    public long FirstVisit => FirstVisitHttp + FirstVisitSocket;

    public long RepeatVisit => RepeatVisitHttp + RepeatVisitSocket;
}

public static class PageBytes
{
    private static readonly string[] ChromiumArguments = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-dev-shm-usage"];

    /// <param name="settled">A selector that appears once the page is fully rendered (and interactive, where it is).</param>
    public static async Task<IReadOnlyList<PageBytesFigures>> MeasureAsync(
        string site, Uri siteAddress, SignedInCookies? cookies, IReadOnlyList<string> paths, string settled, string chromium)
    {
        await using var wire = new WireCounter(siteAddress);
        var address = wire.Address;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true, Args = ChromiumArguments });
        var figures = new List<PageBytesFigures>();
        foreach (var path in paths)
        {
            // A new context per page: an empty cache for its first visit, whatever the pages before it fetched.
            await using var context = await browser.NewContextAsync(new() { BaseURL = address.ToString(), Locale = "en-GB" });
            context.SetDefaultTimeout(120_000);
            if (cookies is not null)
            {
                await context.AddCookiesAsync(cookies.Cookies.Select(c => new Cookie { Name = c.Key, Value = c.Value, Url = address.ToString() }));
            }

            var first = await NamedAsync(path, "first", () => VisitAsync(context, wire, path, settled));
            var repeat = await NamedAsync(path, "repeat", () => VisitAsync(context, wire, path, settled));
            figures.Add(new(site, path, first.Http, first.Socket, repeat.Http, repeat.Socket, first.Requests, repeat.Requests));
        }

        return figures;
    }

    /// <summary>A visit that times out says which page and which visit it was (one did, in the run at 18:16 on 2 December 2026).</summary>
    private static async Task<T> NamedAsync<T>(string path, string visit, Func<Task<T>> visitAsync)
    {
        try
        {
            return await visitAsync();
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The {visit} visit to {path}: {ex.Message}", ex);
        }
    }

    private static async Task<(long Http, long Socket, int Requests)> VisitAsync(IBrowserContext context, WireCounter wire, string path, string settled)
    {
        var page = await context.NewPageAsync();
        var requests = 0;
        page.RequestFinished += (_, _) => Interlocked.Increment(ref requests);
        var (httpBefore, socketBefore) = (wire.HttpReceived, wire.SocketBytes);
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
        await page.WaitForSelectorAsync(settled, new() { State = WaitForSelectorState.Attached });
        // The live connection goes on sending render batches until the page has loaded its data interactively (its
        // loading bars gone and its islands live, as the browser tests wait for); a second more lets the last batches and acknowledgements cross.
        await page.WaitForFunctionAsync("() => !document.querySelector(\"[aria-label^='Loading'], [data-island='waiting']\")");
        await Task.Delay(1000);
        await page.CloseAsync();
        return (wire.HttpReceived - httpBefore, wire.SocketBytes - socketBefore, requests);
    }
}
