using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Portal.Hosting;

/// <summary>
/// Behind a proxy or load balancer every request arrives from the proxy, so the limits counted per client address
/// would count the proxy. The client's own address (X-Forwarded-For) and scheme (X-Forwarded-Proto) are believed only
/// from the proxies the settings name:
/// <list type="bullet">
/// <item><c>Hosting:ForwardedHeaders:KnownProxies</c>: addresses of proxies (for example 10.0.0.4);</item>
/// <item><c>Hosting:ForwardedHeaders:KnownNetworks</c>: networks of proxies in CIDR form (for example 10.0.0.0/24);</item>
/// <item><c>Hosting:ForwardedHeaders:ForwardLimit</c>: how many proxies in a row to read back through (default 1).</item>
/// </list>
/// Off when neither list is set (the default): the headers are then ignored from everyone. Unlike the framework's own
/// defaults, loopback is not trusted unless named, and ASPNETCORE_FORWARDEDHEADERS_ENABLED (which trusts anyone) is refused.
/// </summary>
public static class ForwardedHeadersSetup
{
    private const string Section = "Hosting:ForwardedHeaders";

    /// <summary>First in the pipeline, so everything after it (limits, logs, sign-in redirects) sees the client.</summary>
    public static WebApplication UsePortalForwardedHeaders(this WebApplication app)
    {
        if (Read(app.Configuration) is { } options)
        {
            app.UseForwardedHeaders(options);
        }

        return app;
    }

    /// <summary>The options the settings ask for, or null when no proxy is trusted.</summary>
    public static ForwardedHeadersOptions? Read(IConfiguration configuration)
    {
        if (configuration.GetValue("FORWARDEDHEADERS_ENABLED", defaultValue: false))
        {
            throw new PortalConfigurationException(
                "ASPNETCORE_FORWARDEDHEADERS_ENABLED is set, which would believe X-Forwarded-For from anyone, so any caller could choose the " +
                $"address its limits are counted by. Remove it and name the proxies in {Section}:KnownProxies or {Section}:KnownNetworks.");
        }

        var proxies = Values(configuration, "KnownProxies").Select(value => IPAddress.TryParse(value, out var address)
            ? address
            : throw new PortalConfigurationException(
                $"{Section}:KnownProxies holds '{value}', which is not an IP address. Give each proxy's address, for example 10.0.0.4.")).ToList();
        var networks = Values(configuration, "KnownNetworks").Select(value => value.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(value, out var network)
            ? network
            : throw new PortalConfigurationException(
                $"{Section}:KnownNetworks holds '{value}', which is not a network in CIDR form. Give each network of proxies as address/prefix, for example 10.0.0.0/24.")).ToList();
        var limitSetting = configuration[$"{Section}:ForwardLimit"];
        var forwardLimit = 1;
        if (!string.IsNullOrWhiteSpace(limitSetting) && (!int.TryParse(limitSetting, out forwardLimit) || forwardLimit < 1))
        {
            throw new PortalConfigurationException(
                $"{Section}:ForwardLimit is '{limitSetting}'. Set it to how many proxies in a row stand in front of the portal (1 or more).");
        }

        if (proxies.Count == 0 && networks.Count == 0)
        {
            return null;
        }

        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = forwardLimit,
        };
        // The framework trusts loopback by default; here only what the settings name is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        proxies.ForEach(options.KnownProxies.Add);
        networks.ForEach(options.KnownIPNetworks.Add);
        return options;
    }

    private static IEnumerable<string> Values(IConfiguration configuration, string name) =>
        configuration.GetSection($"{Section}:{name}").GetChildren().Select(c => c.Value?.Trim()).OfType<string>().Where(v => v.Length > 0);
}
