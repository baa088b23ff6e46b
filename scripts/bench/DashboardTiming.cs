using System.Diagnostics;
using Portal.Features.Dashboards;

namespace Portal.Benchmarks;

/// <summary>The organisation dashboard's aggregates: working out every score once (the worker's first round) and visits after it.</summary>
public sealed record DashboardFigures(int Assessments, double FirstVisitMs, Distribution Visits);

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

        return new DashboardFigures(dashboard.Total, first.Elapsed.TotalMilliseconds, Distribution.Of(samples));
    }
}
