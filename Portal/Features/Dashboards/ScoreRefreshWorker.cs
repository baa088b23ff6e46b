using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Scorecards;
using Portal.Hosting;

namespace Portal.Features.Dashboards;

/// <summary>The <c>Scores</c> settings.</summary>
public sealed class ScoreOptions
{
    /// <summary>How often the worker looks for stale and due scores when no change on this instance wakes it sooner.</summary>
    public int RefreshIntervalSeconds { get; set; } = 15;

    public TimeSpan RefreshInterval => TimeSpan.FromSeconds(Math.Max(1, RefreshIntervalSeconds));

    /// <summary>
    /// How long a lease on the job lasts: several intervals, so a holder that is merely slow keeps it, and at least a
    /// minute, so a long first run (thousands of assessments) is rarely overlapped by another instance.
    /// </summary>
    public TimeSpan LeaseLength => TimeSpan.FromSeconds(Math.Max(60, 4 * Math.Max(1, RefreshIntervalSeconds)));
}

/// <summary>
/// Keeps stored scores, and after them each organisation's dashboard lists (<see cref="DashboardLists"/>), up to date
/// so that no reader has to: recalculates every stale or due score (as
/// <see cref="StoredScores"/> defines them) promptly after a save on this instance makes one stale
/// (<see cref="StaleScoreSignal"/>), and every <see cref="ScoreOptions.RefreshIntervalSeconds"/> for changes made on other
/// instances and for review dates that come round. Only the instance holding the "scores" <see cref="JobLease"/> runs it.
/// </summary>
public sealed partial class ScoreRefreshWorker(
    IDbContextFactory<PortalDbContext> contexts,
    JobLease lease,
    StaleScoreSignal signal,
    TimeProvider clock,
    IOptions<ScoreOptions> options,
    ILogger<ScoreRefreshWorker> logger) : BackgroundService
{
    public const string Job = "scores";

    /// <summary>
    /// One round: takes or renews the lease and, holding it, recalculates every stale or due score. Returns how many it
    /// stored, or null when another instance holds the job.
    /// </summary>
    public async Task<int?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        if (!await lease.TryTakeAsync(Job, options.Value.LeaseLength, cancellationToken))
        {
            return null;
        }

        return await lease.RecordRunAsync(Job, RefreshAsync, Describe, cancellationToken);
    }

    private async Task<int> RefreshAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var stored = await StoredScores.RefreshAsync(db, db.Assessments.AsNoTracking(), clock.GetUtcNow().UtcDateTime, cancellationToken);
        // Then each organisation's dashboard lists that a recalculated score, a new day or having none yet calls for.
        await DashboardLists.RefreshAsync(db, clock.GetUtcNow().UtcDateTime, organisationId: null, cancellationToken);
        return stored;
    }

    private static string Describe(int stored) => stored switch
    {
        0 => "No score needed recalculating.",
        1 => "Recalculated 1 score.",
        _ => $"Recalculated {stored} scores.",
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(stoppingToken) is > 0 and var stored)
                {
                    LogRefreshed(logger, stored);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The next round tries again; until then pages show the stored scores as updating.
                LogFailed(logger, ex);
            }

            try
            {
                await signal.WaitAsync(options.Value.RefreshInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Recalculated {Count} stored scores.")]
    private static partial void LogRefreshed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not recalculate stored scores; will try again at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
