using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Dashboards;

namespace Portal.Benchmarks;

/// <summary>The organisation dashboard: visits before and after the score worker's round, and the round itself.</summary>
/// <param name="BeforeWorkerMs">The very first visit, before any score or list was worked out (as just after the migration that added them): it must not work them out.</param>
/// <param name="WorkerMs">The worker's round for the organisation: every score, then the lists (timed through "Recalculate scores now", which does the same work).</param>
/// <param name="FirstVisitMs">The first visit after that round, with nothing warmed up by a visit before it.</param>
/// <param name="Commands">Each SQL command of one visit with its median time over the timed visits, slowest first: where the time goes.</param>
public sealed record DashboardFigures(int Assessments, double BeforeWorkerMs, double WorkerMs, double FirstVisitMs, Distribution Visits, IReadOnlyList<DashboardCommand>? Commands = null);

public sealed record DashboardCommand(double MedianMs, string Sql);

/// <summary>
/// Times the dashboard service in this process for the demo trust. By the time this part runs the portal's own score
/// worker has worked out every score and list, so the organisation's are first made stale and its lists removed, as
/// after a migration or a change to every assessment: the first visit is timed then (it shows them as being worked
/// out, and works nothing out), then the worker's work for the organisation, then visits one after another.
/// </summary>
public static class DashboardTiming
{
    public static async Task<DashboardFigures> MeasureAsync(BenchDatabase database, int officerUserId, int visits, CancellationToken cancellationToken)
    {
        var officer = await database.OfficerAsync(officerUserId, cancellationToken);
        var dashboards = new DashboardService(database.Contexts, TimeProvider.System);
        // Once before anything is timed, so the first visit's figure is the organisation's, not this process compiling its queries.
        await dashboards.GetAsync(officer, cancellationToken);
        await using (var db = await database.Contexts.CreateDbContextAsync(cancellationToken))
        {
            var organisationId = officer.NhsOrganisationId!.Value;
            var stamp = Guid.NewGuid();
            await db.AssessmentScores.Where(s => s.Assessment!.NhsOrganisationId == organisationId)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.InputsStamp, stamp), cancellationToken);
            await db.OrganisationDashboards.Where(d => d.NhsOrganisationId == organisationId).ExecuteDeleteAsync(cancellationToken);
        }

        var before = Stopwatch.StartNew();
        var unworked = await dashboards.GetAsync(officer, cancellationToken);
        before.Stop();
        if (!unworked.ListsUpdating || unworked.ScoresUpdating == 0)
        {
            throw new InvalidOperationException("Before the worker's round the dashboard should have shown its scores and lists as being worked out.");
        }

        var worker = Stopwatch.StartNew();
        await dashboards.RecalculateAsync(officer, cancellationToken);
        worker.Stop();

        var first = Stopwatch.StartNew();
        var dashboard = await new DashboardService(database.Contexts, TimeProvider.System).GetAsync(officer, cancellationToken);
        first.Stop();
        if (dashboard.ListsUpdating || dashboard.ScoresUpdating > 0)
        {
            throw new InvalidOperationException("After the worker's round the dashboard still showed scores or lists being brought up to date.");
        }

        for (var i = 0; i < 3; i++)
        {
            await dashboards.GetAsync(officer, cancellationToken);
        }

        var samples = new List<double>(visits);
        for (var i = 0; i < visits; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await dashboards.GetAsync(officer, cancellationToken);
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        // The same visits again with every command timed, apart from the timings above so the timer costs them nothing.
        var timer = new CommandTimer();
        var timed = new DashboardService(database.ContextsWith(timer), TimeProvider.System);
        for (var i = 0; i < Math.Min(visits, 20); i++)
        {
            await timed.GetAsync(officer, cancellationToken);
        }

        var commands = timer.Times.Select(t => new DashboardCommand(Distribution.Of(t.Value).Median, t.Key)).OrderByDescending(c => c.MedianMs).ToList();
        return new DashboardFigures(dashboard.Total, before.Elapsed.TotalMilliseconds, worker.Elapsed.TotalMilliseconds, first.Elapsed.TotalMilliseconds,
            Distribution.Of(samples), commands);
    }

    internal sealed class CommandTimer : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public System.Collections.Concurrent.ConcurrentDictionary<string, List<double>> Times { get; } = new();

        public override ValueTask<System.Data.Common.DbDataReader> ReaderExecutedAsync(
            System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandExecutedEventData eventData, System.Data.Common.DbDataReader result, CancellationToken cancellationToken = default)
        {
            var times = Times.GetOrAdd(command.CommandText, _ => []);
            lock (times)
            {
                times.Add(eventData.Duration.TotalMilliseconds);
            }

            return ValueTask.FromResult(result);
        }
    }
}
