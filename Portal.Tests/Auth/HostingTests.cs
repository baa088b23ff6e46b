using System.Net;
using Portal.Data.Users;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Auth;

public sealed class HostingTests : IAsyncLifetime
{
    private readonly PortalAppFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Health_answers_200_when_the_database_answers()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_anonymous_visitor_is_sent_to_sign_in()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/policy");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/sign-in", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_response_carries_the_security_headers()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync("/sign-in");

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Pages_may_run_only_the_portals_own_scripts_and_the_import_map_that_carries_the_requests_nonce()
    {
        using var client = _factory.CreateClient();

        using var first = await client.GetAsync("/sign-in");
        using var second = await client.GetAsync("/sign-in");

        var policy = first.Headers.GetValues("Content-Security-Policy").Single();
        var directives = policy.Split(';', StringSplitOptions.TrimEntries).ToDictionary(d => d.Split(' ')[0], d => d);
        Assert.Equal("default-src 'self'", directives["default-src"]);
        Assert.Matches("^script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' *$", directives["script-src"]);
        Assert.Equal("connect-src 'self'", directives["connect-src"]);
        Assert.Equal("frame-ancestors 'none'", directives["frame-ancestors"]);
        Assert.Equal("base-uri 'self'", directives["base-uri"]);
        var nonce = directives["script-src"].Split('\'')[3]["nonce-".Length..];
        var inlineScripts = System.Text.RegularExpressions.Regex.Matches(await first.Content.ReadAsStringAsync(), "<script(?![^>]*\\bsrc=)[^>]*>");
        // The attribute is HTML-encoded ('+' may be written &#x2B;); the browser decodes it before comparing.
        Assert.All(inlineScripts, tag => Assert.Contains($"nonce=\"{nonce}\"", System.Net.WebUtility.HtmlDecode(tag.Value), StringComparison.Ordinal));
        Assert.NotEqual(policy, second.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task An_unknown_address_shows_the_not_found_page()
    {
        var userId = await _factory.DemoUserIdAsync(TestCallers.Officer);
        using var client = _factory.ClientFor(userId, PortalRoles.ProcurementOfficer);

        using var response = await client.GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_sign_in_lists_the_demo_people_and_signs_in_the_chosen_one()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/sign-in");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var userId = await _factory.DemoUserIdAsync(TestCallers.Ccio);

        using var signIn = await client.PostAsync("/auth/dev-sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["userId"] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["returnUrl"] = "/policy",
        }));
        using var home = await client.GetAsync("/");

        Assert.Contains("Sign in as Dr Chris Morgan, CCIO sign-off reviewer", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/policy", signIn.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
    }

    [Fact]
    public async Task Development_sign_in_refuses_a_post_without_the_antiforgery_token()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });
        var userId = await _factory.DemoUserIdAsync(TestCallers.Administrator);

        using var response = await client.PostAsync("/auth/dev-sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["userId"] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Development_sign_in_does_not_follow_a_return_address_to_another_site()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/sign-in");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var userId = await _factory.DemoUserIdAsync(TestCallers.Officer);

        using var signIn = await client.PostAsync("/auth/dev-sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["userId"] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["returnUrl"] = "//evil.example/steal",
        }));

        Assert.Equal("/", signIn.Headers.Location!.OriginalString);
    }
}
