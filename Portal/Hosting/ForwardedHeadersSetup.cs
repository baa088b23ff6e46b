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
/// defaults, loopback is not trusted unless named.
/// <para>
/// ASPNETCORE_FORWARDEDHEADERS_ENABLED=true is App Service's documented switch (its front ends have no fixed
/// addresses to name). The framework then believes the last X-Forwarded-For entry from any peer, which is the one the
/// front end appended: safe where the instances can be reached only through that front end, as on App Service. The
/// portal leaves that case to the framework and says so at start-up.
/// </para>
/// </summary>
public static class ForwardedHeadersSetup
{
    private const string Section = "Hosting:ForwardedHeaders";

    /// <summary>First in the pipeline, so everything after it (limits, logs, sign-in redirects) sees the client.</summary>
    public static WebApplication UsePortalForwardedHeaders(this WebApplication app)
    {
        if (PlatformForwardsHeaders(app.Configuration))
        {
            app.Logger.LogInformation(
                "ASPNETCORE_FORWARDEDHEADERS_ENABLED is set: the last X-Forwarded-For entry from any peer is taken as the client's address. " +
                "That is right only where the portal can be reached solely through the front end that appends it (App Service does).");
        }
        else if (Read(app.Configuration) is { } options)
        {
            app.UseForwardedHeaders(options);
        }

        return app;
    }

    /// <summary>The options the settings ask for, or null when no proxy is trusted.</summary>
    public static ForwardedHeadersOptions? Read(IConfiguration configuration)
    {
        if (PlatformForwardsHeaders(configuration))
        {
            return null;
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

    /// <summary>ASPNETCORE_FORWARDEDHEADERS_ENABLED: the framework reads the forwarded headers itself (see the class summary).</summary>
    public static bool PlatformForwardsHeaders(IConfiguration configuration) =>
        configuration.GetValue("FORWARDEDHEADERS_ENABLED", defaultValue: false);

    private static IEnumerable<string> Values(IConfiguration configuration, string name) =>
        configuration.GetSection($"{Section}:{name}").GetChildren().Select(c => c.Value?.Trim()).OfType<string>().Where(v => v.Length > 0);
}
