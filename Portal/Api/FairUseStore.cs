using System.Threading.RateLimiting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Portal.Api;

/// <summary>
/// Where the fair-use counts are kept. Without <c>Api:RateLimit:Redis</c> (the embedded default) each instance counts
/// in its own memory, so several instances behind a load balancer each allow the limit. With it, every instance counts
/// in the one Redis (fixed windows by RedisRateLimiting), so the service as a whole allows the limit once.
/// <para>
/// When Redis does not answer, the instance counts its own callers in memory, exactly as without Redis (fail-open to
/// the per-instance limit), and tries Redis again after <see cref="RetryAfterFailure"/>. Not fail-closed: the limits
/// are fair use between integrations, not a security boundary (tokens are long and random; guessing is slowed per
/// address either way), and refusing every call while Redis is down would stop every NHS integration for the want of
/// an auxiliary store. Not unlimited either: each instance still holds each caller to the limit. Calls never hang on
/// Redis: every command times out after <c>Api:RateLimit:RedisTimeoutMilliseconds</c> (default 500 ms), commands fail
/// at once while the connection is known to be down, and after a failure Redis is left alone for a while, so only the
/// first call pays the timeout. Readiness reports Degraded meanwhile (see <see cref="FairUseStoreHealthCheck"/>).
/// </para>
/// </summary>
public sealed partial class FairUseStore : IDisposable
{
    /// <summary>How long the instance counts on its own after Redis failed, before trying it again.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(10);

    private readonly ConnectionMultiplexer? _redis;
    private readonly string _prefix;
    private readonly TimeProvider _time;
    private readonly ILogger<FairUseStore> _logger;
    private long _localUntilTicks;

    public FairUseStore(IOptions<ApiFairUseOptions> options, TimeProvider time, ILogger<FairUseStore> logger)
    {
        var settings = options.Value;
        _time = time;
        _logger = logger;
        _prefix = settings.RedisPrefix ?? string.Empty;
        if (string.IsNullOrWhiteSpace(settings.Redis))
        {
            return;
        }

        ConfigurationOptions redis;
        try
        {
            redis = ConfigurationOptions.Parse(settings.Redis);
        }
        catch (ArgumentException)
        {
            // The setting may hold a password: the message names the setting, never its value.
            throw new Hosting.PortalConfigurationException(
                "Api:RateLimit:Redis is not a Redis connection string. Give host:port and options, for example "
                + "\"cache.example.net:6380,ssl=true,password=...\", or remove it to count fair use in each instance's memory.");
        }

        var timeout = Math.Max(50, settings.RedisTimeoutMilliseconds);
        redis.ConnectTimeout = timeout;
        redis.SyncTimeout = timeout;
        redis.AsyncTimeout = timeout;
        // Start even when Redis is down (it is connected again in the background), and while it is known to be down
        // fail each command at once rather than queue it until the timeout.
        redis.AbortOnConnectFail = false;
        redis.BacklogPolicy = BacklogPolicy.FailFast;
        redis.ClientName ??= "nhs-open-api-portal";
        _redis = ConnectionMultiplexer.Connect(redis);
        Endpoints = string.Join(", ", redis.EndPoints.Select(e => e.ToString()));
        if (!_redis.IsConnected)
        {
            CountLocally();
            LogNotAnsweringAtStart(_logger, Endpoints);
        }
    }

    /// <summary>True when the counts are kept in Redis for every instance (Api:RateLimit:Redis is set).</summary>
    public bool Shared => _redis is not null;

    /// <summary>The Redis host(s), without the password or other options, for messages.</summary>
    public string Endpoints { get; } = string.Empty;

    private bool CountingLocally => _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _localUntilTicks);

    /// <summary>
    /// A fixed window of <paramref name="permitLimit"/> per <paramref name="window"/> for one caller: kept under
    /// <paramref name="storeKey"/> in Redis when shared, else (and while Redis fails) in this instance's memory.
    /// </summary>
    public RateLimitPartition<TKey> FixedWindow<TKey>(TKey key, string storeKey, int permitLimit, TimeSpan window)
    {
        var local = new FixedWindowRateLimiterOptions
        {
            PermitLimit = permitLimit,
            Window = window,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
        if (_redis is not { } redis)
        {
            return RateLimitPartition.GetFixedWindowLimiter(key, _ => local);
        }

        return RateLimitPartition.Get(key, _ => new SharedFixedWindow(
            this,
            new RedisFixedWindowRateLimiter<string>(_prefix + storeKey, new RedisFixedWindowRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => redis,
                PermitLimit = permitLimit,
                Window = window,
            }),
            new FixedWindowRateLimiter(local)));
    }

    /// <summary>Redis answers a PING within the timeout now.</summary>
    public async Task<bool> AnswersAsync()
    {
        if (_redis is null)
        {
            return false;
        }

        try
        {
            await _redis.GetDatabase().PingAsync();
            return true;
        }
        catch (Exception ex) when (IsRedisFailure(ex))
        {
            return false;
        }
    }

    private static bool IsRedisFailure(Exception ex) => ex is RedisException or TimeoutException or ObjectDisposedException;

    private void CountLocally() =>
        Interlocked.Exchange(ref _localUntilTicks, (_time.GetUtcNow() + RetryAfterFailure).UtcTicks);

    private void Failed(Exception ex)
    {
        var wasShared = !CountingLocally;
        CountLocally();
        if (wasShared)
        {
            LogFailed(_logger, Endpoints, (int)RetryAfterFailure.TotalSeconds, ex);
        }
    }

    public void Dispose() => _redis?.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The fair-use limits' Redis ({Endpoints}) did not answer: this instance counts its own callers, retrying Redis in {Seconds} seconds.")]
    private static partial void LogFailed(ILogger logger, string endpoints, int seconds, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The fair-use limits' Redis ({Endpoints}) does not answer at start-up: this instance counts its own callers until it does (Api:RateLimit:Redis).")]
    private static partial void LogNotAnsweringAtStart(ILogger logger, string endpoints);

    /// <summary>One caller's window in Redis, with this instance's own window standing in while Redis fails.</summary>
    private sealed class SharedFixedWindow(FairUseStore store, RateLimiter redis, RateLimiter local) : RateLimiter
    {
        // Redis keeps the count; the local window matters only while it is in use, so it decides when this is idle.
        public override TimeSpan? IdleDuration => local.IdleDuration;

        public override RateLimiterStatistics? GetStatistics() => local.GetStatistics();

        // Redis cannot be asked without waiting: "not yet" sends the rate-limiting middleware to AcquireAsync.
        protected override RateLimitLease AttemptAcquireCore(int permitCount) =>
            store.CountingLocally ? local.AttemptAcquire(permitCount) : NotYet.Lease;

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            if (!store.CountingLocally)
            {
                try
                {
                    return new SecondsLease(await redis.AcquireAsync(permitCount, cancellationToken));
                }
                catch (Exception ex) when (IsRedisFailure(ex))
                {
                    store.Failed(ex);
                }
            }

            return await local.AcquireAsync(permitCount, cancellationToken);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                redis.Dispose();
                local.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    private sealed class NotYet : RateLimitLease
    {
        public static readonly NotYet Lease = new();

        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }

    /// <summary>RedisRateLimiting gives Retry-After as whole seconds (an int); the framework's metadata is a TimeSpan.</summary>
    private sealed class SecondsLease(RateLimitLease lease) : RateLimitLease
    {
        public override bool IsAcquired => lease.IsAcquired;

        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            if (metadataName != MetadataName.RetryAfter.Name || !lease.TryGetMetadata(metadataName, out var raw))
            {
                return false;
            }

            metadata = raw switch
            {
                TimeSpan wait => wait,
                int seconds => TimeSpan.FromSeconds(Math.Max(1, seconds)),
                long seconds => TimeSpan.FromSeconds(Math.Max(1, seconds)),
                _ => null,
            };
            return metadata is not null;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                lease.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// Readiness: the fair-use limits' Redis answers (only when Api:RateLimit:Redis is set). When it does not, Degraded, not
/// Unhealthy: the instance still serves and holds each caller to the limit on its own, and taking every instance out
/// of the load balancer for the want of Redis would stop the whole service.
/// </summary>
public sealed class FairUseStoreHealthCheck(FairUseStore store) : IHealthCheck
{
    public const string Name = "fair-use limits";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await store.AnswersAsync()
            ? HealthCheckResult.Healthy("The fair-use limits are shared by every instance through Redis.")
            : HealthCheckResult.Degraded("Redis does not answer, so each instance counts its own callers: the service allows the limit once per instance until it answers.");
}
