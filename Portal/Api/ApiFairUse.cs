using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Components.Shared;

namespace Portal.Api;

/// <summary>The <c>Api:RateLimit</c> settings: how many requests each token may make in each window (policy C.7).</summary>
public sealed class ApiFairUseOptions
{
    public int PermitLimit { get; set; } = 300;

    public int WindowSeconds { get; set; } = 60;

    /// <summary>
    /// A StackExchange.Redis connection string: when set, every instance counts in this one Redis, so the limits hold
    /// for the service as a whole (see <see cref="FairUseStore"/>). Empty: each instance counts in its own memory.
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>How long a call to Redis may take (connecting, or one command) before the instance counts on its own.</summary>
    public int RedisTimeoutMilliseconds { get; set; } = 500;

    /// <summary>Begins every key the portal writes in Redis, so one Redis can serve several deployments.</summary>
    public string RedisPrefix { get; set; } = "nhs-open-api-portal:";
}

/// <summary>
/// The <c>Api:RateLimit:Unauthenticated</c> settings: how many attempts one client address may make, in each window,
/// at each thing a person can do before the portal knows who they are (see <see cref="AddressLimits"/>).
/// </summary>
public sealed class AddressLimitOptions
{
    public int PermitLimit { get; set; } = 20;

    public int WindowSeconds { get; set; } = 60;
}

/// <summary>What is limited by client address, each with its own allowance.</summary>
public enum AddressLimited
{
    /// <summary>API calls whose bearer token the portal refused (guessing tokens).</summary>
    InvalidToken,

    /// <summary>Posts of the development sign-in form.</summary>
    DevelopmentSignIn,

    /// <summary>Scorecard PDFs uploaded to be verified (each is read and hashed whole), and codes checked by people not signed in.</summary>
    ScorecardVerification,

    /// <summary>Reads of the public register's open data (JSON and CSV), which anyone may make without signing in.</summary>
    OpenData,
}

/// <summary>
/// Fair use: each personal access token (or, for Entra ID tokens, each person) gets its own allowance per window,
/// so one busy integration never slows another's. Past it the API answers 429 with Retry-After.
/// </summary>
public static class ApiFairUse
{
    public const string PolicyName = "api-fair-use";

    public static WebApplicationBuilder AddApiFairUse(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ApiFairUseOptions>(builder.Configuration.GetSection("Api:RateLimit"));
        builder.Services.Configure<AddressLimitOptions>(builder.Configuration.GetSection("Api:RateLimit:Unauthenticated"));
        builder.Services.AddSingleton<FairUseStore>();
        builder.Services.AddSingleton<AddressLimits>();
        if (!string.IsNullOrWhiteSpace(builder.Configuration["Api:RateLimit:Redis"]))
        {
            builder.Services.AddHealthChecks().AddCheck<FairUseStoreHealthCheck>(FairUseStoreHealthCheck.Name, tags: [Hosting.PortalHealth.Ready]);
        }

        // Interactive pages count by the address of the browser's circuit connection.
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<ClientAddress>();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler, ClientAddress.FromCircuit>();
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(PolicyName, http =>
            {
                var settings = http.RequestServices.GetRequiredService<IOptions<ApiFairUseOptions>>().Value;
                var caller = PartitionOf(http);
                return http.RequestServices.GetRequiredService<FairUseStore>().FixedWindow(
                    caller, $"fair-use:{caller}", Math.Max(1, settings.PermitLimit), TimeSpan.FromSeconds(Math.Max(1, settings.WindowSeconds)));
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var settings = http.RequestServices.GetRequiredService<IOptions<ApiFairUseOptions>>().Value;
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? (int)Math.Ceiling(retryAfter.TotalSeconds)
                    : settings.WindowSeconds;
                await WriteTooManyAsync(http, wait,
                    $"This token may make {Counted.Of(settings.PermitLimit, "request")} every {Counted.Of(settings.WindowSeconds, "second")}. Wait {Counted.Of(Math.Max(1, wait), "second")} (Retry-After), then retry. "
                    + "If your integration needs more, ask your portal administrator.");
            };
        });
        return builder;
    }

    /// <summary>
    /// Connects to the fair-use limits' Redis at start-up (when Api:RateLimit:Redis is set), so the first callers are
    /// counted where every instance counts them. Outside Development, a deployment of several instances
    /// (Hosting:Instances) without it is warned about, naming the setting: a warning, not the refusal that unshared keys
    /// get, because each instance still holds each caller to the limit and nothing breaks, only the service's total is
    /// the limit once per instance, which an operator may accept (or allow for by lowering the limit) rather than run Redis.
    /// </summary>
    public static void ConnectFairUseLimits(this WebApplication app)
    {
        var store = app.Services.GetRequiredService<FairUseStore>();
        var instances = Hosting.HostingInstances.Read(app.Configuration);
        if (app.Environment.IsDevelopment() || instances == 1 || store.Shared)
        {
            return;
        }

        var settings = app.Services.GetRequiredService<IOptions<ApiFairUseOptions>>().Value;
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiFairUse)).LogWarning(
            "Hosting:Instances is {Instances}, but each instance counts the API's fair-use limits in its own memory, so together the instances " +
            "allow each token {Total} requests every {WindowSeconds} seconds (Api:RateLimit:PermitLimit is {PermitLimit}), and each client " +
            "address as many times its own limit. Set Api:RateLimit:Redis to a Redis connection string to share one count between them.",
            instances, instances * Math.Max(1, settings.PermitLimit), settings.WindowSeconds, settings.PermitLimit);
    }

    /// <summary>Answers 429 with Retry-After (whole seconds, at least one) and problem details that say why and how long.</summary>
    public static async Task WriteTooManyAsync(HttpContext http, int waitSeconds, string detail)
    {
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = Math.Max(1, waitSeconds).ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        });
    }

    /// <summary>An endpoint filter that admits a request only within its client address's allowance for <paramref name="what"/>.</summary>
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> LimitedByAddress(AddressLimited what) =>
        async (invocation, next) => await RefusedByAddressAsync(invocation.HttpContext, what) ? Results.Empty : await next(invocation);

    /// <summary>Counts the request against its address's allowance for <paramref name="what"/>; past it, answers 429 and says true.</summary>
    public static async Task<bool> RefusedByAddressAsync(HttpContext http, AddressLimited what)
    {
        if (await http.RequestServices.GetRequiredService<AddressLimits>().RefuseAsync(what, http.Connection.RemoteIpAddress) is not { } wait)
        {
            return false;
        }

        await WriteTooManyAsync(http, wait,
            $"Too many attempts from your network address. Wait {Counted.Of(wait, "second")} (Retry-After), then try again.");
        return true;
    }

    private static string PartitionOf(HttpContext http) =>
        http.User.FindFirstValue(PortalClaimTypes.TokenId) is { } token ? $"token:{token}"
        : http.User.FindFirstValue(PortalClaimTypes.UserId) is { } user ? $"user:{user}"
        : $"address:{http.Connection.RemoteIpAddress}";
}

/// <summary>
/// Limits for the unauthenticated (and for costly work anyone signed in can ask for): attempts are counted per client
/// address and per <see cref="AddressLimited"/> kind in fixed windows, so guessing tokens or hammering the sign-in form
/// from one address is slowed without touching anyone else. IPv6 clients are counted by their /64 network, which one
/// client can hold whole. The counts are kept where <see cref="FairUseStore"/> keeps them: in Redis for every instance
/// when Api:RateLimit:Redis is set, else in each instance's memory. Behind a proxy, the client's address is the one the
/// proxy forwards, when the proxy is one the settings trust (Hosting/ForwardedHeadersSetup.cs).
/// </summary>
public sealed class AddressLimits : IDisposable
{
    private readonly PartitionedRateLimiter<(AddressLimited What, string Address)> _limiter;
    private readonly int _windowSeconds;

    public AddressLimits(IOptions<AddressLimitOptions> options, FairUseStore store)
    {
        var settings = options.Value;
        _windowSeconds = Math.Max(1, settings.WindowSeconds);
        _limiter = PartitionedRateLimiter.Create<(AddressLimited What, string Address), (AddressLimited What, string Address)>(key =>
            store.FixedWindow(key, $"address:{key.What}:{key.Address}", Math.Max(1, settings.PermitLimit), TimeSpan.FromSeconds(_windowSeconds)));
    }

    /// <summary>Counts one attempt; null when it is within the allowance, else how many seconds until the next is allowed.</summary>
    public async ValueTask<int?> RefuseAsync(AddressLimited what, IPAddress? address)
    {
        using var lease = await _limiter.AcquireAsync((what, PartitionOf(address)));
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : _windowSeconds;
    }

    /// <summary>The address to count by: IPv4 whole, IPv6 by its /64 network; an unknown address shares one allowance.</summary>
    internal static string PartitionOf(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    public void Dispose() => _limiter.Dispose();
}

/// <summary>
/// The address of the browser behind an interactive page: taken from the circuit's own connection when the circuit
/// opens (an interactive page has no request of its own to ask).
/// </summary>
public sealed class ClientAddress
{
    public IPAddress? Value { get; private set; }

    internal sealed class FromCircuit(ClientAddress address, IHttpContextAccessor connection) : Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler
    {
        public override Task OnCircuitOpenedAsync(Microsoft.AspNetCore.Components.Server.Circuits.Circuit circuit, CancellationToken cancellationToken)
        {
            address.Value ??= connection.HttpContext?.Connection.RemoteIpAddress;
            return Task.CompletedTask;
        }
    }
}
