using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.Benchmarks;

/// <summary>
/// A loopback TCP relay in front of a site that counts the bytes that really cross the wire. Chromium's network log
/// reports a WebSocket frame's payload after permessage-deflate has inflated it (Blazor compresses its WebSocket by
/// default), so the live connection's cost has to be counted below the browser: here, as the bytes the relay passes.
/// HTTP responses are counted as sent (headers and compressed body, as Chromium's <c>encodedDataLength</c> does); a
/// connection that upgrades to a WebSocket is counted in both directions from its first byte.
/// </summary>
public sealed class WireCounter : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _httpReceived;
    private long _socketBytes;

    public WireCounter(Uri target)
    {
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>Where the browser goes instead of the site (same host, so the site's cookies still apply: cookies ignore the port).</summary>
    public Uri Address { get; }

    /// <summary>Bytes the site sent over plain HTTP connections so far.</summary>
    public long HttpReceived => Interlocked.Read(ref _httpReceived);

    /// <summary>Bytes sent either way over WebSocket connections so far (the upgrade's HTTP exchange included).</summary>
    public long SocketBytes => Interlocked.Read(ref _socketBytes);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var browserSide = client;
        using var siteSide = new TcpClient();
        try
        {
            await siteSide.ConnectAsync(_target.Host, _target.Port, _stop.Token);
            var browser = browserSide.GetStream();
            var site = siteSide.GetStream();

            // The first request says what the connection is: a WebSocket upgrade starts with its GET and Upgrade header.
            var first = new byte[16 * 1024];
            var read = await browser.ReadAsync(first, _stop.Token);
            if (read == 0)
            {
                return;
            }

            var isSocket = Encoding.ASCII.GetString(first, 0, read).Contains("\r\nUpgrade: websocket", StringComparison.OrdinalIgnoreCase);
            if (isSocket)
            {
                Interlocked.Add(ref _socketBytes, read);
            }

            await site.WriteAsync(first.AsMemory(0, read), _stop.Token);
            var up = PumpAsync(browser, site, n => { if (isSocket) { Interlocked.Add(ref _socketBytes, n); } });
            var down = PumpAsync(site, browser, n =>
            {
                if (isSocket)
                {
                    Interlocked.Add(ref _socketBytes, n);
                }
                else
                {
                    Interlocked.Add(ref _httpReceived, n);
                }
            });
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A browser or site closing its end mid-stream is how connections end here.
        }
    }

    private async Task PumpAsync(Stream from, Stream to, Action<int> count)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                count(read);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
