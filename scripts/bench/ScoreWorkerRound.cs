using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Dashboards;

namespace Portal.Benchmarks;

/// <summary>
/// The portal's score worker scores every seeded assessment and works out every organisation's dashboard lists in its
/// first round after start-up (minutes on a loaded machine). Nothing is measured until that round is done: pages timed
/// during it would be measured against the worker's load, and the dashboard parts, which make one organisation's scores
/// stale on purpose, would race the worker over the same first scores (a run of <c>--only dashboard</c> failed so).
/// </summary>
public static class ScoreWorkerRound
{
    public static async Task<TimeSpan> WaitAsync(BenchDatabase database, TimeSpan limit, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        var said = TimeSpan.Zero;
        while (true)
        {
            int stale;
            int unlisted;
            await using (var db = await database.Contexts.CreateDbContextAsync(cancellationToken))
            {
                stale = await db.Assessments.CountAsync(StoredScores.IsStale(DateOnly.FromDateTime(DateTime.UtcNow)), cancellationToken);
                unlisted = await db.NhsOrganisations.CountAsync(o => db.Assessments.Any(a => a.NhsOrganisationId == o.Id)
                    && !db.OrganisationDashboards.Any(d => d.NhsOrganisationId == o.Id), cancellationToken);
            }

            if (stale == 0 && unlisted == 0)
            {
                return waited.Elapsed;
            }

            if (waited.Elapsed > limit)
            {
                throw new TimeoutException($"The portal's score worker had {stale:N0} scores and {unlisted:N0} organisations' lists still to work out after {limit.TotalMinutes:N0} minutes.");
            }

            if (waited.Elapsed - said >= TimeSpan.FromSeconds(15))
            {
                Console.WriteLine($"  ...the score worker still has {stale:N0} scores and {unlisted:N0} organisations' lists to work out ({waited.Elapsed.TotalSeconds:N0} s)");
                said = waited.Elapsed;
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }
    }
}
