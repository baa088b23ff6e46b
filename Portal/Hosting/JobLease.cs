using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Workers;

namespace Portal.Hosting;

/// <summary>
/// Runs each background job on one portal instance at a time, however many share the database: before each run the
/// worker takes or renews the job's <see cref="WorkerLease"/>, and only the holder runs it. The database decides, with
/// one conditional UPDATE (free, lapsed, or already ours), so no instance needs to know of another; a holder that is
/// killed stops renewing, its lease lapses, and the next instance to try takes the job over.
/// </summary>
/// <remarks>
/// A run that outlasts its lease may overlap the next holder's; jobs are written to be safe when that happens (they
/// only ever do what is still due), so the lease saves duplicate work rather than guarding correctness.
/// </remarks>
public sealed class JobLease(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    /// <summary>This instance, as named in the lease rows it holds: unique per start, readable by an operator.</summary>
    public string Holder { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Takes the lease on <paramref name="job"/> for <paramref name="length"/>, or renews it; false while another instance holds it.</summary>
    public async Task<bool> TryTakeAsync(string job, TimeSpan length, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + length;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var taken = await db.WorkerLeases
            .Where(l => l.Name == job && (l.Until < now || l.HeldBy == Holder))
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.HeldBy, Holder).SetProperty(l => l.Until, until), cancellationToken);
        if (taken == 1)
        {
            return true;
        }

        if (await db.WorkerLeases.AnyAsync(l => l.Name == job, cancellationToken))
        {
            return false;
        }

        db.WorkerLeases.Add(new WorkerLease { Name = job, HeldBy = Holder, Until = until });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance made the row first: it holds the job. Anything else is a real failure.
            if (await db.WorkerLeases.AsNoTracking().AnyAsync(l => l.Name == job, cancellationToken))
            {
                return false;
            }

            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="job"/>'s work, which this instance holds the lease for, and records the run on the lease
    /// row: who ran it, when it began and ended, what it did (<paramref name="describe"/>) or why it failed. A failure is
    /// recorded and thrown again for the worker to log; a failure to record it never hides the original.
    /// </summary>
    public async Task<T> RecordRunAsync<T>(string job, Func<CancellationToken, Task<T>> work, Func<T, string> describe, CancellationToken cancellationToken)
    {
        using var activity = TelemetrySetup.Jobs.StartActivity($"job {job}");
        activity?.SetTag("portal.job", job);
        var timer = Stopwatch.StartNew();
        var started = clock.GetUtcNow().UtcDateTime;
        await RecordAsync(job, set => set
            .SetProperty(l => l.LastRunBy, Holder)
            .SetProperty(l => l.LastStartedAt, started)
            .SetProperty(l => l.LastFinishedAt, (DateTime?)null), cancellationToken);
        T result;
        try
        {
            result = await work(cancellationToken);
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var error = Shorten($"{ex.GetType().Name}: {ex.Message}", 1000);
            activity?.SetStatus(ActivityStatusCode.Error, error);
            Measure(job, "failed", timer);
            try
            {
                var failed = clock.GetUtcNow().UtcDateTime;
                await RecordAsync(job, set => set
                    .SetProperty(l => l.LastFinishedAt, failed)
                    .SetProperty(l => l.LastError, error), CancellationToken.None);
            }
            catch (Exception)
            {
                // The database that failed the run may refuse the record too; the run's own failure is what is thrown.
            }

            throw;
        }

        var finished = clock.GetUtcNow().UtcDateTime;
        var summary = Shorten(describe(result), 200);
        activity?.SetTag("portal.job.result", summary);
        Measure(job, "succeeded", timer);
        await RecordAsync(job, set => set
            .SetProperty(l => l.LastFinishedAt, finished)
            .SetProperty(l => l.LastResult, summary)
            .SetProperty(l => l.LastError, (string?)null)
            .SetProperty(l => l.LastSucceededAt, finished), cancellationToken);
        return result;
    }

    private async Task RecordAsync(
        string job, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<WorkerLease>> set, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.WorkerLeases.Where(l => l.Name == job && l.HeldBy == Holder).ExecuteUpdateAsync(set, cancellationToken);
    }

    private static void Measure(string job, string outcome, Stopwatch timer)
    {
        var tags = new TagList { { "portal.job", job }, { "portal.job.outcome", outcome } };
        TelemetrySetup.JobRuns.Add(1, tags);
        TelemetrySetup.JobDuration.Record(timer.Elapsed.TotalSeconds, tags);
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
