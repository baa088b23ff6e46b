using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Features.Evidence;

namespace Portal.Hosting;

/// <summary>
/// What a load balancer or an orchestrator asks of an instance:
/// <list type="bullet">
/// <item><c>/health/live</c>: the process is up and serving (no dependency is checked: a failing database must not get
/// every instance restarted);</item>
/// <item><c>/health/ready</c>: it can do its work now: the database answers, the evidence store can be written, and
/// the Data Protection keys (which sign people in) can be read and used; with Api:RateLimit:Redis set, Redis answers
/// (Api/FairUseStore.cs registers that check, Degraded when it does not). A JSON body names each check;</item>
/// <item><c>/health</c>: as before, the database only, answering "Healthy" or "Unhealthy".</item>
/// </list>
/// </summary>
public static class PortalHealth
{
    /// <summary>The tag of every check <c>/health/ready</c> runs. A new dependency (mail, when it is built and configured) adds its check with this tag.</summary>
    public const string Ready = "ready";

    private const string Database = "database";

    public static IServiceCollection AddPortalHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>(Database, tags: [Ready])
            .AddCheck<EvidenceStoreHealthCheck>("evidence store", tags: [Ready])
            .AddCheck<KeyStoreHealthCheck>("key store", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapPortalHealthChecks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health", new HealthCheckOptions { Predicate = check => check.Name == Database }).AllowAnonymous();
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Ready),
            ResponseWriter = WriteChecksAsync,
        }).AllowAnonymous();
        return endpoints;
    }

    // Each check's name, status and own description; never an exception's text, since anyone may ask.
    private static Task WriteChecksAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}

/// <summary>The evidence store takes a document: a small probe is written, then deleted, through the store itself.</summary>
public sealed partial class EvidenceStoreHealthCheck(IEvidenceStore store, ILogger<EvidenceStoreHealthCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var probe = new MemoryStream("portal readiness probe"u8.ToArray());
            var stored = await store.SaveAsync(probe, cancellationToken);
            await store.DeleteAsync(stored.StoredName, cancellationToken);
            return HealthCheckResult.Healthy("The evidence store can be written.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
            return HealthCheckResult.Unhealthy(BlobEvidenceStore.Problem(ex) is { } problem
                ? $"The evidence store cannot be written: {problem}."
                : "The evidence store cannot be written.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: the evidence store could not be written.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

/// <summary>
/// The Data Protection keys can be read from their store now (not from the cached key ring) and used: something
/// protected with them reads back. Without them nobody stays signed in and no form posts.
/// </summary>
public sealed partial class KeyStoreHealthCheck(IKeyManager keys, IDataProtectionProvider protection, ILogger<KeyStoreHealthCheck> logger) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var count = keys.GetAllKeys().Count;
            var protector = protection.CreateProtector("Portal.Hosting.KeyStoreHealthCheck");
            var healthy = protector.Unprotect(protector.Protect("probe")) == "probe";
            return Task.FromResult(healthy
                ? HealthCheckResult.Healthy($"The key store can be read ({count} keys).")
                : HealthCheckResult.Unhealthy("The keys do not read back what they protect."));
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex);
            return Task.FromResult(HealthCheckResult.Unhealthy("The key store cannot be read."));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: the Data Protection key store could not be read or used.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
