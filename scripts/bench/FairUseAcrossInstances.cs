using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;

namespace Portal.Benchmarks;

/// <summary>How many of one token's requests the API let through in one window, beside the limit it was given.</summary>
public sealed record FairUseFigures(string Setup, int Instances, int PermitLimit, int Sent, int Admitted, int Refused, int Other)
{
    /// <summary>Admitted over the configured limit, as a percentage off it (0 is exact).</summary>
    public double PercentOff => 100.0 * (Admitted - PermitLimit) / PermitLimit;
}

/// <summary>
/// Issue 15's "one fair-use limit for the whole service", measured: two fresh instances of the portal on the
/// benchmark's database, both counting in one Redis (<c>PORTAL_REDIS</c>, which scripts/bench.sh starts), with a small
/// per-token limit and a window long enough that the run stays inside one. Through the proxy (no affinity cookie, so
/// requests alternate between the instances), one token sends three times its limit, and the answers are counted:
/// 2xx admitted, 429 refused. First through one instance behind the proxy, then both, each with a token of its own so
/// the two counts start from nothing. Goal: both within 10% of the configured limit.
/// </summary>
public static class FairUseAcrossInstances
{
    public const int PermitLimit = 100;
    private const int WindowSeconds = 600;
    private const int Clients = 10;

    public static async Task<IReadOnlyList<FairUseFigures>> MeasureAsync(string portalDll, string databasePath, string work, CancellationToken cancellationToken)
    {
        var redis = Environment.GetEnvironmentVariable("PORTAL_REDIS");
        if (string.IsNullOrWhiteSpace(redis))
        {
            throw new InvalidOperationException("PORTAL_REDIS is not set: run the benchmark through scripts/bench.sh, which starts Debian's redis-server for this part.");
        }

        var settings = new Dictionary<string, string>
        {
            ["Api__RateLimit__PermitLimit"] = PermitLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Api__RateLimit__WindowSeconds"] = WindowSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Api__RateLimit__Redis"] = redis,
            // A loaded machine: the same allowance as the tests give Redis, so a slow answer is not counted locally.
            ["Api__RateLimit__RedisTimeoutMilliseconds"] = "3000",
            // Each run's counts are its own, whatever an earlier run left in this Redis.
            ["Api__RateLimit__RedisPrefix"] = $"bench-{Guid.NewGuid():N}:",
        };
        await using var first = await PortalUnderTest.StartAsync(portalDll, databasePath, work, "portal-fair-use-1", cancellationToken, settings);
        await using var second = await PortalUnderTest.StartAsync(portalDll, databasePath, work, "portal-fair-use-2", cancellationToken, settings);
        var results = new List<FairUseFigures>();
        // Two demo people's tokens: each setup starts its own count.
        foreach (var (instances, person) in new[] { (new[] { first }, "olivia.hart"), (new[] { first, second }, "chris.morgan") })
        {
            await using var proxy = await Portal.Proxy.PortalProxy.StartAsync(instances.Select(i => i.Address).ToList(), cancellationToken: cancellationToken);
            var setup = instances.Length == 1 ? "1 instance behind the proxy" : $"{instances.Length} instances behind the proxy, one Redis";
            Console.WriteLine($"Fair use: {3 * PermitLimit} requests with one token, limit {PermitLimit}, {setup}...");
            results.Add(await SendAsync(setup, proxy.Address, instances.Length, Portal.Data.Seed.PortalSeeder.DemoToken(person), cancellationToken));
        }

        return results;
    }

    private static async Task<FairUseFigures> SendAsync(string setup, Uri proxy, int instances, string token, CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = proxy, Timeout = TimeSpan.FromSeconds(60) };
        var answers = new ConcurrentBag<HttpStatusCode>();
        var next = -1;
        var sent = 3 * PermitLimit;
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < sent)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/assessments?page=1");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, cancellationToken);
                answers.Add(response.StatusCode);
            }
        }));

        var admitted = answers.Count(a => (int)a is >= 200 and < 300);
        var refused = answers.Count(a => a == HttpStatusCode.TooManyRequests);
        return new FairUseFigures(setup, instances, PermitLimit, sent, admitted, refused, sent - admitted - refused);
    }
}
