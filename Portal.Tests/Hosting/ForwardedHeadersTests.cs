using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Portal.Hosting;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Hosting;

/// <summary>
/// Behind a proxy or load balancer, the limits counted per client address count the client named in X-Forwarded-For,
/// but only when the peer is a proxy the settings name (Hosting:ForwardedHeaders:KnownProxies / KnownNetworks). From
/// anyone else, loopback included, X-Forwarded-For is ignored: a caller cannot buy a fresh allowance by writing a header.
/// </summary>
public sealed class ForwardedHeadersTests(ForwardedHeadersTests.BehindAProxy portal) : IClassFixture<ForwardedHeadersTests.BehindAProxy>
{
    private const int Limit = 3;
    private static readonly IPAddress Proxy = IPAddress.Parse("192.0.2.1");

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("198.51.100.77")]
    public async Task A_spoofed_x_forwarded_for_from_a_peer_that_is_not_a_known_proxy_does_not_change_the_address_counted(string peer)
    {
        var statuses = new List<int>();
        for (var attempt = 0; attempt <= Limit; attempt++)
        {
            // A different made-up client each time: were the header believed, each attempt would have a fresh allowance.
            var response = await portal.Factory.GetFromAsync(IPAddress.Parse(peer), "/api/v1/me", bearer: "oap_guess", forwardedFor: $"203.0.113.{attempt + 1}");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(StatusCodes.Status401Unauthorized, Limit), StatusCodes.Status429TooManyRequests], statuses);
    }

    [Theory]
    [InlineData("192.0.2.1", "203.0.113.10", "203.0.113.11")]
    [InlineData("198.18.4.5", "203.0.113.20", "203.0.113.21")]
    public async Task Through_a_known_proxy_each_forwarded_client_has_its_own_allowance(string proxy, string client, string otherClient)
    {
        var peer = IPAddress.Parse(proxy);
        var statuses = new List<int>();
        for (var attempt = 0; attempt <= Limit; attempt++)
        {
            statuses.Add((await portal.Factory.GetFromAsync(peer, "/api/v1/me", bearer: "oap_guess", forwardedFor: client)).StatusCode);
        }

        var other = await portal.Factory.GetFromAsync(peer, "/api/v1/me", bearer: "oap_guess", forwardedFor: otherClient);

        Assert.Equal([.. Enumerable.Repeat(StatusCodes.Status401Unauthorized, Limit), StatusCodes.Status429TooManyRequests], statuses);
        Assert.Equal(StatusCodes.Status401Unauthorized, other.StatusCode);
    }

    [Fact]
    public async Task A_client_cannot_hide_behind_an_address_it_prepends_to_what_the_known_proxy_forwards()
    {
        // The proxy appends the real client (203.0.113.30) to whatever the client sent; only the last entry is the proxy's word.
        var statuses = new List<int>();
        for (var attempt = 0; attempt <= Limit; attempt++)
        {
            var response = await portal.Factory.GetFromAsync(Proxy, "/api/v1/me", bearer: "oap_guess", forwardedFor: $"203.0.113.{100 + attempt}, 203.0.113.30");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(StatusCodes.Status401Unauthorized, Limit), StatusCodes.Status429TooManyRequests], statuses);
    }

    [Fact]
    public async Task With_App_Services_forwarded_headers_switch_the_last_entry_is_the_client_whoever_the_peer()
    {
        // App Service's front ends have no fixed addresses to name; ASPNETCORE_FORWARDEDHEADERS_ENABLED is its switch.
        // The front end appends the real client, so an address the client writes before it changes nothing.
        await using var appService = new PortalAppFactory(settings: new Dictionary<string, string?>
        {
            ["FORWARDEDHEADERS_ENABLED"] = "true",
            ["Api:RateLimit:Unauthenticated:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Api:RateLimit:Unauthenticated:WindowSeconds"] = "3600",
        });
        var frontEnd = IPAddress.Parse("10.1.2.3");
        var statuses = new List<int>();
        for (var attempt = 0; attempt <= Limit; attempt++)
        {
            var response = await appService.GetFromAsync(frontEnd, "/api/v1/me", bearer: "oap_guess", forwardedFor: $"203.0.113.{150 + attempt}, 203.0.113.40");
            statuses.Add(response.StatusCode);
        }

        var other = await appService.GetFromAsync(frontEnd, "/api/v1/me", bearer: "oap_guess", forwardedFor: "203.0.113.41");

        Assert.Equal([.. Enumerable.Repeat(StatusCodes.Status401Unauthorized, Limit), StatusCodes.Status429TooManyRequests], statuses);
        Assert.Equal(StatusCodes.Status401Unauthorized, other.StatusCode);
    }

    [Fact]
    public void Without_settings_no_proxy_is_trusted()
    {
        var configuration = new ConfigurationBuilder().Build();

        Assert.Null(ForwardedHeadersSetup.Read(configuration));
    }

    [Theory]
    [InlineData("Hosting:ForwardedHeaders:KnownProxies:0", "not-an-address")]
    [InlineData("Hosting:ForwardedHeaders:KnownNetworks:0", "192.0.2.0")]
    [InlineData("Hosting:ForwardedHeaders:KnownNetworks:0", "192.0.2.0/33")]
    [InlineData("Hosting:ForwardedHeaders:ForwardLimit", "0")]
    public void A_setting_that_is_not_an_address_or_network_is_refused_naming_it(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hosting:ForwardedHeaders:KnownProxies:1"] = "192.0.2.1",
            [key] = value,
        }).Build();

        var refused = Assert.Throws<PortalConfigurationException>(() => ForwardedHeadersSetup.Read(configuration));

        Assert.Contains(key.Replace(":0", string.Empty, StringComparison.Ordinal), refused.Message, StringComparison.Ordinal);
        Assert.Contains(value, refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A portal that trusts one proxy and one network of proxies, with a small allowance per client address.</summary>
    public sealed class BehindAProxy : IAsyncLifetime
    {
        public PortalAppFactory Factory { get; } = new(settings: new Dictionary<string, string?>
        {
            ["Hosting:ForwardedHeaders:KnownProxies:0"] = Proxy.ToString(),
            ["Hosting:ForwardedHeaders:KnownNetworks:0"] = "198.18.0.0/15",
            ["Api:RateLimit:Unauthenticated:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Api:RateLimit:Unauthenticated:WindowSeconds"] = "3600",
        });

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }
}
