using Portal.Auth;
using Portal.Data.Reviews;
using Portal.Features.Dashboards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Dashboards;

/// <summary>
/// The dashboard's cost in SQL commands, counted: a visit must cost the same few commands however many assessments
/// the organisation has, because every figure is counted by the database.
/// </summary>
public sealed class DashboardCommandCountTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private TestJourney _journey = default!;
    private Caller _officer = default!;
    private Caller _supplier = default!;
    private SqlCommandCounter _counter = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _journey = new TestJourney(_database);
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _counter = new SqlCommandCounter(_database);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<int> CommandsForOneVisitAsync()
    {
        var dashboards = new DashboardService(_counter, TimeProvider.System);
        return (await _counter.CountAsync(() => dashboards.GetAsync(_officer))).Count;
    }

    private async Task<int> UnderReviewAsync()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier);
        await _journey.Reviews.StartAsync(_officer, id);
        return id;
    }

    [Fact]
    public async Task A_visit_issues_the_same_few_commands_for_one_assessment_or_many()
    {
        await _journey.AwaitingSignOffAsync(_officer, _supplier);
        await CommandsForOneVisitAsync();
        var withOne = await CommandsForOneVisitAsync();
        await _journey.AwaitingSignOffAsync(_officer, _supplier);
        await UnderReviewAsync();
        await _journey.SubmittedAsync(_officer, _supplier);
        await TestAssessments.InvitedAsync(_database, _officer);
        await CommandsForOneVisitAsync();

        var withFive = await CommandsForOneVisitAsync();

        Assert.Equal(withOne, withFive);
        Assert.InRange(withFive, 1, 8);
    }

    [Fact]
    public async Task A_visit_with_stale_scores_issues_the_same_commands_as_one_with_none_and_writes_nothing()
    {
        var ids = new[] { await UnderReviewAsync(), await UnderReviewAsync(), await UnderReviewAsync() };
        await TestScoreWorker.For(_database).RunOnceAsync();
        await CommandsForOneVisitAsync();
        var fresh = await CommandsForOneVisitAsync();
        foreach (var id in ids)
        {
            await _journey.Reviews.DecideAsync(_officer, id, ["P.3"], ReviewOutcome.Rejected, "The API is not published.", TestVersions.Any);
        }

        var dashboards = new DashboardService(_counter, TimeProvider.System);
        var commands = await _counter.CountAsync(async () => Assert.Equal(3, (await dashboards.GetAsync(_officer)).ScoresUpdating));

        Assert.Equal(fresh, commands.Count);
        Assert.Empty(SqlWrites.In(commands));
    }

    [Fact]
    public async Task The_counts_by_status_and_rag_read_the_organisations_assessments_once()
    {
        await UnderReviewAsync();
        await _journey.AwaitingSignOffAsync(_officer, _supplier);
        var dashboards = new DashboardService(_counter, TimeProvider.System);

        var commands = await _counter.CountAsync(() => dashboards.GetAsync(_officer));

        // One pass over the organisation's assessments: an aggregate turned into a subquery per group scans them again
        // for every status and RAG (about 20 ms a visit at 5,000 assessments).
        var counting = Assert.Single(commands, c => c.Contains("GROUP BY", StringComparison.Ordinal) && c.Contains("\"Assessments\"", StringComparison.Ordinal)
            && c.Contains("\"CalculatedAt\"", StringComparison.Ordinal));
        Assert.True(System.Text.RegularExpressions.Regex.Count(counting, "FROM \"Assessments\"") == 1, counting);
    }
}
