using System.Net;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>Fair use (policy C.7): each token has its own allowance per window, set in configuration.</summary>
public sealed class ApiFairUseTests : IAsyncLifetime
{
    private readonly PortalAppFactory _factory = new(settings: new Dictionary<string, string?>
    {
        ["Api:RateLimit:PermitLimit"] = "2",
        ["Api:RateLimit:WindowSeconds"] = "3600",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task A_token_past_its_allowance_gets_429_with_retry_after_and_a_problem_saying_the_limit()
    {
        using var client = await _factory.ApiClientForAsync(TestCallers.Supplier);
        for (var i = 0; i < 2; i++)
        {
            using var allowed = await client.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await client.GetAsync("/api/v1/me");

        await ApiAssert.ProblemAsync(refused, HttpStatusCode.TooManyRequests, "2 requests every 3600 seconds");
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 3600);
    }

    [Fact]
    public async Task One_tokens_use_does_not_count_against_another()
    {
        using var busy = await _factory.ApiClientForAsync(TestCallers.Supplier);
        using var other = await _factory.ApiClientForAsync(TestCallers.Officer);
        for (var i = 0; i < 3; i++)
        {
            using var _ = await busy.GetAsync("/api/v1/me");
        }

        using var response = await other.GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
