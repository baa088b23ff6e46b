using System.Text.Json;
using Microsoft.Playwright;

namespace Portal.Benchmarks;

/// <summary>
/// Bytes one page costs over the wire, as Chromium's network log (DevTools protocol) counts them: every HTTP response
/// as transferred (headers and compressed body), and the WebSocket frames the live connection brings while the page
/// settles. A first visit starts with an empty cache; a repeat visit opens the same page again in the same browser.
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
        string site, Uri address, SignedInCookies? cookies, IReadOnlyList<string> paths, string settled, string chromium)
    {
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

            var first = await NamedAsync(path, "first", () => VisitAsync(context, path, settled));
            var repeat = await NamedAsync(path, "repeat", () => VisitAsync(context, path, settled));
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

    private static async Task<(long Http, long Socket, int Requests)> VisitAsync(IBrowserContext context, string path, string settled)
    {
        var page = await context.NewPageAsync();
        var cdp = await context.NewCDPSessionAsync(page);
        long http = 0, socket = 0;
        var requests = 0;
        cdp.Event("Network.loadingFinished").OnEvent += (_, e) =>
        {
            Interlocked.Add(ref http, (long)e!.Value.GetProperty("encodedDataLength").GetDouble());
            Interlocked.Increment(ref requests);
        };
        cdp.Event("Network.webSocketFrameReceived").OnEvent += (_, e) => Interlocked.Add(ref socket, FrameBytes(e!.Value));
        cdp.Event("Network.webSocketFrameSent").OnEvent += (_, e) => Interlocked.Add(ref socket, FrameBytes(e!.Value));
        await cdp.SendAsync("Network.enable");
        await page.GotoAsync(path, new() { WaitUntil = WaitUntilState.NetworkIdle });
        await page.WaitForSelectorAsync(settled, new() { State = WaitForSelectorState.Attached });
        await page.CloseAsync();
        return (Interlocked.Read(ref http), Interlocked.Read(ref socket), requests);
    }

    /// <summary>A frame's payload: text as sent, binary (opcode 2) as the base64 the protocol reports it in.</summary>
    private static long FrameBytes(JsonElement frame)
    {
        var response = frame.GetProperty("response");
        var payload = response.GetProperty("payloadData").GetString() ?? string.Empty;
        return response.GetProperty("opcode").GetDouble() == 2 ? payload.Length * 3L / 4 : payload.Length;
    }
}
