using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Hosting;

namespace Portal.Features.Evidence;

/// <summary>What one sweep of the evidence store did and found.</summary>
/// <param name="RemovedFiles">Documents with no row (a killed upload, a removal cut short) older than the grace period, now deleted.</param>
/// <param name="RemovedBytes">Their size.</param>
/// <param name="Promoted">Pending documents whose row had committed (a kill between commit and promotion), now promoted.</param>
/// <param name="RowsWithoutFiles">Evidence rows naming a document the store does not hold: ids, for an administrator to look into.</param>
public sealed record EvidenceSweepReport(DateTime At, int RemovedFiles, long RemovedBytes, int Promoted, IReadOnlyList<int> RowsWithoutFiles);

/// <summary>
/// Keeps the evidence store and the evidence rows in step: removes documents without rows once they are older than
/// <see cref="EvidenceOptions.OrphanGraceMinutes"/> (younger ones may be uploads in progress), promotes pending documents
/// whose row committed, and reports rows whose document is missing. Safe to run on several instances at once: each
/// step only does what is still due. The last report is kept for administrators to see.
/// </summary>
public sealed partial class EvidenceSweep(
    IDbContextFactory<PortalDbContext> contexts,
    IEvidenceStore store,
    IOptions<EvidenceOptions> options,
    TimeProvider clock,
    ILogger<EvidenceSweep> logger)
{
    /// <summary>The last sweep this instance ran, or null before the first.</summary>
    public EvidenceSweepReport? Last { get; private set; }

    public async Task<EvidenceSweepReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var cutoff = now - TimeSpan.FromMinutes(Math.Max(0, options.Value.OrphanGraceMinutes));
        // The listing comes first: a document saved after it cannot be judged an orphan in this round, and one whose row
        // commits after the rows are read was pending when listed, and is younger than the grace period.
        var entries = await ListAsync(cancellationToken);
        var named = await StoredNamesAsync(null, cancellationToken);
        var inPacks = await PackStoredNamesAsync(cancellationToken);

        int removed = 0, promoted = 0;
        long removedBytes = 0;
        foreach (var entry in entries)
        {
            if (named.ContainsKey(entry.StoredName) || inPacks.Contains(entry.StoredName))
            {
                if (entry.Pending)
                {
                    await store.PromoteAsync(entry.StoredName, cancellationToken);
                    promoted++;
                }
            }
            else if (entry.LastWrittenUtc < cutoff)
            {
                await store.DeleteAsync(entry.StoredName, cancellationToken);
                removed++;
                removedBytes += entry.SizeBytes;
            }
        }

        // A row that names a document not listed may be an upload that committed after the listing: it counts as
        // missing only if it is still there, and its document still absent, when looked at again.
        var candidates = named.Keys.Except(entries.Select(e => e.StoredName), StringComparer.Ordinal).ToList();
        var missing = new List<int>();
        if (candidates.Count > 0)
        {
            var present = (await ListAsync(cancellationToken)).Select(e => e.StoredName).ToHashSet(StringComparer.Ordinal);
            var still = await StoredNamesAsync(candidates, cancellationToken);
            missing.AddRange(still.Where(n => !present.Contains(n.Key)).Select(n => n.Value).Order());
        }

        var report = new EvidenceSweepReport(now, removed, removedBytes, promoted, missing);
        if (removed > 0 || promoted > 0)
        {
            LogSwept(logger, removed, removedBytes, promoted);
        }

        if (missing.Count > 0)
        {
            // One line however many: a database restored without its documents must not flood the log.
            LogMissing(logger, missing.Count, string.Join(", ", missing.Take(100)) + (missing.Count > 100 ? ", ..." : ""));
        }

        Last = report;
        return report;
    }

    private async Task<List<StoreEntry>> ListAsync(CancellationToken cancellationToken)
    {
        var entries = new List<StoreEntry>();
        await foreach (var entry in store.ListAsync(cancellationToken))
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>The stored names of evidence packs' documents, which have rows too (a supplier's pack, not an assessment's).</summary>
    private async Task<HashSet<string>> PackStoredNamesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var names = await db.EvidencePackItems.AsNoTracking().Where(e => e.StoredName != null).Select(e => e.StoredName!).ToListAsync(cancellationToken);
        return names.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Evidence ids by stored name: every document row, or only those named in <paramref name="only"/>.</summary>
    private async Task<Dictionary<string, int>> StoredNamesAsync(IReadOnlyList<string>? only, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var documents = db.EvidenceItems.AsNoTracking().Where(e => e.StoredName != null);
        if (only is not null)
        {
            documents = documents.Where(e => only.Contains(e.StoredName!));
        }

        var rows = await documents
            .Select(e => new { e.StoredName, e.Id })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.StoredName!, r => r.Id, StringComparer.Ordinal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evidence sweep: removed {Removed} documents without rows ({Bytes} bytes), promoted {Promoted} pending documents whose rows had committed.")]
    private static partial void LogSwept(ILogger logger, int removed, long bytes, int promoted);

    [LoggerMessage(Level = LogLevel.Error, Message = "Evidence sweep: {Count} evidence rows name documents the evidence store does not hold: evidence {EvidenceIds}.")]
    private static partial void LogMissing(ILogger logger, int count, string evidenceIds);
}

/// <summary>
/// Runs the <see cref="EvidenceSweep"/> at start-up and every <see cref="EvidenceOptions.SweepIntervalMinutes"/>, on the
/// one instance holding the "evidence-sweep" <see cref="JobLease"/>.
/// </summary>
public sealed partial class EvidenceSweepWorker(
    EvidenceSweep sweep,
    JobLease lease,
    IOptions<EvidenceOptions> options,
    TimeProvider clock,
    ILogger<EvidenceSweepWorker> logger) : BackgroundService
{
    public const string Job = "evidence-sweep";

    /// <summary>One round: takes or renews the lease and, holding it, sweeps. Null when another instance holds the job.</summary>
    public async Task<EvidenceSweepReport?> RunOnceAsync(CancellationToken cancellationToken = default) =>
        await lease.TryTakeAsync(Job, Interval * 2, cancellationToken) ? await sweep.RunAsync(cancellationToken) : null;

    private TimeSpan Interval => TimeSpan.FromMinutes(Math.Max(1, options.Value.SweepIntervalMinutes));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The evidence sweep failed; it will try again at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
