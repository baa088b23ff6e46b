using System.Net;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>
/// When the shared store of the fair-use limits (Redis) stops answering, or is not there when the portal starts, the API
/// neither hangs nor refuses everyone: each call waits at most the short Redis timeout, then the instance counts its
/// callers itself, as a single instance does, until Redis answers again; readiness says the limits are not shared.
/// The client's timeout (5 s) bounds a hang: well above the 1 s Redis timeout these tests set (checked by
/// StackExchange.Redis about once a second), and reached by a Redis command left at its default 5 s timeout; it measures no speed.
/// </summary>
public sealed class FairUseStoreOutageTests : IAsyncLifetime
{
    private const int Limit = 3;
    private static readonly TimeSpan HangBound = TimeSpan.FromSeconds(5);

    private readonly SilenceableRedisRelay _relay = new(TestRedis.Address);
    private PortalAppFactory? _factory;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await _relay.DisposeAsync();
    }

    private PortalAppFactory Portal(string redis)
    {
        var settings = TestRedis.Settings(redis, "fair-use-outage");
        settings["Api:RateLimit:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Api:RateLimit:WindowSeconds"] = "3600";
        // Long enough that a loaded machine does not time out a Redis that answers (which would count the first calls
        // locally and leave too few for the outage), short enough to stay well inside the hang bound.
        settings["Api:RateLimit:RedisTimeoutMilliseconds"] = "1000";
        _factory = new PortalAppFactory(settings: settings);
        return _factory;
    }

    [Fact]
    public async Task A_redis_that_stops_answering_leaves_each_instance_counting_its_own_callers_without_hanging_and_readiness_says_so()
    {
        var portal = Portal(_relay.Address);
        using var client = portal.ApiClient(await portal.TokenForAsync(TestCallers.Supplier));
        client.Timeout = HangBound;
        using var health = portal.CreateClient();
        health.Timeout = HangBound;
        var sharedStatuses = new List<HttpStatusCode>();
        for (var call = 0; call < Limit - 1; call++)
        {
            using var response = await client.GetAsync("/api/v1/me");
            sharedStatuses.Add(response.StatusCode);
        }

        _relay.StopAnswering();
        var localStatuses = new List<HttpStatusCode>();
        for (var call = 0; call < Limit + 1; call++)
        {
            using var response = await client.GetAsync("/api/v1/me");
            localStatuses.Add(response.StatusCode);
        }

        using var ready = await health.GetAsync("/health/ready");

        Assert.All(sharedStatuses, s => Assert.Equal(HttpStatusCode.OK, s));
        // The instance's own count starts afresh: the allowance holds per instance, as it does without Redis.
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, Limit), HttpStatusCode.TooManyRequests], localStatuses);
        await AssertNotSharedAsync(ready);
    }

    [Fact]
    public async Task A_redis_that_is_not_there_at_start_up_leaves_the_portal_starting_and_counting_its_own_callers()
    {
        var nothingListens = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        nothingListens.Start();
        var closedPort = ((IPEndPoint)nothingListens.LocalEndpoint).Port;
        nothingListens.Stop();
        var portal = Portal($"127.0.0.1:{closedPort}");
        using var client = portal.ApiClient(await portal.TokenForAsync(TestCallers.Supplier));
        client.Timeout = HangBound;
        using var health = portal.CreateClient();
        health.Timeout = HangBound;

        var statuses = new List<HttpStatusCode>();
        for (var call = 0; call < Limit + 1; call++)
        {
            using var response = await client.GetAsync("/api/v1/me");
            statuses.Add(response.StatusCode);
        }

        using var ready = await health.GetAsync("/health/ready");

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, Limit), HttpStatusCode.TooManyRequests], statuses);
        await AssertNotSharedAsync(ready);
    }

    /// <summary>
    /// Degraded, not Unhealthy: the instance stays in the load balancer (HTTP 200), since taking every instance out for
    /// the want of Redis would stop the whole service; the check's description says what is lost.
    /// </summary>
    private static async Task AssertNotSharedAsync(HttpResponseMessage ready)
    {
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        Assert.Equal("Degraded", body.RootElement.GetProperty("status").GetString());
        var check = body.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "fair-use limits");
        Assert.Equal("Degraded", check.GetProperty("status").GetString());
        Assert.Contains("each instance counts its own callers", check.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
