using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Data.Scorecards;
using Portal.Data.Users;
using Portal.Features.Dashboards;
using Portal.Features.Evidence;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;
using Portal.Features;

namespace Portal.Tests.Features.Dashboards;

public sealed class DashboardServiceTests : IAsyncLifetime
{
    private const string Must = "P.3";
    private TestDatabase _database = default!;
    private TestJourney _journey = default!;
    private Caller _officer = default!;
    private Caller _supplier = default!;
    private readonly MovableClock _clock = new();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _journey = new TestJourney(_database);
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _worker = TestScoreWorker.For(_database, _clock);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private DashboardService Dashboards => new(_database, _clock);

    private ScoreRefreshWorker _worker = default!;

    /// <summary>The dashboard once the score worker has had its round: what a person sees a moment after a change.</summary>
    private async Task<DashboardService.Dashboard> RefreshedDashboardAsync(Caller caller)
    {
        Assert.NotNull(await _worker.RunOnceAsync());
        return await Dashboards.GetAsync(caller);
    }

    private DateOnly Today => _clock.Today;

    private async Task<int> UnderReviewAsync(Func<string, ResponseDraft?>? answer = null, Func<int, Task>? beforeSubmit = null)
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier, answer: answer, beforeSubmit: beforeSubmit);
        Assert.True((await _journey.Reviews.StartAsync(_officer, id)).Succeeded);
        return id;
    }

    private async Task<int> AllAcceptedAsync(Func<string, ResponseDraft?>? answer = null, Func<int, Task>? beforeSubmit = null)
    {
        var id = await UnderReviewAsync(answer, beforeSubmit);
        Assert.True((await _journey.Reviews.DecideAsync(_officer, id, await _journey.CodesAsync(id), ReviewOutcome.Accepted, null, TestVersions.Any)).Succeeded);
        return id;
    }

    private async Task AddEvidenceAsync(int id, string code, string title, DateOnly evidenceDate, DateOnly validUntil)
    {
        var added = await _journey.Workspace.AddLinkAsync(_supplier, id, code,
            new EvidenceInput(EvidenceItemKind.Documentation, title, "https://docs.acme.example/api", evidenceDate, validUntil));
        Assert.Equal(OutcomeKind.Done, added.Kind);
    }

    private async Task<AssessmentScore> StoredScoreAsync(int id)
    {
        await using var db = _database.CreateDbContext();
        return await db.AssessmentScores.AsNoTracking().SingleAsync(s => s.AssessmentId == id);
    }

    [Fact]
    public async Task An_organisation_without_assessments_has_an_empty_dashboard()
    {
        var dashboard = await RefreshedDashboardAsync(_officer);

        Assert.Equal(0, dashboard.Total);
        Assert.Equal("Demo Valley NHS Foundation Trust", dashboard.OrganisationName);
        Assert.All([dashboard.LateResponses, dashboard.LateConditions, dashboard.LatePlans, dashboard.ExpiringEvidence, dashboard.ExpiredEvidence],
            list => Assert.Equal(0, list.Total));
    }

    [Fact]
    public async Task Assessments_are_counted_by_workflow_status()
    {
        await new Portal.Features.Assessments.AssessmentStartService(_database, TimeProvider.System).CreateDraftAsync(_officer);
        await TestAssessments.InvitedAsync(_database, _officer);
        await TestAssessments.InvitedAsync(_database, _officer);
        await _journey.SubmittedAsync(_officer, _supplier);

        var dashboard = await RefreshedDashboardAsync(_officer);

        Assert.Equal(4, dashboard.Total);
        Assert.Equal(1, dashboard.CountOf(AssessmentStatus.Draft));
        Assert.Equal(2, dashboard.CountOf(AssessmentStatus.AwaitingSupplier));
        Assert.Equal(1, dashboard.CountOf(AssessmentStatus.Submitted));
    }

    [Fact]
    public async Task An_assessment_with_no_accepted_or_rejected_decision_is_not_yet_scored_rather_than_red()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier);

        var dashboard = await RefreshedDashboardAsync(_officer);

        Assert.Equal(1, dashboard.CountOf(AssessmentStatus.Submitted, null));
        Assert.Equal(0, dashboard.CountOf(RagStatus.Red));
        Assert.Null((await StoredScoreAsync(id)).Rag);
    }

    [Fact]
    public async Task Assessments_are_counted_by_status_and_rag_together()
    {
        await _journey.AwaitingSignOffAsync(_officer, _supplier);
        var red = await UnderReviewAsync();
        await _journey.Reviews.DecideAsync(_officer, red, [Must], ReviewOutcome.Rejected, "The API is not published.", TestVersions.Any);

        var dashboard = await RefreshedDashboardAsync(_officer);

        Assert.Equal(1, dashboard.CountOf(AssessmentStatus.AwaitingSignOff, RagStatus.Green));
        Assert.Equal(1, dashboard.CountOf(AssessmentStatus.UnderReview, RagStatus.Red));
        Assert.Equal(2, dashboard.Total);
    }

    [Fact]
    public async Task The_dashboards_rag_counts_agree_with_the_scorecard_of_every_assessment()
    {
        var ids = new List<int>
        {
            await _journey.SubmittedAsync(_officer, _supplier),
            await _journey.AwaitingSignOffAsync(_officer, _supplier),
            await AllAcceptedAsync(code => code == Must ? new(ComplianceClaim.WillMeetByDate, "Next release", null, Today.AddDays(60), "Publish the API in 6.0") : null),
            await AllAcceptedAsync(code => code.StartsWith("C.", StringComparison.Ordinal) ? new(ComplianceClaim.PartiallyMeets, "Partly", null, null, null) : null),
            await AllAcceptedAsync(beforeSubmit: id => AddEvidenceAsync(id, Must, "Old certificate", Today.AddYears(-2), Today.AddDays(-1))),
        };
        var rejected = await UnderReviewAsync();
        await _journey.Reviews.DecideAsync(_officer, rejected, [Must], ReviewOutcome.Rejected, "The API is not published.", TestVersions.Any);
        ids.Add(rejected);
        var scorecards = new Portal.Features.Scorecards.ScorecardService(_database, _clock);
        var expected = new List<(AssessmentStatus, RagStatus?)>();
        foreach (var id in ids)
        {
            var report = (await scorecards.GetAsync(_officer, id))!;
            var decided = report.Card.Requirements.Any(r => r.Input.Decision is ReviewOutcome.Accepted or ReviewOutcome.Rejected);
            expected.Add((report.Status, decided ? StoredScores.Stored(report.Card.Rag) : null));
        }

        var dashboard = await RefreshedDashboardAsync(_officer);

        Assert.Equal(
            expected.GroupBy(e => e).Select(g => $"{g.Key.Item1}/{g.Key.Item2?.ToString() ?? "not scored"}: {g.Count()}").Order(),
            dashboard.Breakdown.Select(b => $"{b.Status}/{b.Rag?.ToString() ?? "not scored"}: {b.Count}").Order());
        Assert.Equal([RagStatus.Red, RagStatus.Amber, RagStatus.Green], expected.Select(e => e.Item2).OfType<RagStatus>().Distinct().Order());
    }

    [Fact]
    public async Task The_stored_score_matches_the_scorecards_rag_and_overall_score()
    {
        var id = await AllAcceptedAsync(code => code.StartsWith("C.", StringComparison.Ordinal) ? new(ComplianceClaim.PartiallyMeets, "Partly", null, null, null) : null);
        var report = (await new Portal.Features.Scorecards.ScorecardService(_database, _clock).GetAsync(_officer, id))!;

        await RefreshedDashboardAsync(_officer);

        var stored = await StoredScoreAsync(id);
        Assert.Equal(StoredScores.Stored(report.Card.Rag), stored.Rag);
        Assert.Equal(report.Card.OverallPercent, stored.OverallPercent);
    }

    [Fact]
    public async Task Another_organisations_assessments_are_never_counted_or_listed()
    {
        var otherOfficer = await TestCallers.ForAsync(_database, TestCallers.OtherOfficer);
        await TestAssessments.InvitedAsync(_database, otherOfficer);
        await TestAssessments.InvitedAsync(_database, _officer);
        _clock.MoveForwardDays(31);

        var ours = await RefreshedDashboardAsync(_officer);
        var theirs = await RefreshedDashboardAsync(otherOfficer);

        Assert.Equal(1, ours.Total);
        Assert.Equal(1, ours.LateResponses.Total);
        Assert.Equal(1, theirs.Total);
        Assert.Equal("NHS Demo Shire Integrated Care Board", theirs.OrganisationName);
        Assert.NotEqual(ours.LateResponses.Shown.Single().AssessmentId, theirs.LateResponses.Shown.Single().AssessmentId);
    }

    [Fact]
    public async Task A_supplier_is_refused_the_dashboard()
    {
        await _journey.SubmittedAsync(_officer, _supplier);

        await Assert.ThrowsAsync<AccessDeniedException>(() => Dashboards.GetAsync(_supplier));
    }

    [Fact]
    public async Task An_officer_not_yet_linked_to_an_organisation_is_refused_the_dashboard()
    {
        await Assert.ThrowsAsync<AccessDeniedException>(() => Dashboards.GetAsync(TestCallers.WithRole(PortalRoles.ProcurementOfficer)));
    }

    [Fact]
    public async Task A_ccio_and_an_administrator_see_their_own_organisations_dashboard()
    {
        await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var ccio = await RefreshedDashboardAsync(await TestCallers.ForAsync(_database, TestCallers.Ccio));
        var administrator = await RefreshedDashboardAsync(await TestCallers.ForAsync(_database, TestCallers.Administrator));

        Assert.Equal(1, ccio.CountOf(AssessmentStatus.AwaitingSignOff, RagStatus.Green));
        Assert.Equal(1, administrator.CountOf(AssessmentStatus.AwaitingSignOff, RagStatus.Green));
    }

    [Fact]
    public async Task A_new_review_decision_makes_the_stored_score_stale_and_a_visit_shows_it_as_updating_without_recalculating()
    {
        var id = await AllAcceptedAsync();
        Assert.Equal(1, (await RefreshedDashboardAsync(_officer)).CountOf(RagStatus.Green));

        await _journey.Reviews.DecideAsync(_officer, id, [Must], ReviewOutcome.Rejected, "The API is not published.", TestVersions.Any);
        var dashboard = await Dashboards.GetAsync(_officer);

        var stale = await StoredScoreAsync(id);
        Assert.NotEqual(stale.InputsStamp, stale.CalculatedFromStamp);
        Assert.Equal(RagStatus.Green, stale.Rag);
        Assert.Equal(1, dashboard.CountOf(AssessmentStatus.UnderReview, RagStatus.Green));
        Assert.Equal(1, dashboard.ScoresUpdating);
    }

    [Fact]
    public async Task After_the_workers_round_the_dashboard_shows_the_recalculated_score_and_nothing_updating()
    {
        var id = await AllAcceptedAsync();
        await RefreshedDashboardAsync(_officer);
        await _journey.Reviews.DecideAsync(_officer, id, [Must], ReviewOutcome.Rejected, "The API is not published.", TestVersions.Any);
        var stale = await StoredScoreAsync(id);

        var dashboard = await RefreshedDashboardAsync(_officer);

        Assert.Equal(1, dashboard.CountOf(AssessmentStatus.UnderReview, RagStatus.Red));
        Assert.Equal(0, dashboard.ScoresUpdating);
        Assert.Equal(stale.InputsStamp, (await StoredScoreAsync(id)).CalculatedFromStamp);
    }

    [Fact]
    public async Task Recalculating_on_request_stores_the_organisations_stale_scores()
    {
        var id = await AllAcceptedAsync();
        await _journey.Reviews.DecideAsync(_officer, id, [Must], ReviewOutcome.Rejected, "The API is not published.", TestVersions.Any);

        var outcome = await Dashboards.RecalculateAsync(_officer);

        Assert.Equal(OutcomeKind.Done, outcome.Kind);
        Assert.Equal(1, outcome.Value);
        Assert.Equal(RagStatus.Red, (await StoredScoreAsync(id)).Rag);
        Assert.Equal(0, (await Dashboards.GetAsync(_officer)).ScoresUpdating);
    }

    [Fact]
    public async Task A_supplier_may_not_recalculate_scores()
    {
        Assert.Equal(OutcomeKind.Forbidden, (await Dashboards.RecalculateAsync(_supplier)).Kind);
    }

    [Fact]
    public async Task A_changed_answer_after_sign_off_makes_the_stored_score_stale()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);
        var ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
        await _journey.SignOffs.DecideAsync(ccio, id, new SignOffService.Input(SignOffService.Choice.Approve, true, "HL-1", null, null, []), TestVersions.Any);
        await RefreshedDashboardAsync(_officer);

        await _journey.Workspace.SaveResponseAsync(_supplier, id, Must, new(ComplianceClaim.DoesNotMeet, "Withdrawn from 6.0", null, null, null),
            ReadVersion.Of((await _journey.Workspace.GetAsync(_supplier, id))!.Requirements.Single(r => r.Code == Must).Response!.ConcurrencyStamp));

        var stored = await StoredScoreAsync(id);
        Assert.NotEqual(stored.InputsStamp, stored.CalculatedFromStamp);
        Assert.Equal(1, (await RefreshedDashboardAsync(_officer)).CountOf(AssessmentStatus.UnderReview, RagStatus.Red));
    }

    [Fact]
    public async Task A_review_that_only_adds_a_comment_leaves_the_stored_score_fresh()
    {
        var id = await AllAcceptedAsync();
        await RefreshedDashboardAsync(_officer);

        await _journey.Reviews.CommentAsync(_officer, id, Must, "Looks good.", isInternal: true);

        var stored = await StoredScoreAsync(id);
        Assert.Equal(stored.InputsStamp, stored.CalculatedFromStamp);
    }

    [Fact]
    public async Task When_accepted_evidence_expires_the_worker_recalculates_the_score_the_next_day_with_no_change_saved()
    {
        var id = await AllAcceptedAsync(beforeSubmit: id => AddEvidenceAsync(id, Must, "Penetration test", Today.AddDays(-10), Today.AddDays(1)));
        var before = await RefreshedDashboardAsync(_officer);
        var stored = await StoredScoreAsync(id);

        _clock.MoveForwardDays(2);
        var after = await RefreshedDashboardAsync(_officer);

        Assert.Equal(1, before.CountOf(RagStatus.Green));
        Assert.Equal(before.Today.AddDays(2), stored.ReviewOn);
        Assert.Equal(1, after.CountOf(RagStatus.Red));
        Assert.Null((await StoredScoreAsync(id)).ReviewOn);
    }

    [Fact]
    public async Task An_accepted_plan_keeps_the_score_amber_until_its_date_passes_then_it_is_red_and_listed_as_overdue()
    {
        var planned = Today.AddDays(3);
        var id = await AllAcceptedAsync(code => code == Must ? new(ComplianceClaim.WillMeetByDate, "Next release", null, planned, "Publish the API in 6.0") : null);
        var before = await RefreshedDashboardAsync(_officer);

        _clock.MoveForwardDays(4);
        var after = await RefreshedDashboardAsync(_officer);

        Assert.Equal(1, before.CountOf(RagStatus.Amber));
        Assert.Equal(0, before.LatePlans.Total);
        Assert.Equal(1, after.CountOf(RagStatus.Red));
        var late = Assert.Single(after.LatePlans.Shown);
        Assert.Equal((id, planned, $"/assessments/{id}/scorecard"), (late.AssessmentId, late.Date, late.Link));
        Assert.StartsWith($"{Must}: Acme Clinical Systems Ltd", late.What, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plan_not_yet_accepted_is_not_listed_as_overdue()
    {
        await UnderReviewAsync(code => code == Must ? new(ComplianceClaim.WillMeetByDate, "Next release", null, Today.AddDays(3), "Publish the API in 6.0") : null);
        _clock.MoveForwardDays(4);

        Assert.Equal(0, (await RefreshedDashboardAsync(_officer)).LatePlans.Total);
    }

    [Fact]
    public async Task Supplier_answers_past_their_response_due_date_are_listed_with_a_link_to_the_assessment()
    {
        var late = await TestAssessments.InvitedAsync(_database, _officer);
        await _journey.SubmittedAsync(_officer, _supplier);
        _clock.MoveForwardDays(31);

        var dashboard = await RefreshedDashboardAsync(_officer);

        var item = Assert.Single(dashboard.LateResponses.Shown);
        Assert.Equal(1, dashboard.LateResponses.Total);
        Assert.Equal((late, $"/assessments/{late}", "Answers from Acme Clinical Systems Ltd"), (item.AssessmentId, item.Link, item.What));
        Assert.True(item.Date < Today);
    }

    [Fact]
    public async Task Sign_off_conditions_past_their_due_date_are_listed_with_a_link_to_the_sign_off()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);
        var ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
        await _journey.SignOffs.DecideAsync(ccio, id, new SignOffService.Input(SignOffService.Choice.ApproveWithConditions, true, "HL-1", null, null,
            [new("Publish the interface change log", "Acme integration lead", Today.AddDays(10)), new("Run a joint test", "Trust integration team", Today.AddDays(60))]), TestVersions.Any);
        var before = await RefreshedDashboardAsync(_officer);

        _clock.MoveForwardDays(11);
        var after = await RefreshedDashboardAsync(_officer);

        Assert.Equal(0, before.LateConditions.Total);
        var item = Assert.Single(after.LateConditions.Shown);
        Assert.Equal("Condition: Publish the interface change log (owner: Acme integration lead)", item.What);
        Assert.Equal($"/assessments/{id}/sign-off", item.Link);
    }

    [Fact]
    public async Task Evidence_expiring_in_the_next_30_days_and_evidence_already_expired_are_listed_apart()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier, beforeSubmit: async id =>
        {
            await AddEvidenceAsync(id, "P.1", "Soon", Today.AddDays(-5), Today.AddDays(10));
            await AddEvidenceAsync(id, "P.2", "Later", Today.AddDays(-5), Today.AddDays(45));
            await AddEvidenceAsync(id, Must, "Gone", Today.AddDays(-50), Today.AddDays(-1));
            await AddEvidenceAsync(id, "P.1", "Today is the last day", Today.AddDays(-5), Today);
        });

        var dashboard = await RefreshedDashboardAsync(_officer);

        Assert.Equal(["Today is the last day (P.1, Acme Clinical Systems Ltd)", "Soon (P.1, Acme Clinical Systems Ltd)"],
            dashboard.ExpiringEvidence.Shown.Select(e => e.What));
        Assert.Equal(2, dashboard.ExpiringEvidence.Total);
        Assert.Equal($"Gone ({Must}, Acme Clinical Systems Ltd)", Assert.Single(dashboard.ExpiredEvidence.Shown).What);
        Assert.Equal($"/assessments/{id}/evidence", dashboard.ExpiredEvidence.Shown[0].Link);
    }

    [Fact]
    public async Task A_withdrawn_assessment_is_counted_by_status_but_nothing_on_it_is_listed_as_due()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier, beforeSubmit: id => AddEvidenceAsync(id, Must, "Gone", Today.AddDays(-50), Today.AddDays(-1)));
        Assert.True((await new Portal.Features.Assessments.AssessmentService(_database, TimeProvider.System).WithdrawAsync(_officer, id, "The procurement was cancelled.", new Portal.Features.ReadVersion(null, Any: true))).Succeeded);

        var dashboard = await RefreshedDashboardAsync(_officer);

        Assert.Equal(1, dashboard.CountOf(AssessmentStatus.Withdrawn));
        Assert.Equal(0, dashboard.ExpiredEvidence.Total);
    }

    [Fact]
    public async Task Each_list_shows_at_most_its_length_but_counts_every_item()
    {
        await _journey.SubmittedAsync(_officer, _supplier, beforeSubmit: async id =>
        {
            foreach (var code in (await _journey.CodesAsync(id)).Take(DashboardService.ListLength + 3))
            {
                await AddEvidenceAsync(id, code, $"Expired for {code}", Today.AddDays(-50), Today.AddDays(-1));
            }
        });

        var dashboard = await RefreshedDashboardAsync(_officer);

        Assert.Equal(DashboardService.ListLength + 3, dashboard.ExpiredEvidence.Total);
        Assert.Equal(DashboardService.ListLength, dashboard.ExpiredEvidence.Shown.Count);
    }

    [Fact]
    public async Task An_assessment_stored_before_scores_were_kept_gets_its_score_from_the_worker()
    {
        var id = await AllAcceptedAsync();
        await using (var db = _database.CreateDbContext())
        {
            await db.AssessmentScores.Where(s => s.AssessmentId == id).ExecuteDeleteAsync();
        }

        var dashboard = await RefreshedDashboardAsync(_officer);

        Assert.Equal(1, dashboard.CountOf(AssessmentStatus.UnderReview, RagStatus.Green));
        Assert.Equal(RagStatus.Green, (await StoredScoreAsync(id)).Rag);
    }
}
