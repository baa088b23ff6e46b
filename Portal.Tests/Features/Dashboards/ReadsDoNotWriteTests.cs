using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Reviews;
using Portal.Features.Assessments;
using Portal.Features.Dashboards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Dashboards;

/// <summary>
/// Loading the dashboard or the assessments list sends no INSERT, UPDATE or DELETE, even with stored scores that are
/// stale (a decision just changed them) or missing: reads show the stored score as updating and leave recalculating
/// to the worker, so a link prefetcher or the first visitor after a change never writes or pays for scoring.
/// </summary>
public sealed class ReadsDoNotWriteTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private SqlCommandCounter _counter = default!;
    private int _stale;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        var journey = new TestJourney(_database);
        _stale = await journey.SubmittedAsync(_officer, supplier);
        Assert.True((await journey.Reviews.StartAsync(_officer, _stale)).Succeeded);
        Assert.True((await journey.Reviews.DecideAsync(_officer, _stale, ["P.3"], ReviewOutcome.Rejected, "The API is not published.", TestVersions.Any)).Succeeded);
        var missing = await TestAssessments.InvitedAsync(_database, _officer);
        await using var db = _database.CreateDbContext();
        await db.AssessmentScores.Where(s => s.AssessmentId == missing).ExecuteDeleteAsync();
        _counter = new SqlCommandCounter(_database);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Loading_the_dashboard_writes_nothing_and_says_which_scores_are_updating()
    {
        DashboardService.Dashboard dashboard = default!;

        var commands = await _counter.CountAsync(async () => dashboard = await new DashboardService(_counter, TimeProvider.System).GetAsync(_officer));

        Assert.Empty(SqlWrites.In(commands));
        Assert.Equal(2, dashboard.ScoresUpdating);
        await AssertStillStaleAsync();
    }

    [Fact]
    public async Task Loading_a_page_of_the_assessments_list_writes_nothing_and_marks_stale_scores_as_updating()
    {
        AssessmentService.ListPage page = default!;

        var commands = await _counter.CountAsync(async () => page = await new AssessmentService(_counter, TimeProvider.System).PageAsync(_officer, new()));

        Assert.Empty(SqlWrites.In(commands));
        Assert.Equal(2, page.Rows.Count(r => r.ScoreUpdating));
        Assert.True(page.Rows.Single(r => r.Id == _stale).ScoreUpdating);
        await AssertStillStaleAsync();
    }

    [Fact]
    public async Task Loading_the_home_pages_list_writes_nothing()
    {
        var commands = await _counter.CountAsync(() => new AssessmentService(_counter, TimeProvider.System).GetHomeSummaryAsync(_officer));

        Assert.Empty(SqlWrites.In(commands));
        await AssertStillStaleAsync();
    }

    [Fact]
    public async Task After_the_workers_round_nothing_on_the_list_is_updating()
    {
        await TestScoreWorker.For(_database).RunOnceAsync();

        var page = await new AssessmentService(_database, TimeProvider.System).PageAsync(_officer, new());

        Assert.All(page.Rows, r => Assert.False(r.ScoreUpdating));
        Assert.Equal(Portal.Data.Scorecards.RagStatus.Red, page.Rows.Single(r => r.Id == _stale).Rag);
    }

    [Fact]
    public void The_write_detector_sees_the_writes_ef_sends()
    {
        Assert.Equal(3, SqlWrites.In([
            "INSERT INTO \"AssessmentScores\" (\"AssessmentId\") VALUES (@p0);",
            "UPDATE \"AssessmentScores\" SET \"Rag\" = @p0",
            "DELETE FROM \"WorkerLeases\"",
            "SELECT \"a\".\"UpdatedAt\" FROM \"Assessments\" AS \"a\"",
        ]).Count);
    }

    private async Task AssertStillStaleAsync()
    {
        await using var db = _database.CreateDbContext();
        var score = await db.AssessmentScores.AsNoTracking().SingleAsync(s => s.AssessmentId == _stale);
        Assert.NotEqual(score.InputsStamp, score.CalculatedFromStamp);
    }
}
