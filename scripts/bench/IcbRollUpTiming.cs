using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Organisations;
using Portal.Features.Dashboards;

namespace Portal.Benchmarks;

/// <summary>An integrated care board's dashboard, adding up its members' stored figures.</summary>
/// <param name="Members">Organisations under the ICB.</param>
/// <param name="Assessments">Their assessments, all told.</param>
/// <param name="BeforeWorkerMs">The first visit with every member's figures stale and none worked out: it must work nothing out.</param>
/// <param name="WorkerMs">The worker's lists round for every member (scores included, as the worker does them first).</param>
/// <param name="FirstVisitMs">The first visit after that round.</param>
public sealed record IcbRollUpFigures(int Members, int Assessments, double BeforeWorkerMs, double WorkerMs, double FirstVisitMs, Distribution Visits, IReadOnlyList<DashboardCommand> Commands);

/// <summary>
/// Times the demo ICB's dashboard with every seeded organisation but itself put under it: the demo trust's assessments
/// and everyone else's (by default 200 organisations and 10,000 assessments, 5,000 at one trust; <c>--assessments</c>
/// and <c>--organisations</c> change the shape). As <see cref="DashboardTiming"/>: the members' scores are made stale and
/// their lists removed, a first visit is timed, then the worker's round, then visits one after another.
/// </summary>
public static class IcbRollUpTiming
{
    public static async Task<IcbRollUpFigures> MeasureAsync(BenchDatabase database, int visits, CancellationToken cancellationToken)
    {
        int icbId;
        int icbOfficerId;
        await using (var db = await database.Contexts.CreateDbContextAsync(cancellationToken))
        {
            icbId = await db.NhsOrganisations.Where(o => o.OdsCode == "XDS").Select(o => o.Id).SingleAsync(cancellationToken);
            icbOfficerId = await db.Users.Where(u => u.ObjectId == "priya.shah").Select(u => u.Id).SingleAsync(cancellationToken);
            await db.NhsOrganisations.Where(o => o.Id != icbId && o.Kind != NhsOrganisationKind.IntegratedCareBoard)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.ParentId, icbId), cancellationToken);
        }

        var officer = await database.OfficerAsync(icbOfficerId, cancellationToken);
        var dashboards = new DashboardService(database.Contexts, TimeProvider.System);
        // Once before anything is timed, so the first visit's figure is the roll-up's, not this process compiling its queries.
        await dashboards.GetAsync(officer, cancellationToken);
        await using (var db = await database.Contexts.CreateDbContextAsync(cancellationToken))
        {
            var stamp = Guid.NewGuid();
            await db.AssessmentScores.Where(s => s.Assessment!.NhsOrganisation!.ParentId == icbId)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.InputsStamp, stamp), cancellationToken);
            await db.OrganisationDashboards.Where(d => d.NhsOrganisation!.ParentId == icbId).ExecuteDeleteAsync(cancellationToken);
        }

        var before = Stopwatch.StartNew();
        var unworked = await dashboards.GetAsync(officer, cancellationToken);
        before.Stop();
        if (unworked.Members is not { } none || none.NotCurrent == 0)
        {
            throw new InvalidOperationException("Before the worker's round the ICB's dashboard should have shown its members' figures as not yet worked out.");
        }

        var worker = Stopwatch.StartNew();
        await RoundAsync(database, icbId, cancellationToken);
        worker.Stop();
        // The portal's own worker, on its interval, may have recalculated some of the same scores during that round, after
        // the lists that include them: the dashboard rightly says so. One more round catches up before the visits are timed.
        if ((await dashboards.GetAsync(officer, cancellationToken)).Members is { NotCurrent: > 0 })
        {
            await RoundAsync(database, icbId, cancellationToken);
        }

        // A fresh service and context, as a new visitor's.
        var first = Stopwatch.StartNew();
        var dashboard = await new DashboardService(database.Contexts, TimeProvider.System).GetAsync(officer, cancellationToken);
        first.Stop();
        if (dashboard.Members is not { } members || members.NotCurrent > 0)
        {
            throw new InvalidOperationException("After the worker's round the ICB's dashboard still showed members' figures being brought up to date.");
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

        var timer = new DashboardTiming.CommandTimer();
        var timed = new DashboardService(database.ContextsWith(timer), TimeProvider.System);
        for (var i = 0; i < Math.Min(visits, 20); i++)
        {
            await timed.GetAsync(officer, cancellationToken);
        }

        var commands = timer.Times.Select(t => new DashboardCommand(Distribution.Of(t.Value).Median, t.Key)).OrderByDescending(c => c.MedianMs).ToList();
        return new IcbRollUpFigures(members.Members.Count, members.Total, before.Elapsed.TotalMilliseconds, worker.Elapsed.TotalMilliseconds,
            first.Elapsed.TotalMilliseconds, Distribution.Of(samples), commands);
    }

    private static async Task RoundAsync(BenchDatabase database, int icbId, CancellationToken cancellationToken)
    {
        await using var db = await database.Contexts.CreateDbContextAsync(cancellationToken);
        await StoredScores.RefreshAsync(db, db.Assessments.AsNoTracking().Where(a => a.NhsOrganisation!.ParentId == icbId), DateTime.UtcNow, cancellationToken);
        await DashboardLists.RefreshAsync(db, DateTime.UtcNow, organisationId: null, cancellationToken);
    }
}
