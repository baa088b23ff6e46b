using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Organisations;
using Portal.Data.Seed;
using Portal.Data.Users;
using Portal.Features;
using Portal.Features.Administration;
using Portal.Features.Assessments;
using Portal.Features.Dashboards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Dashboards;

/// <summary>
/// An integrated care board's dashboard adds up its member organisations' stored figures: the totals are the sum of the
/// members' own dashboards, a trust sees no other organisation's, the ICB opens none of the members' assessments, and a
/// change of parent shows on the next visit.
/// </summary>
public sealed class IcbRollUpTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private readonly MovableClock _clock = new();
    private Caller _trustOfficer = default!;
    private Caller _otherTrustOfficer = default!;
    private Caller _icbOfficer = default!;
    private Caller _administrator = default!;
    private ScoreRefreshWorker _worker = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _trustOfficer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _icbOfficer = await TestCallers.ForAsync(_database, TestCallers.OtherOfficer);
        _administrator = await TestCallers.ForAsync(_database, TestCallers.Administrator);
        _worker = TestScoreWorker.For(_database, _clock);

        // A second trust under the demo ICB, with an officer of its own.
        var administration = new AdministrationService(_database, _clock);
        var added = await administration.AddOrganisationAsync(_administrator, "RT2", "Second Demo Trust", NhsOrganisationKind.Trust);
        var second = (await administration.ListOrganisationsAsync(_administrator)).Single(o => o.Id == added.Value);
        Assert.True((await administration.SetParentAsync(_administrator, second.Id, "XDS", ReadVersion.Of(second.ConcurrencyStamp))).Succeeded);
        await using (var db = _database.CreateDbContext())
        {
            var officer = new PortalUser
            {
                TenantId = PortalSeeder.DemoTenantId, ObjectId = "rt2.officer", DisplayName = "Rhys Tudor", Email = "rhys.tudor@second-trust.nhs.uk",
                Role = PortalRoles.ProcurementOfficer, CreatedAt = DateTime.UtcNow,
            };
            officer.LinkTo(second.Id, null);
            db.Users.Add(officer);
            await db.SaveChangesAsync();
        }

        _otherTrustOfficer = await TestCallers.ForAsync(_database, "rt2.officer");
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private DashboardService Dashboards => new(_database, _clock);

    /// <summary>Two assessments at the demo trust and one at the second, all late with their answers, worked out by the worker.</summary>
    private async Task<int[]> LateAssessmentsWorkedOutAsync()
    {
        int[] ids =
        [
            await TestAssessments.InvitedAsync(_database, _trustOfficer),
            await TestAssessments.InvitedAsync(_database, _trustOfficer),
            await TestAssessments.InvitedAsync(_database, _otherTrustOfficer),
        ];
        _clock.MoveForwardDays(31);
        await _worker.RunOnceAsync();
        return ids;
    }

    [Fact]
    public async Task The_icbs_totals_are_the_sum_of_its_members_own_dashboards_and_each_row_is_that_members()
    {
        await LateAssessmentsWorkedOutAsync();
        var trust = await Dashboards.GetAsync(_trustOfficer);
        var other = await Dashboards.GetAsync(_otherTrustOfficer);

        var members = (await Dashboards.GetAsync(_icbOfficer)).Members!;

        Assert.Equal(["Demo Valley NHS Foundation Trust", "Second Demo Trust"], members.Members.Select(m => m.Name));
        Assert.Equal(trust.Total + other.Total, members.Total);
        Assert.Equal(3, members.Total);
        Assert.Equal(trust.LateResponses.Total + other.LateResponses.Total, members.LateResponses);
        Assert.Equal(3, members.LateResponses);
        Assert.Equal(trust.Breakdown.OrderBy(b => b.Status).ThenBy(b => b.Rag), members.Members[0].Breakdown.OrderBy(b => b.Status).ThenBy(b => b.Rag));
        Assert.Equal(other.Breakdown, members.Members[1].Breakdown);
        Assert.All(members.Members, m => Assert.Equal(IcbRollUp.Freshness.Current, m.Freshness));
        Assert.All(members.Breakdown, b => Assert.Equal(trust.CountOf(b.Status, b.Rag) + other.CountOf(b.Status, b.Rag), b.Count));
    }

    [Fact]
    public async Task A_trust_sees_only_its_own_figures_never_its_siblings()
    {
        await LateAssessmentsWorkedOutAsync();

        var trust = await Dashboards.GetAsync(_trustOfficer);

        Assert.Null(trust.Members);
        Assert.Equal(2, trust.Total);
    }

    [Fact]
    public async Task The_icbs_people_cannot_open_a_members_assessment_and_its_dashboard_lists_none()
    {
        var ids = await LateAssessmentsWorkedOutAsync();
        var assessments = new AssessmentService(_database, _clock);

        foreach (var id in ids)
        {
            Assert.Null(await assessments.GetAsync(_icbOfficer, id));
        }

        var icb = await Dashboards.GetAsync(_icbOfficer);
        Assert.Equal(0, icb.Total);
        Assert.Empty(icb.LateResponses.Shown);
        Assert.Equal(0, (await assessments.PageAsync(_icbOfficer, new AssessmentService.ListQuery())).Total);
    }

    [Fact]
    public async Task Moving_a_trust_to_another_icb_moves_its_figures_at_the_next_visit()
    {
        await LateAssessmentsWorkedOutAsync();
        var administration = new AdministrationService(_database, _clock);
        Assert.True((await administration.AddOrganisationAsync(_administrator, "QO1", "Other Integrated Care Board", NhsOrganisationKind.IntegratedCareBoard)).Succeeded);
        var second = (await administration.ListOrganisationsAsync(_administrator)).Single(o => o.OdsCode == "RT2");

        Assert.True((await administration.SetParentAsync(_administrator, second.Id, "QO1", ReadVersion.Of(second.ConcurrencyStamp))).Succeeded);

        var members = (await Dashboards.GetAsync(_icbOfficer)).Members!;
        Assert.Equal(["Demo Valley NHS Foundation Trust"], members.Members.Select(m => m.Name));
        Assert.Equal(2, members.Total);
        Assert.Equal(2, members.LateResponses);
    }

    [Fact]
    public async Task An_icb_with_no_members_left_shows_no_roll_up()
    {
        var administration = new AdministrationService(_database, _clock);
        foreach (var organisation in (await administration.ListOrganisationsAsync(_administrator)).Where(o => o.ParentOdsCode == "XDS"))
        {
            Assert.True((await administration.SetParentAsync(_administrator, organisation.Id, null, ReadVersion.Of(organisation.ConcurrencyStamp))).Succeeded);
        }

        Assert.Null((await Dashboards.GetAsync(_icbOfficer)).Members);
    }

    [Fact]
    public async Task Before_the_worker_has_worked_out_a_members_figures_they_count_as_none_and_say_so()
    {
        await TestAssessments.InvitedAsync(_database, _trustOfficer);

        var members = (await Dashboards.GetAsync(_icbOfficer)).Members!;

        var trust = members.Members.Single(m => m.OdsCode == "XDV");
        Assert.Equal(IcbRollUp.Freshness.NotYetWorkedOut, trust.Freshness);
        Assert.Equal(0, trust.Total);
        Assert.Equal(IcbRollUp.Freshness.Current, members.Members.Single(m => m.OdsCode == "RT2").Freshness);
        Assert.Equal(1, members.NotCurrent);
    }

    [Fact]
    public async Task After_a_members_change_its_last_figures_are_shown_as_being_updated_until_the_worker_catches_up()
    {
        var ids = await LateAssessmentsWorkedOutAsync();
        Assert.Equal(OutcomeKind.Done, (await new AssessmentService(_database, _clock).WithdrawAsync(_trustOfficer, ids[0], "No longer procured.", TestVersions.Any)).Kind);

        var before = (await Dashboards.GetAsync(_icbOfficer)).Members!;
        _clock.MoveForward(TimeSpan.FromSeconds(1));
        await _worker.RunOnceAsync();
        var after = (await Dashboards.GetAsync(_icbOfficer)).Members!;

        Assert.Equal(IcbRollUp.Freshness.Updating, before.Members.Single(m => m.OdsCode == "XDV").Freshness);
        Assert.Equal(3, before.LateResponses);
        Assert.Equal(IcbRollUp.Freshness.Current, after.Members.Single(m => m.OdsCode == "XDV").Freshness);
        Assert.Equal(2, after.LateResponses);
    }

    [Fact]
    public async Task A_visit_reads_each_members_totals_not_its_lists()
    {
        await LateAssessmentsWorkedOutAsync();
        var counter = new SqlCommandCounter(_database);
        var dashboards = new DashboardService(counter, _clock);

        var commands = await counter.CountAsync(async () => Assert.Equal(3, (await dashboards.GetAsync(_icbOfficer)).Members!.LateResponses));

        // A member's lists are about 20 KB at a busy trust: 176 members' took 14 ms to read and parse a visit.
        var reading = commands.Where(c => c.Contains("\"OrganisationDashboards\"", StringComparison.Ordinal) && c.Contains("\"ParentId\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, reading.Count);
        Assert.All(reading, c => Assert.DoesNotContain("\"Lists\"", c, StringComparison.Ordinal));
        Assert.All(reading, c => Assert.DoesNotContain("ROW_NUMBER", c, StringComparison.Ordinal));
        // Which members changed since their figures: the stored row looked up once per assessment, not in a subquery twice.
        var changed = Assert.Single(reading, c => c.Contains("DISTINCT", StringComparison.Ordinal));
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(changed, "FROM \"OrganisationDashboards\"|JOIN \"OrganisationDashboards\""));
    }

    [Fact]
    public async Task Figures_stored_before_their_totals_were_kept_count_as_not_yet_worked_out_until_the_next_round()
    {
        await LateAssessmentsWorkedOutAsync();
        await using (var db = _database.CreateDbContext())
        {
            // As every stored row is just after the migration that brought the totals.
            await db.OrganisationDashboards.ExecuteUpdateAsync(set => set.SetProperty(d => d.Totals, ""));
        }

        var before = (await Dashboards.GetAsync(_icbOfficer)).Members!;
        _clock.MoveForward(TimeSpan.FromSeconds(1));
        await _worker.RunOnceAsync();
        var after = (await Dashboards.GetAsync(_icbOfficer)).Members!;

        Assert.All(before.Members, m => Assert.Equal(IcbRollUp.Freshness.NotYetWorkedOut, m.Freshness));
        Assert.Equal(0, before.LateResponses);
        Assert.All(after.Members, m => Assert.Equal(IcbRollUp.Freshness.Current, m.Freshness));
        Assert.Equal(3, after.LateResponses);
    }
}
