using System.Diagnostics;
using Portal.Features.Dashboards;

namespace Portal.Benchmarks;

/// <summary>The organisation dashboard's aggregates: working out every score once (the worker's first round) and visits after it.</summary>
/// <param name="Commands">Each SQL command of one visit with its median time over the timed visits, slowest first: where the time goes.</param>
public sealed record DashboardFigures(int Assessments, double FirstVisitMs, Distribution Visits, IReadOnlyList<DashboardCommand>? Commands = null);

public sealed record DashboardCommand(double MedianMs, string Sql);

/// <summary>
/// Times the dashboard service in this process for the demo trust, one visit after another. The seeded database has
/// no stored scores yet, as after the migration that introduced them, so they are all worked out first (the same work as
/// the score worker's first round; visits never do it); visits then count in the database from the stored scores.
/// </summary>
public static class DashboardTiming
{
    public static async Task<DashboardFigures> MeasureAsync(BenchDatabase database, int officerUserId, int visits, CancellationToken cancellationToken)
    {
        var officer = await database.OfficerAsync(officerUserId, cancellationToken);
        var dashboards = new DashboardService(database.Contexts, TimeProvider.System);
        var first = Stopwatch.StartNew();
        await dashboards.RecalculateAsync(officer, cancellationToken);
        first.Stop();
        var dashboard = await dashboards.GetAsync(officer, cancellationToken);

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
        return new DashboardFigures(dashboard.Total, first.Elapsed.TotalMilliseconds, Distribution.Of(samples), commands);
    }

    private sealed class CommandTimer : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
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
