using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;
using Yarp.ReverseProxy.LoadBalancing;
using Yarp.ReverseProxy.SessionAffinity;
using Yarp.ReverseProxy.Transforms;

namespace Portal.Proxy;

/// <summary>
/// A reverse proxy in front of several portal instances, behaving as a load balancer with session affinity does
/// (App Service's ARR affinity): a person's first request goes to the next instance in turn, a cookie keeps them on it
/// (so their Blazor circuit's WebSocket and every later page reach the instance that holds the circuit), and an instance
/// that stops answering /health is passed over, so the person's next request, and their circuit's reconnection, go to
/// one that is alive. WebSockets are proxied. Each response names the instance that answered it
/// (<see cref="InstanceHeader"/>), so tests and the benchmark can see where requests went.
/// </summary>
public sealed class PortalProxy : IAsyncDisposable
{
    /// <summary>The response header naming the instance that answered: <c>instance-1</c>, <c>instance-2</c>, ...</summary>
    public const string InstanceHeader = "X-Portal-Instance";

    /// <summary>The cookie that keeps a browser on one instance.</summary>
    public const string AffinityCookie = "portal-instance";

    private readonly WebApplication _app;

    private PortalProxy(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The proxy's own address, which people (and tests) use instead of the instances'.</summary>
    public Uri Address { get; }

    /// <summary>The name the proxy gives the instance at <paramref name="index"/> (0-based) in the list it was started with.</summary>
    public static string InstanceName(int index) => $"instance-{index + 1}";

    /// <summary>
    /// Starts the proxy on <paramref name="listenOn"/> (a loopback address with port 0 picks a free port) in front of
    /// <paramref name="instances"/>, and returns once it listens.
    /// </summary>
    public static async Task<PortalProxy> StartAsync(IReadOnlyList<Uri> instances, Uri? listenOn = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(instances.Count);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        var listen = listenOn ?? new Uri("http://127.0.0.1:0");
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Parse(listen.Host), listen.Port));
        builder.Services.AddReverseProxy()
            .LoadFromMemory([Route()], [Cluster(instances)])
            .AddTransforms(transforms => transforms.AddResponseTransform(context =>
            {
                if (context.HttpContext.GetReverseProxyFeature().ProxiedDestination is { } destination)
                {
                    context.HttpContext.Response.Headers[InstanceHeader] = destination.DestinationId;
                }

                return ValueTask.CompletedTask;
            }));

        var app = builder.Build();
        app.MapReverseProxy();
        await app.StartAsync(cancellationToken);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PortalProxy(app, new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
    }

    /// <summary>Whether the proxy's last health check of the instance called <paramref name="instanceName"/> found it answering.</summary>
    public bool FindsHealthy(string instanceName) =>
        _app.Services.GetRequiredService<IProxyStateLookup>().TryGetCluster("portal", out var cluster)
        && cluster.Destinations.TryGetValue(instanceName, out var destination)
        && destination.Health.Active == DestinationHealth.Healthy;

    /// <summary>Runs until the host is told to stop (Ctrl+C), for a proxy started by hand.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    private static RouteConfig Route() => new()
    {
        RouteId = "portal",
        ClusterId = "portal",
        Match = new RouteMatch { Path = "{**everything}" },
        // The portal sees the address the person used, as behind App Service's front end, so the links and
        // redirects it writes lead back through the proxy.
        Transforms = [new Dictionary<string, string> { ["RequestHeaderOriginalHost"] = "true" }],
    };

    private static ClusterConfig Cluster(IReadOnlyList<Uri> instances) => new()
    {
        ClusterId = "portal",
        // In turn rather than by load, so two people who arrive one after the other land on different instances.
        LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
        SessionAffinity = new SessionAffinityConfig
        {
            Enabled = true,
            Policy = SessionAffinityConstants.Policies.HashCookie,
            // The instance a person was kept on has gone: send them to one that is alive, rather than refuse them.
            FailurePolicy = SessionAffinityConstants.FailurePolicies.Redistribute,
            AffinityKeyName = AffinityCookie,
            Cookie = new SessionAffinityCookieConfig { HttpOnly = true, SameSite = SameSiteMode.Lax, SecurePolicy = CookieSecurePolicy.SameAsRequest },
        },
        HealthCheck = new HealthCheckConfig
        {
            // Asked every second; two failures in a row (a refused connection fails at once) and it is passed over
            // until it answers again.
            Active = new ActiveHealthCheckConfig
            {
                Enabled = true,
                Interval = TimeSpan.FromSeconds(1),
                Timeout = TimeSpan.FromSeconds(10),
                Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                Path = "/health",
            },
        },
        Destinations = instances.Select((address, index) => (address, index))
            .ToDictionary(i => InstanceName(i.index), i => new DestinationConfig { Address = i.address.ToString() }),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
