using System.Net;
using Microsoft.AspNetCore.Http;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>
/// Two portal instances on one database and one Redis (Api:RateLimit:Redis), as a deployment behind a load balancer
/// has: calls spread over both are counted against one allowance, per token and per client address, so the service as
/// a whole allows the configured limit, not twice it. The allowance is 20 a window; within 10% is 18 to 22.
/// </summary>
public sealed class SharedFairUseTests(SharedFairUseTests.TwoInstances instances, Xunit.Abstractions.ITestOutputHelper output)
    : IClassFixture<SharedFairUseTests.TwoInstances>
{
    private const int Limit = 20;

    [Fact]
    public async Task One_tokens_calls_spread_over_two_instances_are_accepted_up_to_the_one_configured_limit_not_twice_it()
    {
        var token = await instances.First.TokenForAsync(TestCallers.Supplier);
        using var first = instances.First.ApiClient(token);
        using var second = instances.Second.ApiClient(token);

        var statuses = new List<HttpStatusCode>();
        for (var call = 0; call < 3 * Limit; call++)
        {
            using var response = await (call % 2 == 0 ? first : second).GetAsync("/api/v1/me");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.InRange(response.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 3600);
            }
        }

        var accepted = statuses.Count(s => s == HttpStatusCode.OK);
        output.WriteLine($"Fair use across two instances, per token: {accepted} of {statuses.Count} calls over two instances accepted (limit {Limit})");
        Assert.InRange(accepted, Limit * 9 / 10, Limit * 11 / 10);
        Assert.Equal(statuses.Count - accepted, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        // Both instances refused once the one allowance was spent, not only the busier one.
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^2]);
    }

    [Fact]
    public async Task Refused_tokens_from_one_address_spread_over_two_instances_are_counted_against_one_allowance()
    {
        var guesser = IPAddress.Parse("198.51.100.20");
        var statuses = new List<int>();
        for (var call = 0; call < 3 * Limit; call++)
        {
            var response = await (call % 2 == 0 ? instances.First : instances.Second).GetFromAsync(guesser, "/api/v1/me", bearer: $"oap_guess-{call}");
            statuses.Add(response.StatusCode);
        }

        var attempts = statuses.Count(s => s == StatusCodes.Status401Unauthorized);
        output.WriteLine($"Fair use across two instances, per address: {attempts} of {statuses.Count} refused-token attempts over two instances let through to be checked (limit {Limit})");
        Assert.InRange(attempts, Limit * 9 / 10, Limit * 11 / 10);
        Assert.Equal(statuses.Count - attempts, statuses.Count(s => s == StatusCodes.Status429TooManyRequests));
        Assert.Equal(StatusCodes.Status429TooManyRequests, statuses[^1]);
        Assert.Equal(StatusCodes.Status429TooManyRequests, statuses[^2]);
    }

    [Fact]
    public async Task Readiness_says_the_shared_limit_store_answers()
    {
        using var client = instances.Second.CreateClient();

        using var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"name\":\"fair-use limits\",\"status\":\"Healthy\"", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Two portals on one SQLite file and one Redis prefix; the first migrates and seeds before the second starts.</summary>
    public sealed class TwoInstances : IAsyncLifetime
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("portal-shared-fair-use").FullName;

        public TwoInstances()
        {
            var settings = TestRedis.Settings(TestRedis.Address, "shared-fair-use");
            settings["Database:ConnectionString"] = DatabaseSetup.DefaultSqliteConnectionString(_directory);
            settings["Api:RateLimit:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Api:RateLimit:WindowSeconds"] = "3600";
            settings["Api:RateLimit:Unauthenticated:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings["Api:RateLimit:Unauthenticated:WindowSeconds"] = "3600";
            First = new PortalAppFactory(settings: settings);
            _ = First.Services;
            Second = new PortalAppFactory(settings: settings);
        }

        public PortalAppFactory First { get; }

        public PortalAppFactory Second { get; }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            await First.DisposeAsync();
            await Second.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
