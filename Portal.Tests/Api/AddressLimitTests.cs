using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Api;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>
/// Limits for the unauthenticated: refused bearer tokens and development sign-in posts are counted per client address,
/// each kind with its own allowance, and past it the portal answers 429 with Retry-After. The test host has no client
/// address, so its requests share the "unknown address" allowance, as requests from one address would.
/// </summary>
public sealed partial class AddressLimitTests : IAsyncLifetime
{
    private readonly PortalAppFactory _factory = new(settings: new Dictionary<string, string?>
    {
        ["Api:RateLimit:Unauthenticated:PermitLimit"] = "3",
        ["Api:RateLimit:Unauthenticated:WindowSeconds"] = "3600",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Refused_bearer_tokens_past_the_addresss_allowance_get_429_with_retry_after_while_a_good_token_still_works()
    {
        using var guesser = _factory.ApiClient("oap_this-is-not-a-token");
        for (var i = 0; i < 3; i++)
        {
            using var refused = await guesser.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var limited = await guesser.GetAsync("/api/v1/me");
        using var notEvenAPortalToken = _factory.ApiClient("eyJhbGciOiJub25lIn0.e30.");
        using var limitedToo = await notEvenAPortalToken.GetAsync("/api/v1/assessments");
        using var good = await _factory.ApiClientForAsync(TestCallers.Supplier);
        using var allowed = await good.GetAsync("/api/v1/me");

        await ApiAssert.ProblemAsync(limited, HttpStatusCode.TooManyRequests, "Too many attempts from your network address");
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 3600);
        Assert.Equal(HttpStatusCode.TooManyRequests, limitedToo.StatusCode);
        Assert.NotNull(limitedToo.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Development_sign_in_posts_past_the_addresss_allowance_get_429_with_retry_after()
    {
        var userId = (await _factory.DemoUserIdAsync(TestCallers.Officer)).ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < 3; i++)
        {
            using var signedIn = await SignInAsync(userId);
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        }

        using var limited = await SignInAsync(userId);

        await ApiAssert.ProblemAsync(limited, HttpStatusCode.TooManyRequests, "Wait");
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 3600);
    }

    [Fact]
    public async Task Each_kind_of_attempt_has_its_own_allowance_and_each_address_its_own_count()
    {
        using var store = new FairUseStore(Options.Create(new ApiFairUseOptions()), TimeProvider.System, NullLogger<FairUseStore>.Instance);
        using var limits = new AddressLimits(Options.Create(new AddressLimitOptions { PermitLimit = 1, WindowSeconds = 60 }), store);
        var address = IPAddress.Parse("192.0.2.7");

        Assert.Null(await limits.RefuseAsync(AddressLimited.ScorecardVerification, address));
        Assert.InRange((await limits.RefuseAsync(AddressLimited.ScorecardVerification, address))!.Value, 1, 60);
        Assert.Null(await limits.RefuseAsync(AddressLimited.DevelopmentSignIn, address));
        Assert.Null(await limits.RefuseAsync(AddressLimited.ScorecardVerification, IPAddress.Parse("192.0.2.8")));
    }

    [Theory]
    [InlineData("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64")]
    [InlineData("::ffff:192.0.2.7", "192.0.2.7")]
    [InlineData("192.0.2.7", "192.0.2.7")]
    public void An_ipv6_client_is_counted_by_its_64_bit_network_which_it_can_hold_whole(string address, string partition) =>
        Assert.Equal(partition, AddressLimits.PartitionOf(IPAddress.Parse(address)));

    /// <summary>One person at one browser: the sign-in page, then its form posted with the page's antiforgery token.</summary>
    private async Task<HttpResponseMessage> SignInAsync(string userId)
    {
        using var browser = _factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var token = AntiforgeryToken().Match(await browser.GetStringAsync("/sign-in")).Groups[1].Value;
        return await browser.PostAsync("/auth/dev-sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["userId"] = userId,
        }));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
