using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Hosting;

namespace Portal.Features.Evidence.LinkChecks;

/// <summary>
/// Checks typed evidence links in the background, on the instance holding the "link-checks" <see cref="JobLease"/>:
/// queues a check for every link never checked (a new one: <see cref="LinkCheckSignal"/> wakes the worker) or last
/// checked longer ago than <see cref="LinkCheckOptions.RecheckIntervalHours"/>, then runs the queued checks. Withdrawn
/// assessments are not checked.
/// </summary>
public sealed partial class LinkCheckWorker(
    IDbContextFactory<PortalDbContext> contexts,
    JobLease lease,
    LinkCheckRunner runner,
    LinkCheckSignal signal,
    TimeProvider clock,
    IOptions<LinkCheckOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<LinkCheckWorker> logger) : BackgroundService
{
    public const string Job = "link-checks";

    private const int BatchSize = 20;

    private static readonly EvidenceItemKind[] Checked =
        [EvidenceItemKind.OpenApiSpecification, EvidenceItemKind.FhirCapabilityStatement, EvidenceItemKind.Documentation, EvidenceItemKind.TestEnvironment];

    /// <summary>One round; how many checks it ran, or null when another instance holds the job.</summary>
    public async Task<int?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        if (!await lease.TryTakeAsync(Job, options.Value.LeaseLength, cancellationToken))
        {
            return null;
        }

        return await lease.RecordRunAsync(Job, RoundAsync, ran => ran switch
        {
            0 => "No link needed checking.",
            1 => "Checked 1 link.",
            _ => $"Checked {ran} links.",
        }, cancellationToken);
    }

    private async Task<int> RoundAsync(CancellationToken cancellationToken)
    {
        await QueueDueAsync(cancellationToken);
        var abandoned = clock.GetUtcNow().UtcDateTime - LinkCheckRunner.AbandonedAfter;
        List<int> queued;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            queued = await db.LinkChecks.AsNoTracking()
                .Where(c => c.Outcome == LinkCheckOutcome.Pending && (c.StartedAt == null || c.StartedAt < abandoned))
                .OrderBy(c => c.RequestedAt).Select(c => c.Id).Take(BatchSize).ToListAsync(cancellationToken);
        }

        var ran = 0;
        foreach (var id in queued)
        {
            if (await runner.RunAsync(id, cancellationToken))
            {
                ran++;
            }
        }

        return ran;
    }

    private async Task QueueDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var due = now - options.Value.RecheckInterval;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var items = await db.EvidenceItems.AsNoTracking()
            .Where(e => e.Url != null && Checked.Contains(e.Kind)
                && db.Assessments.Any(a => a.Id == e.AssessmentId && a.Status != AssessmentStatus.Withdrawn)
                && !db.LinkChecks.Any(c => c.EvidenceItemId == e.Id && (c.RequestedAt > due || c.Outcome == LinkCheckOutcome.Pending)))
            .OrderBy(e => e.Id)
            .Select(e => new { e.Id, e.AssessmentId, Before = db.LinkChecks.Any(c => c.EvidenceItemId == e.Id) })
            .Take(100)
            .ToListAsync(cancellationToken);
        db.LinkChecks.AddRange(items.Select(i => new LinkCheck
        {
            EvidenceItemId = i.Id, AssessmentId = i.AssessmentId, Outcome = LinkCheckOutcome.Pending, Reason = i.Before ? "Scheduled" : "Added", RequestedAt = now,
        }));
        await db.SaveChangesAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled)
        {
            return;
        }

        // Not before the portal listens: the demo's self-assessment checks the portal's own pages.
        if (!await WhenStartedAsync(stoppingToken))
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex);
            }

            try
            {
                await signal.WaitAsync(options.Value.WorkerInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check evidence links; will try again at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
