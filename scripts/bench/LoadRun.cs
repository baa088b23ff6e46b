using System.Diagnostics;
using System.Net;

namespace Portal.Benchmarks;

/// <summary>Median and 95th percentile of a set of samples, in milliseconds, with how many there were.</summary>
public sealed record Distribution(int Count, double Median, double P95)
{
    public static Distribution Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0)
        {
            return new Distribution(0, double.NaN, double.NaN);
        }

        var sorted = samples.Order().ToArray();
        return new Distribution(sorted.Length, Rank(sorted, 0.50), Rank(sorted, 0.95));
    }

    /// <summary>Nearest rank: the smallest sample that at least that share of samples do not exceed.</summary>
    private static double Rank(double[] sorted, double share) => sorted[Math.Max(0, (int)Math.Ceiling(share * sorted.Length) - 1)];
}

/// <summary>What a load run saw: time to first byte, time to the last byte, throughput, failures and response size.</summary>
public sealed record LoadFigures(
    string Path,
    int Clients,
    double Seconds,
    Distribution FirstByte,
    Distribution Complete,
    double RequestsPerSecond,
    int Failures,
    string? FirstFailure,
    long MedianBytes)
{
    /// <summary>The portal's CPU time per counted request, in milliseconds; set by the caller that can see the portal process.</summary>
    public double PortalCpuPerRequest { get; init; } = double.NaN;
}

/// <summary>
/// A closed loop of concurrent clients, each sending its next GET as soon as the last one ended, for a fixed time
/// after a short warm-up. Bounded in time and in requests, and only ever aimed at loopback addresses. Given several
/// instances of the portal, client n sends its requests to instance n mod their count.
/// </summary>
public sealed class LoadRun : IDisposable
{
    private const int MaxRequestsPerRun = 200_000;

    /// <summary>How long one measured request may take before it counts as failed.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan FirstFetchTimeout = TimeSpan.FromMinutes(3);

    private readonly HttpClient _http;
    private readonly Uri[] _portals;
    private readonly string _cookies;
    private readonly string? _bearerToken;

    /// <param name="bearerToken">For the API: a personal access token sent as a bearer token instead of the cookies.</param>
    public LoadRun(Uri portal, SignedInCookies cookies, int clients, string? bearerToken = null)
        : this([portal], cookies, clients, bearerToken)
    {
    }

    public LoadRun(IReadOnlyList<Uri> portals, SignedInCookies cookies, int clients, string? bearerToken = null)
    {
        foreach (var portal in portals)
        {
            if (!IPAddress.TryParse(portal.Host, out var address) || !IPAddress.IsLoopback(address))
            {
                throw new ArgumentException($"Load runs only target a loopback address, not {portal.Host}.", nameof(portals));
            }
        }

        _portals = [.. portals];

        _http = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = clients,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        {
            BaseAddress = _portals[0],
            // Each request's own limit is set where it is sent: a measured request gets RequestTimeout, a first fetch more.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _cookies = cookies.Header;
        _bearerToken = bearerToken;
    }

    /// <summary>Fetches a page once and returns its text, so a run can check it measures the page it means to.</summary>
    /// <remarks>
    /// A page's first fetch may take the portal compiling it and its queries while other builds load the machine (one
    /// took over 30 seconds at a load average of 46), so it may take up to <see cref="FirstFetchTimeout"/>.
    /// </remarks>
    public async Task<string> FetchAsync(string path, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(FirstFetchTimeout);
        using var request = Request(path, _portals[0]);
        using var response = await _http.SendAsync(request, limit.Token);
        var body = await response.Content.ReadAsStringAsync(limit.Token);
        return response.StatusCode == HttpStatusCode.OK
            ? body
            : throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode} {response.Headers.Location}.");
    }

    /// <param name="pathFor">The path for the n-th request, so a run can visit many assessments in turn.</param>
    public async Task<LoadFigures> RunAsync(string label, Func<int, string> pathFor, int clients, TimeSpan duration, TimeSpan warmUp, CancellationToken cancellationToken)
    {
        var firstByte = new List<double>[clients];
        var complete = new List<double>[clients];
        var sizes = new List<double>[clients];
        var failures = 0;
        string? firstFailure = null;
        var issued = 0;
        var clock = Stopwatch.StartNew();
        var end = warmUp + duration;

        async Task ClientAsync(int client)
        {
            firstByte[client] = [];
            complete[client] = [];
            sizes[client] = [];
            var buffer = new byte[64 * 1024];
            while (clock.Elapsed < end && !cancellationToken.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref issued);
                if (n > MaxRequestsPerRun)
                {
                    return;
                }

                var counted = clock.Elapsed >= warmUp;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    limit.CancelAfter(RequestTimeout);
                    using var request = Request(pathFor(n), _portals[client % _portals.Length]);
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
                    var headers = Stopwatch.GetElapsedTime(started);
                    await using var body = await response.Content.ReadAsStreamAsync(limit.Token);
                    long bytes = 0;
                    int read;
                    while ((read = await body.ReadAsync(buffer, limit.Token)) > 0)
                    {
                        bytes += read;
                    }

                    var done = Stopwatch.GetElapsedTime(started);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref failures);
                        Interlocked.CompareExchange(ref firstFailure, $"{(int)response.StatusCode} for {request.RequestUri}", null);
                    }
                    else if (counted)
                    {
                        firstByte[client].Add(headers.TotalMilliseconds);
                        complete[client].Add(done.TotalMilliseconds);
                        sizes[client].Add(bytes);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, ex.Message, null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c), cancellationToken)));
        var measured = clock.Elapsed - warmUp;
        var all = complete.SelectMany(c => c).ToList();
        return new LoadFigures(
            label,
            clients,
            measured.TotalSeconds,
            Distribution.Of(firstByte.SelectMany(c => c).ToList()),
            Distribution.Of(all),
            all.Count / measured.TotalSeconds,
            failures,
            firstFailure,
            (long)Distribution.Of(sizes.SelectMany(c => c).ToList()).Median);
    }

    public void Dispose() => _http.Dispose();

    private HttpRequestMessage Request(string path, Uri portal)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(portal, path));
        if (_bearerToken is null && _cookies.Length > 0)
        {
            request.Headers.Add("Cookie", _cookies);
        }
        else if (_bearerToken is not null)
        {
            request.Headers.Add("Authorization", $"Bearer {_bearerToken}");
        }

        request.Headers.Add("Accept", "text/html,application/json;q=0.9,*/*;q=0.8");
        return request;
    }
}
