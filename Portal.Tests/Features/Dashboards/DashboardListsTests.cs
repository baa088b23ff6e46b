using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Scorecards;
using Portal.Features;
using Portal.Features.Assessments;
using Portal.Features.Dashboards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Dashboards;

/// <summary>
/// The dashboard's lists (what is overdue, which evidence expires) are worked out by the score worker and stored, so a
/// visit reads one row: a visit never works them out, says when they are not current, and the worker brings them up to
/// date after any change they depend on, a new day, or a change made through another instance.
/// </summary>
public sealed class DashboardListsTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private readonly MovableClock _clock = new();
    private ScoreRefreshWorker _worker = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _worker = TestScoreWorker.For(_database, _clock);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private DashboardService Dashboards => new(_database, _clock);

    /// <summary>An assessment whose supplier is late with its answers (invited with 30 days to answer, 31 days ago).</summary>
    private async Task<int> LateAnswersAsync()
    {
        var id = await TestAssessments.InvitedAsync(_database, _officer);
        _clock.MoveForwardDays(31);
        return id;
    }

    private async Task WithdrawAsync(int id) =>
        Assert.Equal(OutcomeKind.Done, (await new AssessmentService(_database, _clock).WithdrawAsync(_officer, id, "No longer procured.", TestVersions.Any)).Kind);

    private async Task<int> StoredListsAsync()
    {
        await using var db = _database.CreateDbContext();
        return await db.OrganisationDashboards.CountAsync();
    }

    [Fact]
    public async Task Lists_worked_out_from_an_earlier_reading_never_replace_lists_from_a_later_one()
    {
        var id = await LateAnswersAsync();
        var later = _clock.GetUtcNow().UtcDateTime;
        var earlier = later.AddDays(-1);
        await using (var db = _database.CreateDbContext())
        {
            Assert.Equal(1, await DashboardLists.RefreshAsync(db, later, _officer.NhsOrganisationId, CancellationToken.None));
        }

        // A round that read the database a day earlier (it finishes last, as an overlapping round may) is due, being
        // for another day, but must leave the later lists alone.
        await using (var db = _database.CreateDbContext())
        {
            await DashboardLists.RefreshAsync(db, earlier, _officer.NhsOrganisationId, CancellationToken.None);
        }

        await using (var db = _database.CreateDbContext())
        {
            var stored = await db.OrganisationDashboards.SingleAsync(d => d.NhsOrganisationId == _officer.NhsOrganisationId);
            Assert.Equal(later, stored.CalculatedAt);
            Assert.Equal(DateOnly.FromDateTime(later.InPortalTime()), stored.CalculatedFor);
        }

        Assert.Contains(id, (await Dashboards.GetAsync(_officer)).LateResponses.Shown.Select(i => i.AssessmentId));
    }

    [Fact]
    public async Task Before_the_worker_has_worked_them_out_a_visit_says_so_and_works_nothing_out()
    {
        await LateAnswersAsync();

        var dashboard = await Dashboards.GetAsync(_officer);

        Assert.Equal(1, dashboard.Total);
        Assert.True(dashboard.ListsUpdating);
        Assert.Null(dashboard.ListsAsOf);
        Assert.Equal(0, dashboard.LateResponses.Total);
        Assert.Equal(0, await StoredListsAsync());
    }

    [Fact]
    public async Task After_the_workers_round_a_visit_reads_the_lists_it_stored_and_they_are_current()
    {
        var id = await LateAnswersAsync();

        Assert.NotNull(await _worker.RunOnceAsync());
        var dashboard = await Dashboards.GetAsync(_officer);

        Assert.False(dashboard.ListsUpdating);
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, dashboard.ListsAsOf);
        Assert.Equal(id, Assert.Single(dashboard.LateResponses.Shown).AssessmentId);
        Assert.Equal(1, dashboard.LateResponses.Total);
    }

    [Fact]
    public async Task The_stored_lists_are_the_lists_worked_out_from_the_database_at_that_moment()
    {
        await LateAnswersAsync();
        await TestAssessments.InvitedAsync(_database, _officer);
        await WithdrawAsync(await TestAssessments.InvitedAsync(_database, _officer));
        _clock.MoveForwardDays(31);

        Assert.NotNull(await _worker.RunOnceAsync());
        var dashboard = await Dashboards.GetAsync(_officer);

        await using var db = _database.CreateDbContext();
        var live = await DashboardLists.CalculateAsync(db, _officer.NhsOrganisationId!.Value, _clock.Today, CancellationToken.None);
        Assert.Equal(2, live.LateResponses.Total);
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(live with { Breakdown = null }),
            System.Text.Json.JsonSerializer.Serialize(new DashboardLists.Lists(dashboard.LateResponses, dashboard.LateConditions, dashboard.LatePlans,
                dashboard.ExpiringEvidence, dashboard.ExpiredEvidence)));
        // The status-by-RAG counts stored with the lists (what an ICB's roll-up adds up) are the ones the visit counted live.
        Assert.Equal(dashboard.Breakdown.OrderBy(b => b.Status).ThenBy(b => b.Rag), live.Breakdown!.OrderBy(b => b.Status).ThenBy(b => b.Rag));
    }

    [Fact]
    public async Task A_status_change_alone_makes_the_stored_score_stale_so_the_lists_are_brought_up_to_date()
    {
        var id = await LateAnswersAsync();
        Assert.NotNull(await _worker.RunOnceAsync());

        await WithdrawAsync(id);
        var stale = await Dashboards.GetAsync(_officer);
        Assert.NotNull(await _worker.RunOnceAsync());
        var current = await Dashboards.GetAsync(_officer);

        Assert.True(stale.ListsUpdating);
        Assert.NotNull(stale.ListsAsOf);
        Assert.Equal(1, stale.LateResponses.Total);
        Assert.False(current.ListsUpdating);
        Assert.Equal(0, current.LateResponses.Total);
    }

    [Fact]
    public async Task A_new_day_marks_the_lists_as_being_brought_up_to_date_until_the_worker_judges_them_on_it()
    {
        var id = await TestAssessments.InvitedAsync(_database, _officer);
        _clock.MoveForwardDays(30);
        Assert.NotNull(await _worker.RunOnceAsync());
        Assert.Equal(0, (await Dashboards.GetAsync(_officer)).LateResponses.Total);

        _clock.MoveForwardDays(1);
        var nextDay = await Dashboards.GetAsync(_officer);
        Assert.NotNull(await _worker.RunOnceAsync());
        var judged = await Dashboards.GetAsync(_officer);

        Assert.True(nextDay.ListsUpdating);
        Assert.False(judged.ListsUpdating);
        Assert.Equal(id, Assert.Single(judged.LateResponses.Shown).AssessmentId);
    }

    [Fact]
    public async Task A_change_made_through_a_second_instance_is_picked_up_by_the_worker_of_the_instance_holding_the_job()
    {
        var id = await LateAnswersAsync();
        Assert.NotNull(await _worker.RunOnceAsync());
        var secondWorker = TestScoreWorker.For(_database, _clock);
        var secondDashboards = new DashboardService(_database, _clock);

        await WithdrawAsync(id);
        Assert.Null(await secondWorker.RunOnceAsync());
        Assert.True((await secondDashboards.GetAsync(_officer)).ListsUpdating);
        Assert.NotNull(await _worker.RunOnceAsync());
        var current = await secondDashboards.GetAsync(_officer);

        Assert.False(current.ListsUpdating);
        Assert.Equal(0, current.LateResponses.Total);
    }

    [Fact]
    public async Task Recalculating_on_request_also_brings_the_organisations_lists_up_to_date()
    {
        var id = await LateAnswersAsync();
        Assert.NotNull(await _worker.RunOnceAsync());
        await WithdrawAsync(id);

        Assert.Equal(OutcomeKind.Done, (await Dashboards.RecalculateAsync(_officer)).Kind);
        var dashboard = await Dashboards.GetAsync(_officer);

        Assert.False(dashboard.ListsUpdating);
        Assert.Equal(0, dashboard.LateResponses.Total);
    }

    [Fact]
    public async Task A_person_recalculating_while_the_worker_stores_the_first_lists_leaves_one_row_and_no_error()
    {
        await LateAnswersAsync();

        await Task.WhenAll(Dashboards.RecalculateAsync(_officer), _worker.RunOnceAsync());

        Assert.Equal(1, await StoredListsAsync());
        Assert.Equal(1, (await Dashboards.GetAsync(_officer)).LateResponses.Total);
    }
}
