using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Data;
using Portal.Data.Mail;

namespace Portal.Features.Mail;

/// <summary>
/// Mail can leave the portal: Degraded (never Unhealthy: pages still work, mail waits in the outbox) when the relay
/// cannot be reached, when mail has been dead-lettered, or outside Development when no way to send is configured.
/// </summary>
public sealed class MailHealthCheck(IDbContextFactory<PortalDbContext> contexts, MailTransports transports, IHostEnvironment environment) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var dead = await db.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.DeadLettered, cancellationToken);
        var transport = await transports.CurrentAsync(cancellationToken);
        if (transport is null)
        {
            return environment.IsDevelopment() && dead == 0
                ? HealthCheckResult.Healthy("No way to send mail is configured: mail is kept in the outbox (Development).")
                : HealthCheckResult.Degraded("No way to send mail is configured (Mail:Transport): mail is kept in the outbox.");
        }

        if (await transport.ProblemAsync(cancellationToken) is { } problem)
        {
            return HealthCheckResult.Degraded($"{problem}; mail waits in the outbox.");
        }

        return dead > 0
            ? HealthCheckResult.Degraded($"{dead} mail(s) could not be sent after every attempt; an administrator can see why and send them again.")
            : HealthCheckResult.Healthy($"Mail goes through {transport.Description}.");
    }
}
