using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Policy;
using Portal.Features;
using Portal.Features.Assessments;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Assessments;

public sealed class AssessmentStartServiceTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private AssessmentStartService _start = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _start = new AssessmentStartService(_database, TimeProvider.System);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_draft_pins_the_current_catalogue_version_and_keeps_what_was_typed_in_a_half_finished_step()
    {
        var id = (await _start.CreateDraftAsync(_officer)).Value!.Summary.Id;

        var saved = await _start.SaveSystemAsync(_officer, id, new("  Electronic patient record ", null, null, null, null, null, null, null));
        var draft = (await _start.GetAsync(_officer, id))!;

        Assert.True(saved.Succeeded);
        Assert.False(saved.Value!.Complete);
        Assert.Equal("Choose the supplier whose system this is.", saved.Value.Outstanding["supplier"]);
        Assert.Equal("Electronic patient record", draft.System.SystemName);
        Assert.Equal("2014-05", draft.VersionLabel);
        Assert.Equal(AssessmentStatus.Draft, draft.Status);
    }

    [Fact]
    public async Task A_due_date_in_the_past_is_refused_with_a_message_for_that_field()
    {
        var id = (await _start.CreateDraftAsync(_officer)).Value!.Summary.Id;

        var saved = await _start.SaveSystemAsync(_officer, id, new("EPR", 1, null, null, null, null, TimeProvider.System.PortalToday().AddDays(-1), null));

        Assert.Equal("The response due date must be today or later.", saved.Value!.Outstanding["responseDueDate"]);
    }

    [Fact]
    public async Task Scope_lists_the_requirements_that_apply_with_their_reasons()
    {
        var id = (await _start.CreateDraftAsync(_officer)).Value!.Summary.Id;
        await _start.SaveRouteAsync(_officer, id, AssessmentRoute.Upgrade);
        await _start.SaveConditionsAsync(_officer, id, ScopeConditions.ConfidentialPatientData);

        var scope = (await _start.GetAsync(_officer, id))!.Scope;

        Assert.Contains(scope, r => r.Code == "P.6" && r.Reason.Contains("confidential patient data", StringComparison.Ordinal));
        Assert.DoesNotContain(scope, r => r.Code == "P.8");
        Assert.All(scope, r => Assert.Equal(RouteStanding.NegotiationGuidance, r.Standing));
    }

    [Fact]
    public async Task Taking_a_requirement_out_needs_a_justification_and_survives_a_change_of_conditions()
    {
        var id = (await _start.CreateDraftAsync(_officer)).Value!.Summary.Id;
        await _start.SaveRouteAsync(_officer, id, AssessmentRoute.Procure);
        await _start.SaveConditionsAsync(_officer, id, ScopeConditions.None);

        var unjustified = await _start.ExcludeAsync(_officer, id, "C.7", "n/a");
        var justified = await _start.ExcludeAsync(_officer, id, "C.7", "The system offers no API to third parties beyond the trust.");
        await _start.SaveConditionsAsync(_officer, id, ScopeConditions.AnonymousUse);
        var c7 = (await _start.GetAsync(_officer, id))!.Scope.Single(r => r.Code == "C.7");

        Assert.Equal(OutcomeKind.Invalid, unjustified.Kind);
        Assert.Equal("justification", unjustified.Field);
        Assert.True(justified.Succeeded);
        Assert.False(c7.InScope);
        Assert.Equal("The system offers no API to third parties beyond the trust.", c7.ExclusionJustification);
    }

    [Fact]
    public async Task The_officer_can_add_a_requirement_that_scoping_left_out()
    {
        var id = (await _start.CreateDraftAsync(_officer)).Value!.Summary.Id;
        await _start.SaveRouteAsync(_officer, id, AssessmentRoute.Procure);
        await _start.SaveConditionsAsync(_officer, id, ScopeConditions.None);

        var added = await _start.AddRequirementAsync(_officer, id, "P.8");
        var unknown = await _start.AddRequirementAsync(_officer, id, "Z.99");

        Assert.True(added.Succeeded);
        Assert.Contains((await _start.GetAsync(_officer, id))!.Scope, r => r.Code == "P.8" && r.AddedByOfficer && r.InScope);
        Assert.Equal(OutcomeKind.Invalid, unknown.Kind);
        Assert.Equal("add", unknown.Field);
    }

    [Fact]
    public async Task Confirming_an_incomplete_start_lists_what_is_missing()
    {
        var id = (await _start.CreateDraftAsync(_officer)).Value!.Summary.Id;
        await _start.SaveRouteAsync(_officer, id, AssessmentRoute.Develop);

        var confirmed = await _start.ConfirmAsync(_officer, id);

        Assert.Equal(OutcomeKind.Invalid, confirmed.Kind);
        Assert.Contains("Enter the name of the system.", confirmed.Problems["confirm"], StringComparison.Ordinal);
        Assert.Contains("significant business function", confirmed.Problems["confirm"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_complete_start_is_confirmed_and_audited()
    {
        var id = await TestAssessments.ConfirmedAsync(_database, _officer);

        await using var db = _database.CreateDbContext();
        var assessment = await db.Assessments.Include(a => a.Functions).SingleAsync(a => a.Id == id);
        Assert.NotNull(assessment.StartConfirmedAt);
        Assert.Equal(2, assessment.Functions.Count);
        Assert.True(await db.AuditEvents.AnyAsync(e => e.AssessmentId == id && e.Action == "AssessmentStartConfirmed"));
    }

    [Fact]
    public async Task Only_a_procurement_officer_may_start_an_assessment()
    {
        var supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        var ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);

        var bySupplier = await _start.CreateDraftAsync(supplier);
        var byCcio = await _start.CreateDraftAsync(ccio);

        Assert.Equal(OutcomeKind.Forbidden, bySupplier.Kind);
        Assert.Equal(OutcomeKind.Forbidden, byCcio.Kind);
        await using var db = _database.CreateDbContext();
        Assert.False(await db.Assessments.AnyAsync());
    }

    [Fact]
    public async Task An_officer_of_another_organisation_cannot_read_or_change_the_draft()
    {
        var id = (await _start.CreateDraftAsync(_officer)).Value!.Summary.Id;
        var other = await TestCallers.ForAsync(_database, TestCallers.OtherOfficer);

        Assert.Null(await _start.GetAsync(other, id));
        Assert.Equal(OutcomeKind.NotFound, (await _start.SaveRouteAsync(other, id, AssessmentRoute.Upgrade)).Kind);
        Assert.Null((await _start.GetAsync(_officer, id))!.Route);
    }

    [Fact]
    public async Task Each_change_to_a_draft_is_audited_with_before_and_after_and_an_unchanged_save_is_not()
    {
        var id = (await _start.CreateDraftAsync(_officer)).Value!.Summary.Id;

        await _start.SaveRouteAsync(_officer, id, AssessmentRoute.Develop);
        await _start.SaveRouteAsync(_officer, id, AssessmentRoute.Develop);
        await _start.SaveRouteAsync(_officer, id, AssessmentRoute.Upgrade);

        await using var db = _database.CreateDbContext();
        var edits = await db.AuditEvents.Where(e => e.AssessmentId == id && e.Action == "AssessmentDraftEdited").OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(2, edits.Count);
        Assert.Contains("route: Develop", edits[1].Before, StringComparison.Ordinal);
        Assert.Contains("route: Upgrade", edits[1].After, StringComparison.Ordinal);
        Assert.Equal(_officer.UserId, edits[1].ActorUserId);
    }

    [Fact]
    public async Task A_competing_bid_copies_the_terms_under_the_same_procurement_reference_for_another_supplier()
    {
        var first = await TestAssessments.ConfirmedAsync(_database, _officer, procurementReference: "PR-77");
        await _start.ExcludeAsync(_officer, first, "C.7", "Usage is limited by the trust's integration engine.");

        var copy = await _start.StartCompetingBidAsync(_officer, first);
        var draft = (await _start.GetAsync(_officer, copy.Value))!;

        Assert.True(copy.Succeeded, copy.Message);
        Assert.Equal("PR-77", draft.System.ProcurementReference);
        Assert.Null(draft.System.SupplierId);
        Assert.Equal(2, draft.Functions.Count);
        Assert.False(draft.Scope.Single(r => r.Code == "C.7").InScope);
        Assert.False(draft.Confirmed);
        Assert.Equal(StartStep.System, draft.StepReached);
    }
}
