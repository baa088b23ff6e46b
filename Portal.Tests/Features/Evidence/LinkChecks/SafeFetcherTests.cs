using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Evidence.LinkChecks;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence.LinkChecks;

/// <summary>
/// Server-side request forgery: a supplier-given link must never reach the portal's own host or network. Each refused
/// address is tried against a real server that would answer, and the server must have seen nothing.
/// </summary>
public sealed class SafeFetcherTests : IAsyncLifetime
{
    private LinkTestServer _target = default!;
    private LinkTestServer _redirector = default!;

    public async Task InitializeAsync()
    {
        _target = await LinkTestServer.StartAsync(app => app.MapGet("/{**path}", () => Results.Text("secret inside the network")));
        var targetPort = _target.Port;
        _redirector = await LinkTestServer.StartAsync(app =>
        {
            app.MapGet("/to-target", () => Results.Redirect($"http://127.0.0.1:{targetPort}/admin"));
            app.MapGet("/to-metadata", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
            app.MapGet("/to-localhost", () => Results.Redirect($"http://localhost:{targetPort}/admin"));
            app.MapGet("/to-file", () => Results.Redirect("file:///etc/passwd"));
            app.MapGet("/hop/{n:int}", (int n) => Results.Redirect($"/hop/{n + 1}"));
            app.MapGet("/headers", (HttpRequest request) => Results.Json(new
            {
                userAgent = request.Headers.UserAgent.ToString(),
                cookie = request.Headers.Cookie.ToString(),
                authorization = request.Headers.Authorization.ToString(),
            }));
        });
    }

    public async Task DisposeAsync()
    {
        await _redirector.DisposeAsync();
        await _target.DisposeAsync();
    }

    public static TheoryData<string> InsideAddresses() => new()
    {
        "http://127.0.0.1:{port}/admin",
        "http://127.1.2.3:{port}/admin",
        "http://[::1]:{port}/admin",
        "http://localhost:{port}/admin",
        "http://[::ffff:127.0.0.1]:{port}/admin",
        "http://0.0.0.0:{port}/admin",
        "http://10.0.0.1:{port}/",
        "http://172.16.0.1:{port}/",
        "http://192.168.1.1:{port}/",
        "http://100.64.0.1:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]:{port}/",
        "http://[fd00::1]:{port}/",
        "http://[::ffff:10.0.0.1]:{port}/",
        "http://224.0.0.1:{port}/",
    };

    [Theory]
    [MemberData(nameof(InsideAddresses))]
    public async Task A_link_to_a_loopback_private_or_link_local_address_is_refused_and_fetches_nothing(string address)
    {
        using var services = LinkTestServer.Fetchers();
        var fetcher = services.GetRequiredService<SafeFetcher>();

        var result = await fetcher.FetchAsync(new Uri(address.Replace("{port}", _target.Port.ToString(), StringComparison.Ordinal)), "*/*", _ => true, CancellationToken.None);

        Assert.Equal(FetchProblem.Refused, result.Problem);
        Assert.Contains("only fetches public addresses", result.ProblemText, StringComparison.Ordinal);
        Assert.Null(result.Status);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task Allowing_one_test_origin_does_not_allow_the_same_host_on_another_port()
    {
        using var services = LinkTestServer.Fetchers(_redirector.Origin);
        var fetcher = services.GetRequiredService<SafeFetcher>();

        var allowed = await fetcher.FetchAsync(_redirector.At("/headers"), "*/*", _ => true, CancellationToken.None);
        var other = await fetcher.FetchAsync(_target.At("/admin"), "*/*", _ => true, CancellationToken.None);

        Assert.Equal(200, allowed.Status);
        Assert.Equal(FetchProblem.Refused, other.Problem);
        Assert.Empty(_target.Requests);
    }

    [Theory]
    [InlineData("/to-target")]
    [InlineData("/to-localhost")]
    [InlineData("/to-metadata")]
    public async Task A_redirect_from_an_allowed_server_to_an_inside_address_is_refused_and_the_inside_server_sees_nothing(string path)
    {
        using var services = LinkTestServer.Fetchers(_redirector.Origin);
        var fetcher = services.GetRequiredService<SafeFetcher>();

        var result = await fetcher.FetchAsync(_redirector.At(path), "*/*", _ => true, CancellationToken.None);

        Assert.Equal(FetchProblem.Refused, result.Problem);
        Assert.Single(result.Redirects);
        Assert.Contains($"GET {path}", _redirector.Requests);
        Assert.Empty(_target.Requests);
    }

    [Fact]
    public async Task A_redirect_to_a_file_address_is_refused()
    {
        using var services = LinkTestServer.Fetchers(_redirector.Origin);

        var result = await services.GetRequiredService<SafeFetcher>().FetchAsync(_redirector.At("/to-file"), "*/*", _ => true, CancellationToken.None);

        Assert.Equal(FetchProblem.Refused, result.Problem);
        Assert.Contains("file:", result.ProblemText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redirects_stop_at_the_limit()
    {
        using var services = LinkTestServer.Fetchers(_redirector.Origin);

        var result = await services.GetRequiredService<SafeFetcher>().FetchAsync(_redirector.At("/hop/0"), "*/*", _ => true, CancellationToken.None);

        Assert.Equal(FetchProblem.TooManyRedirects, result.Problem);
        Assert.Equal(6, _redirector.Requests.Count);
    }

    [Fact]
    public async Task A_fetch_names_the_portal_and_sends_no_cookies_or_credentials()
    {
        using var services = LinkTestServer.Fetchers(_redirector.Origin);
        var address = new Uri(_redirector.At("/headers").ToString().Replace("http://", "http://user:password@", StringComparison.Ordinal));

        var withCredentials = await services.GetRequiredService<SafeFetcher>().FetchAsync(address, "*/*", _ => true, CancellationToken.None);
        var plain = await services.GetRequiredService<SafeFetcher>().FetchAsync(_redirector.At("/headers"), "*/*", _ => true, CancellationToken.None);

        Assert.Equal(FetchProblem.Refused, withCredentials.Problem);
        using var seen = System.Text.Json.JsonDocument.Parse(plain.Body);
        Assert.Equal("NHS-Open-API-Portal-LinkCheck/1.0 (+https://portal.test.example)", seen.RootElement.GetProperty("userAgent").GetString());
        Assert.Equal("", seen.RootElement.GetProperty("cookie").GetString());
        Assert.Equal("", seen.RootElement.GetProperty("authorization").GetString());
        Assert.DoesNotContain(_redirector.Requests, r => r.Contains("user", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("2a00:1450:4009:81f::200e", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.255.255.255", false)]
    [InlineData("172.31.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.0.1", false)]
    [InlineData("100.127.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("::", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("::ffff:192.168.0.1", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("2002:c0a8:0001::1", false)]
    [InlineData("ff02::1", false)]
    public void Only_public_unicast_addresses_are_public(string address, bool isPublic) =>
        Assert.Equal(isPublic, PublicAddresses.IsPublic(IPAddress.Parse(address)));
}
