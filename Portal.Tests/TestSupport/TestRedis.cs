using System.Net;
using System.Net.Sockets;

namespace Portal.Tests.TestSupport;

/// <summary>
/// The real Redis that scripts/test.sh starts (scripts/test-redis.sh) and names in PORTAL_REDIS; a clear failure when
/// there is none. Each test host gets a key prefix of its own, so hosts sharing the one Redis never share a count.
/// </summary>
public static class TestRedis
{
    public static string Address
    {
        get
        {
            var value = Environment.GetEnvironmentVariable("PORTAL_REDIS");
            if (string.IsNullOrWhiteSpace(value) || value.LastIndexOf(':') is var colon && colon < 1 || !int.TryParse(value[(colon + 1)..], out _))
            {
                throw new InvalidOperationException(
                    "PORTAL_REDIS is not set to host:port, so the tests of the fair-use limits shared by several instances have no Redis. "
                    + "scripts/test.sh starts one; for a narrow run start it as scripts/test-redis.sh describes and export PORTAL_REDIS=127.0.0.1:<port>.");
            }

            return value;
        }
    }

    /// <summary>The settings that share a portal's fair-use limits through <paramref name="redis"/>, under a prefix of this test's own.</summary>
    public static Dictionary<string, string?> Settings(string redis, string prefix) => new()
    {
        ["Api:RateLimit:Redis"] = redis,
        ["Api:RateLimit:RedisPrefix"] = $"portal-tests:{prefix}:{Guid.NewGuid():N}:",
        // These tests prove the count is shared: a Redis that answers must not be taken for one that failed because
        // a loaded machine (a suite starting many hosts at once) took longer than the 500 ms default, which makes each
        // instance count on its own (seen in a clean-clone run: 37 let through against a limit of 20). The outage
        // tests set their own, shorter timeout.
        ["Api:RateLimit:RedisTimeoutMilliseconds"] = "3000",
    };
}

/// <summary>
/// A TCP relay between a portal and the test Redis that can be made to stop answering: once <see cref="StopAnswering"/>
/// is called it keeps every connection open and swallows what it receives, as a Redis that hangs (or a network that
/// drops packets) does. Only this relay's clients are affected; the test Redis serves every other test as before.
/// </summary>
public sealed class SilenceableRedisRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly (string Host, int Port) _redis;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private volatile bool _silent;

    public SilenceableRedisRelay(string redis)
    {
        var colon = redis.LastIndexOf(':');
        _redis = (redis[..colon], int.Parse(redis[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public void StopAnswering() => _silent = true;

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var server = new TcpClient();
                await server.ConnectAsync(_redis.Host, _redis.Port, _stop.Token);
                lock (_connections)
                {
                    _connections.Add(client);
                    _connections.Add(server);
                }

                _ = RelayAsync(client.GetStream(), server.GetStream());
                _ = RelayAsync(server.GetStream(), client.GetStream());
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private async Task RelayAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (!_silent)
                {
                    await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Either side closed, or the relay was disposed: the other side is closed below.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_connections)
        {
            foreach (var connection in _connections)
            {
                connection.Dispose();
            }
        }

        _stop.Dispose();
    }
}
