using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Data.SignOffs;
using Portal.Features;
using Portal.Features.Evidence;
using Portal.Features.Scorecards;
using Portal.Features.SignOffs;
using Portal.Tests.Features.Dashboards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.SignOffs;

public sealed class FollowUpServiceTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private Caller _supplier = default!;
    private Caller _otherSupplier = default!;
    private Caller _ccio = default!;
    private TestJourney _journey = default!;
    private readonly MovableClock _clock = new();
    private static readonly DateOnly PlannedOn = TimeProvider.System.PortalToday().AddDays(20);

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _otherSupplier = await TestCallers.ForAsync(_database, TestCallers.OtherSupplier);
        _ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
        _journey = new TestJourney(_database);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private FollowUpService FollowUps => new(_database, _clock);

    /// <summary>Signed off with two conditions (one the supplier's, one the trust's) and an accepted plan for the first requirement.</summary>
    private async Task<(int Id, string PlanCode)> SignedOffWithFollowUpsAsync()
    {
        string? planCode = null;
        var id = await _journey.SubmittedAsync(_officer, _supplier, answer: code =>
        {
            if (planCode is not null)
            {
                return null;
            }

            planCode = code;
            return new ResponseDraft(ComplianceClaim.WillMeetByDate, "Not yet: listing is planned.", null, PlannedOn, "List the API in the NHS API catalogue.");
        });
        Assert.True((await _journey.Reviews.StartAsync(_officer, id)).Succeeded);
        Assert.True((await _journey.Reviews.DecideAsync(_officer, id, await _journey.CodesAsync(id), ReviewOutcome.Accepted, null, TestVersions.Any)).Succeeded);
        Assert.True((await _journey.Reviews.SendForSignOffAsync(_officer, id)).Succeeded);
        var due = TimeProvider.System.PortalToday().AddDays(30);
        var decided = await _journey.SignOffs.DecideAsync(_ccio, id, new(SignOffService.Choice.ApproveWithConditions, true, "HL-7", null, null,
            [
                new("Publish the error catalogue", "Supplier's integration lead", due, FollowUpParty.Supplier),
                new("Add the ADT feed to the hazard log", "Clinical safety officer", due, FollowUpParty.Organisation),
            ], RedAcknowledged: true, RedApprovalReason: "The plan is in the contract with a date agreed by both sides."), TestVersions.Any);
        Assert.True(decided.Succeeded, decided.Message);
        return (id, planCode!);
    }

    private async Task<FollowUpService.FollowUpView> ItemAsync(Caller caller, int id, FollowUpKind kind, string startsWith) =>
        (await FollowUps.ListAsync(caller, id)).Value!.Items.Single(i => i.Kind == kind && i.What.StartsWith(startsWith, StringComparison.Ordinal));

    [Fact]
    public async Task Two_officers_deciding_at_once_one_accepting_one_sending_back_end_with_one_decision_and_the_other_told_it_changed()
    {
        var (id, _) = await SignedOffWithFollowUpsAsync();
        var condition = await ItemAsync(_supplier, id, FollowUpKind.Condition, "Publish");
        Assert.True((await FollowUps.MarkDoneAsync(_supplier, id, FollowUpKind.Condition, condition.Id, new("Published at the developer portal, version 1.", null))).Succeeded);

        // Both have read "marked done" before either saves: the clock is asked between the read and the save, and it
        // holds the first caller until the second arrives.
        var together = new MeetingClock(callers: 2);
        var service = new FollowUpService(_database, together);
        var outcomes = await Task.WhenAll(
            Task.Run(() => service.AcceptAsync(_officer, id, FollowUpKind.Condition, condition.Id)),
            Task.Run(() => service.SendBackAsync(_officer, id, FollowUpKind.Condition, condition.Id, "The catalogue does not list the 409 answers yet.")));

        var done = Assert.Single(outcomes, o => o.Succeeded);
        Assert.Equal(OutcomeKind.Stale, Assert.Single(outcomes, o => !o.Succeeded).Kind);
        var now = await ItemAsync(_officer, id, FollowUpKind.Condition, "Publish");
        Assert.Equal(done == outcomes[0] ? ClosureState.Accepted : ClosureState.Open, now.State);
    }

    [Fact]
    public async Task The_supplier_told_of_the_officers_decision_is_sent_to_a_page_it_may_open()
    {
        var (id, _) = await SignedOffWithFollowUpsAsync();
        var condition = await ItemAsync(_supplier, id, FollowUpKind.Condition, "Publish");
        Assert.True((await FollowUps.MarkDoneAsync(_supplier, id, FollowUpKind.Condition, condition.Id, new("Published at the developer portal, version 1.", null))).Succeeded);

        Assert.True((await FollowUps.AcceptAsync(_officer, id, FollowUpKind.Condition, condition.Id)).Succeeded);

        // The sign-off page is the NHS side's; the assessment page shows the supplier its conditions and plans.
        await using var db = _database.CreateDbContext();
        var told = await db.Notifications.Where(n => n.UserId == _supplier.UserId && n.AssessmentId == id && n.Text.Contains("accepted")).ToListAsync();
        Assert.Equal($"/assessments/{id}", Assert.Single(told).Link);
    }

    /// <summary>Holds each of the first <c>callers</c> askers of the time until all of them have asked.</summary>
    private sealed class MeetingClock(int callers) : TimeProvider
    {
        private readonly Barrier _meeting = new(callers);
        private int _asked;

        public override DateTimeOffset GetUtcNow()
        {
            if (Interlocked.Increment(ref _asked) <= callers)
            {
                Assert.True(_meeting.SignalAndWait(TimeSpan.FromSeconds(30)), "The other caller never asked the time.");
            }

            return base.GetUtcNow();
        }
    }

    [Fact]
    public async Task The_supplier_marks_its_condition_done_and_the_officer_accepts_it_audited_with_the_seal_still_valid()
    {
        var (id, _) = await SignedOffWithFollowUpsAsync();
        var condition = await ItemAsync(_supplier, id, FollowUpKind.Condition, "Publish");

        var marked = await FollowUps.MarkDoneAsync(_supplier, id, FollowUpKind.Condition, condition.Id,
            new("Published at the developer portal, version 1.", "https://developer.acme-clinical.example/errors"));
        var accepted = await FollowUps.AcceptAsync(_officer, id, FollowUpKind.Condition, condition.Id);

        Assert.True(marked.Succeeded, marked.Message);
        Assert.True(accepted.Succeeded, accepted.Message);
        var seen = await ItemAsync(_ccio, id, FollowUpKind.Condition, "Publish");
        Assert.Equal(ClosureState.Accepted, seen.State);
        Assert.Equal("Published at the developer portal, version 1.", seen.Note);
        Assert.Equal("Sam Okafor", seen.MarkedBy);
        Assert.NotNull(seen.DecidedBy);
        await using var db = _database.CreateDbContext();
        var actions = await db.AuditEvents.Where(e => e.AssessmentId == id).Select(e => e.Action).ToListAsync();
        Assert.Contains("ConditionMarkedDone", actions);
        Assert.Contains("ConditionAccepted", actions);
        var signOff = await db.SignOffs.SingleAsync(s => s.AssessmentId == id);
        Assert.False(signOff.IsVoid);
        Assert.Equal(AssessmentSnapshot.Seal(signOff.Snapshot), signOff.Seal);
        Assert.Equal(AssessmentStatus.SignedOffWithConditions, (await db.Assessments.SingleAsync(a => a.Id == id)).Status);
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == _ccio.UserId && n.AssessmentId == id && n.Text.Contains("was accepted")));
    }

    [Fact]
    public async Task The_officer_sends_it_back_with_a_reason_and_it_is_open_again_for_the_owner()
    {
        var (id, _) = await SignedOffWithFollowUpsAsync();
        var condition = await ItemAsync(_officer, id, FollowUpKind.Condition, "Add the ADT");
        Assert.True((await FollowUps.MarkDoneAsync(_officer, id, FollowUpKind.Condition, condition.Id, new("Added as hazard H-12.", "HL-7 rev 3"))).Succeeded);

        var noReason = await FollowUps.SendBackAsync(_officer, id, FollowUpKind.Condition, condition.Id, "no");
        var sentBack = await FollowUps.SendBackAsync(_officer, id, FollowUpKind.Condition, condition.Id, "H-12 does not cover a delayed discharge message.");

        Assert.Equal((OutcomeKind.Invalid, "reason"), (noReason.Kind, noReason.Field));
        Assert.True(sentBack.Succeeded, sentBack.Message);
        var open = await ItemAsync(_officer, id, FollowUpKind.Condition, "Add the ADT");
        Assert.Equal(ClosureState.Open, open.State);
        Assert.Equal("Open: sent back", open.StateName);
        Assert.True(open.CanMarkDone);
        await using var db = _database.CreateDbContext();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.AssessmentId == id && e.Action == "ConditionSentBack" && e.Summary.Contains("delayed discharge")));
    }

    [Fact]
    public async Task Only_the_owner_marks_done_and_only_the_assessing_organisations_officer_decides()
    {
        var (id, _) = await SignedOffWithFollowUpsAsync();
        var supplierCondition = await ItemAsync(_officer, id, FollowUpKind.Condition, "Publish");
        var trustCondition = await ItemAsync(_officer, id, FollowUpKind.Condition, "Add the ADT");
        var done = new FollowUpService.DoneInput("Published at the developer portal.", null);

        var supplierOnTrusts = await FollowUps.MarkDoneAsync(_supplier, id, FollowUpKind.Condition, trustCondition.Id, done);
        var otherSupplier = await FollowUps.MarkDoneAsync(_otherSupplier, id, FollowUpKind.Condition, supplierCondition.Id, done);
        var officerOnSuppliers = await FollowUps.MarkDoneAsync(_officer, id, FollowUpKind.Condition, supplierCondition.Id, done);
        var tooShort = await FollowUps.MarkDoneAsync(_supplier, id, FollowUpKind.Condition, supplierCondition.Id, new("done", null));
        var badLink = await FollowUps.MarkDoneAsync(_supplier, id, FollowUpKind.Condition, supplierCondition.Id, done with { Link = "ftp://files.example/x" });
        var acceptedTooSoon = await FollowUps.AcceptAsync(_officer, id, FollowUpKind.Condition, supplierCondition.Id);
        Assert.True((await FollowUps.MarkDoneAsync(_supplier, id, FollowUpKind.Condition, supplierCondition.Id, done)).Succeeded);
        var twice = await FollowUps.MarkDoneAsync(_supplier, id, FollowUpKind.Condition, supplierCondition.Id, done);
        var ccioAccepts = await FollowUps.AcceptAsync(_ccio, id, FollowUpKind.Condition, supplierCondition.Id);
        var supplierAccepts = await FollowUps.AcceptAsync(_supplier, id, FollowUpKind.Condition, supplierCondition.Id);

        Assert.Equal(OutcomeKind.NotFound, supplierOnTrusts.Kind);
        Assert.Equal(OutcomeKind.NotFound, otherSupplier.Kind);
        Assert.Equal(OutcomeKind.Forbidden, officerOnSuppliers.Kind);
        Assert.Equal((OutcomeKind.Invalid, "note"), (tooShort.Kind, tooShort.Field));
        Assert.Equal((OutcomeKind.Invalid, "link"), (badLink.Kind, badLink.Field));
        Assert.Equal(OutcomeKind.Conflict, acceptedTooSoon.Kind);
        Assert.Equal(OutcomeKind.Conflict, twice.Kind);
        Assert.Equal(OutcomeKind.Forbidden, ccioAccepts.Kind);
        Assert.Equal(OutcomeKind.Forbidden, supplierAccepts.Kind);
        Assert.DoesNotContain((await FollowUps.ListAsync(_supplier, id)).Value!.Items, i => i.What.StartsWith("Add the ADT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plan_past_its_date_counts_as_not_met_and_an_accepted_plan_counts_as_met()
    {
        var (id, code) = await SignedOffWithFollowUpsAsync();
        var scorecards = new ScorecardService(_database, _clock);
        var plan = await ItemAsync(_supplier, id, FollowUpKind.Plan, code);
        var inTime = (await scorecards.GetAsync(_officer, id))!.Card.Requirements.Single(r => r.Input.Code == code);

        _clock.MoveForwardDays(21);
        var late = (await scorecards.GetAsync(_officer, id))!.Card;
        Assert.True((await FollowUps.MarkDoneAsync(_supplier, id, FollowUpKind.Plan, plan.Id, new("Listed in the NHS API catalogue.", "https://digital.nhs.uk/developer/api-catalogue"))).Succeeded);
        var markedOnly = (await scorecards.GetAsync(_officer, id))!.Card.Requirements.Single(r => r.Input.Code == code);
        Assert.True((await FollowUps.AcceptAsync(_officer, id, FollowUpKind.Plan, plan.Id)).Succeeded);
        var accepted = (await scorecards.GetAsync(_officer, id))!.Card.Requirements.Single(r => r.Input.Code == code);

        Assert.Equal(RequirementResult.Planned, inTime.Result);
        Assert.Equal(RequirementResult.NotMet, late.Requirements.Single(r => r.Input.Code == code).Result);
        Assert.Contains("date passed", late.Requirements.Single(r => r.Input.Code == code).Explanation, StringComparison.Ordinal);
        Assert.Equal(RequirementResult.NotMet, markedOnly.Result);
        Assert.Equal(RequirementResult.Met, accepted.Result);
        await using var db = _database.CreateDbContext();
        var actions = await db.AuditEvents.Where(e => e.AssessmentId == id).Select(e => e.Action).ToListAsync();
        Assert.Contains("PlanMarkedDone", actions);
        Assert.Contains("PlanAccepted", actions);
    }

    [Fact]
    public async Task The_officer_can_link_a_plan_to_the_contract_date_which_then_drives_its_deadline()
    {
        var (id, code) = await SignedOffWithFollowUpsAsync();
        var plan = await ItemAsync(_officer, id, FollowUpKind.Plan, code);
        await using var db = _database.CreateDbContext();
        var contractDate = (await db.Assessments.SingleAsync(a => a.Id == id)).ContractDate;

        var bySupplier = await FollowUps.LinkPlanToContractDateAsync(_supplier, id, plan.Id, linked: true);
        var linked = await FollowUps.LinkPlanToContractDateAsync(_officer, id, plan.Id, linked: true);

        Assert.Equal(OutcomeKind.Forbidden, bySupplier.Kind);
        Assert.True(linked.Succeeded, linked.Message);
        Assert.Equal(PlannedOn, plan.DueOn);
        var now = await ItemAsync(_officer, id, FollowUpKind.Plan, code);
        Assert.Equal(contractDate, now.DueOn);
        Assert.True(now.DueOnContractDate);
        // Past the plan's own date but before the contract date: still planned, not late.
        _clock.MoveForwardDays(21);
        var card = (await new ScorecardService(_database, _clock).GetAsync(_officer, id))!.Card;
        Assert.Equal(RequirementResult.Planned, card.Requirements.Single(r => r.Input.Code == code).Result);
        Assert.True(await db.AuditEvents.AnyAsync(e => e.AssessmentId == id && e.Action == "PlanLinkedToContractDate"));
    }

    [Fact]
    public async Task A_plan_already_accepted_as_met_cannot_be_re_dated_through_the_service_as_the_page_and_API_say()
    {
        var (id, code) = await SignedOffWithFollowUpsAsync();
        var plan = await ItemAsync(_officer, id, FollowUpKind.Plan, code);
        Assert.True((await FollowUps.MarkDoneAsync(_supplier, id, FollowUpKind.Plan, plan.Id, new("Listed in the NHS API catalogue.", "https://digital.nhs.uk/developer/api-catalogue"))).Succeeded);
        Assert.True((await FollowUps.AcceptAsync(_officer, id, FollowUpKind.Plan, plan.Id)).Succeeded);
        Assert.False((await ItemAsync(_officer, id, FollowUpKind.Plan, code)).CanLinkToContractDate);

        var relinked = await FollowUps.LinkPlanToContractDateAsync(_officer, id, plan.Id, linked: true);

        Assert.Equal(OutcomeKind.Conflict, relinked.Kind);
        Assert.False((await ItemAsync(_officer, id, FollowUpKind.Plan, code)).DueOnContractDate);
    }

    [Fact]
    public async Task The_officer_can_reopen_the_sign_off_once_a_follow_up_is_overdue_and_the_seal_stays_valid()
    {
        var (id, _) = await SignedOffWithFollowUpsAsync();

        var tooSoon = await FollowUps.ReopenSignOffAsync(_officer, id, "The plan is late and the CCIO relied on it.");
        _clock.MoveForwardDays(21);
        var byCcio = await FollowUps.ReopenSignOffAsync(_ccio, id, "The plan is late and the CCIO relied on it.");
        var reopened = await FollowUps.ReopenSignOffAsync(_officer, id, "The plan is late and the CCIO relied on it.");

        Assert.Equal(OutcomeKind.Conflict, tooSoon.Kind);
        Assert.Equal(OutcomeKind.Forbidden, byCcio.Kind);
        Assert.True(reopened.Succeeded, reopened.Message);
        await using var db = _database.CreateDbContext();
        Assert.Equal(AssessmentStatus.UnderReview, (await db.Assessments.SingleAsync(a => a.Id == id)).Status);
        var signOff = await db.SignOffs.SingleAsync(s => s.AssessmentId == id);
        Assert.True(signOff.IsVoid);
        Assert.Equal(AssessmentSnapshot.Seal(signOff.Snapshot), signOff.Seal);
        Assert.Contains("reopened", signOff.VoidReason, StringComparison.Ordinal);
    }
}
