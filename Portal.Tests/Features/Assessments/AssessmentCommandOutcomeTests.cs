using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Policy;
using Portal.Features;
using Portal.Features.Assessments;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Assessments;

/// <summary>
/// Each assessment command refuses with the kind that says why: bad input is invalid (with its field), someone else's
/// assessment is not found, a role that may not act is forbidden, a state that does not allow it is a conflict, and
/// an old version is stale. Nothing changes when a command is refused.
/// </summary>
public sealed class AssessmentCommandOutcomeTests : IAsyncLifetime
{
    private const string Reason = "The trust cancelled the procurement.";
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private AssessmentService _assessments = default!;
    private AssessmentStartService _start = default!;
    private InvitationService _invitations = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _assessments = new AssessmentService(_database, TimeProvider.System);
        _start = new AssessmentStartService(_database, TimeProvider.System);
        _invitations = new InvitationService(_database, TimeProvider.System, new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider(),
            new Portal.Features.Evidence.LocalFolderEvidenceStore(Path.Combine(Path.GetTempPath(), "portal-tests", "no-documents")));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<Guid> StampAsync(int id)
    {
        await using var db = _database.CreateDbContext();
        return await db.Assessments.Where(a => a.Id == id).Select(a => a.ConcurrencyStamp).SingleAsync();
    }

    private async Task<AssessmentStatus> StatusAsync(int id)
    {
        await using var db = _database.CreateDbContext();
        return await db.Assessments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync();
    }

    [Fact]
    public async Task Withdrawing_the_version_the_officer_read_gives_back_the_withdrawn_assessment_and_audits_the_move()
    {
        var id = await TestAssessments.InvitedAsync(_database, _officer);
        var read = await StampAsync(id);

        var withdrawn = await _assessments.WithdrawAsync(_officer, id, Reason, ReadVersion.Of(read));

        Assert.Equal(OutcomeKind.Done, withdrawn.Kind);
        Assert.Equal(AssessmentStatus.Withdrawn, withdrawn.Value!.Summary.Status);
        Assert.NotEqual(read, withdrawn.Value.ConcurrencyStamp);
        Assert.Equal(await StampAsync(id), withdrawn.Value.ConcurrencyStamp);
        await using var db = _database.CreateDbContext();
        var audit = await db.AuditEvents.SingleAsync(e => e.AssessmentId == id && e.Action == "AssessmentWithdrawn");
        Assert.Equal($"Withdrew OAP-{id:D5}: {Reason}", audit.Summary);
        Assert.Equal("Awaiting supplier", audit.Before);
        Assert.Equal("Withdrawn", audit.After);
        Assert.Equal(Reason, await db.Assessments.Where(a => a.Id == id).Select(a => a.WithdrawnReason).SingleAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    [InlineData("Too short")]
    public async Task Withdrawing_without_a_real_reason_is_invalid_on_the_reason_field(string? reason)
    {
        var id = await TestAssessments.InvitedAsync(_database, _officer);

        var withdrawn = await _assessments.WithdrawAsync(_officer, id, reason, ReadVersion.Of(await StampAsync(id)));

        Assert.Equal(OutcomeKind.Invalid, withdrawn.Kind);
        Assert.Equal("reason", withdrawn.Field);
        Assert.Equal(AssessmentStatus.AwaitingSupplier, await StatusAsync(id));
    }

    [Fact]
    public async Task Another_organisations_assessment_and_one_that_does_not_exist_are_not_found_alike()
    {
        var id = await TestAssessments.InvitedAsync(_database, _officer);
        var other = await TestCallers.ForAsync(_database, TestCallers.OtherOfficer);

        var theirs = await _assessments.WithdrawAsync(other, id, Reason, ReadVersion.Of(await StampAsync(id)));
        var missing = await _assessments.WithdrawAsync(_officer, 99999, Reason, ReadVersion.Of(Guid.NewGuid()));

        Assert.Equal(OutcomeKind.NotFound, theirs.Kind);
        Assert.Equal(OutcomeKind.NotFound, missing.Kind);
        Assert.Equal($"Assessment {id} does not exist, or you may not see it.", theirs.Message);
        Assert.Equal("Assessment 99999 does not exist, or you may not see it.", missing.Message);
        Assert.Equal(AssessmentStatus.AwaitingSupplier, await StatusAsync(id));
    }

    [Theory]
    [InlineData(TestCallers.Ccio)]
    [InlineData(TestCallers.Supplier)]
    public async Task Someone_who_sees_the_assessment_but_is_not_its_officer_is_forbidden_to_withdraw_it(string who)
    {
        var id = await TestAssessments.InvitedAsync(_database, _officer);
        var caller = await TestCallers.ForAsync(_database, who);

        var withdrawn = await _assessments.WithdrawAsync(caller, id, Reason, ReadVersion.Of(await StampAsync(id)));

        Assert.Equal(OutcomeKind.Forbidden, withdrawn.Kind);
        Assert.Equal(AssessmentStatus.AwaitingSupplier, await StatusAsync(id));
    }

    [Fact]
    public async Task Withdrawing_an_assessment_that_changed_since_the_officer_read_it_is_stale()
    {
        var id = await TestAssessments.ConfirmedAsync(_database, _officer);
        var read = await StampAsync(id);
        Assert.True((await _invitations.InviteAsync(_officer, id, "sam.okafor@acme-clinical.example")).Succeeded);

        var withdrawn = await _assessments.WithdrawAsync(_officer, id, Reason, ReadVersion.Of(read));

        Assert.Equal(OutcomeKind.Stale, withdrawn.Kind);
        Assert.Contains("it is now awaiting supplier", withdrawn.Message, StringComparison.Ordinal);
        Assert.Equal(AssessmentStatus.AwaitingSupplier, await StatusAsync(id));
    }

    [Fact]
    public async Task Withdrawing_without_naming_the_version_read_is_stale_because_it_cannot_be_undone()
    {
        var id = await TestAssessments.InvitedAsync(_database, _officer);

        var withdrawn = await _assessments.WithdrawAsync(_officer, id, Reason, ReadVersion.None);

        Assert.Equal(OutcomeKind.Stale, withdrawn.Kind);
        Assert.Equal(AssessmentStatus.AwaitingSupplier, await StatusAsync(id));
    }

    [Fact]
    public async Task Withdrawing_an_assessment_already_withdrawn_is_a_conflict_with_its_state()
    {
        var id = await TestAssessments.InvitedAsync(_database, _officer);
        Assert.True((await _assessments.WithdrawAsync(_officer, id, Reason, ReadVersion.Of(await StampAsync(id)))).Succeeded);

        var again = await _assessments.WithdrawAsync(_officer, id, Reason, ReadVersion.Of(await StampAsync(id)));

        Assert.Equal(OutcomeKind.Conflict, again.Kind);
        await using var db = _database.CreateDbContext();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.AssessmentId == id && e.Action == "AssessmentWithdrawn"));
    }

    [Fact]
    public async Task A_step_of_the_start_is_forbidden_to_a_ccio_and_a_conflict_once_the_supplier_is_invited()
    {
        var draft = (await _start.CreateDraftAsync(_officer)).Value!.Summary.Id;
        var invited = await TestAssessments.InvitedAsync(_database, _officer);
        var ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);

        var byCcio = await _start.SaveRouteAsync(ccio, draft, AssessmentRoute.Upgrade);
        var afterInvite = await _start.SaveRouteAsync(_officer, invited, AssessmentRoute.Upgrade);
        var excludeAfterInvite = await _start.ExcludeAsync(_officer, invited, "C.7", "The system offers no API to third parties.");

        Assert.Equal(OutcomeKind.Forbidden, byCcio.Kind);
        Assert.Equal(OutcomeKind.Conflict, afterInvite.Kind);
        Assert.Contains("no longer a draft", afterInvite.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Conflict, excludeAfterInvite.Kind);
        Assert.Null((await _start.GetAsync(_officer, draft))!.Route);
    }

    [Fact]
    public async Task Taking_out_a_requirement_that_is_not_in_the_scope_list_is_invalid_on_the_code()
    {
        var id = (await _start.CreateDraftAsync(_officer)).Value!.Summary.Id;
        await _start.SaveRouteAsync(_officer, id, AssessmentRoute.Procure);

        var excluded = await _start.ExcludeAsync(_officer, id, "Z.99", "The system offers no API to third parties.");

        Assert.Equal(OutcomeKind.Invalid, excluded.Kind);
        Assert.Equal("code", excluded.Field);
    }

    [Fact]
    public async Task A_competing_bid_needs_a_procurement_reference_and_the_assessing_officer()
    {
        var withoutReference = await TestAssessments.ConfirmedAsync(_database, _officer, procurementReference: null);
        var withReference = await TestAssessments.ConfirmedAsync(_database, _officer);
        var ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
        var other = await TestCallers.ForAsync(_database, TestCallers.OtherOfficer);

        Assert.Equal(OutcomeKind.Conflict, (await _start.StartCompetingBidAsync(_officer, withoutReference)).Kind);
        Assert.Equal(OutcomeKind.Forbidden, (await _start.StartCompetingBidAsync(ccio, withReference)).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await _start.StartCompetingBidAsync(other, withReference)).Kind);
        await using var db = _database.CreateDbContext();
        Assert.Equal(2, await db.Assessments.CountAsync());
    }

    [Fact]
    public async Task The_first_invitation_moves_the_draft_through_the_one_transition_with_one_audit_event()
    {
        var id = await TestAssessments.ConfirmedAsync(_database, _officer);
        var read = await StampAsync(id);

        var invited = await _invitations.InviteAsync(_officer, id, "sam.okafor@acme-clinical.example");

        Assert.Equal(OutcomeKind.Done, invited.Kind);
        Assert.NotEqual(read, await StampAsync(id));
        await using var db = _database.CreateDbContext();
        var audit = await db.AuditEvents.SingleAsync(e => e.AssessmentId == id && e.Action == "SupplierInvited");
        Assert.Equal("Draft", audit.Before);
        Assert.Equal("Awaiting supplier", audit.After);
        Assert.Contains("sam.okafor@acme-clinical.example", audit.Summary, StringComparison.Ordinal);
        var notices = await db.Notifications.Where(n => n.AssessmentId == id).Select(n => n.Text).ToListAsync();
        Assert.Contains(notices, text => text.Contains("invites Acme Clinical Systems Ltd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inviting_refuses_by_kind_bad_address_other_organisation_ccio_and_unconfirmed_draft()
    {
        var confirmed = await TestAssessments.ConfirmedAsync(_database, _officer);
        var draft = (await _start.CreateDraftAsync(_officer)).Value!.Summary.Id;
        var ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
        var other = await TestCallers.ForAsync(_database, TestCallers.OtherOfficer);
        const string email = "sam.okafor@acme-clinical.example";

        var badAddress = await _invitations.InviteAsync(_officer, confirmed, "sam");
        var theirs = await _invitations.InviteAsync(other, confirmed, email);
        var byCcio = await _invitations.InviteAsync(ccio, confirmed, email);
        var unconfirmed = await _invitations.InviteAsync(_officer, draft, email);

        Assert.Equal(OutcomeKind.Invalid, badAddress.Kind);
        Assert.Equal("email", badAddress.Field);
        Assert.Equal(OutcomeKind.NotFound, theirs.Kind);
        Assert.Equal(OutcomeKind.Forbidden, byCcio.Kind);
        Assert.Equal(OutcomeKind.Conflict, unconfirmed.Kind);
        Assert.Equal(AssessmentStatus.Draft, await StatusAsync(confirmed));
    }

    [Fact]
    public async Task Accepting_refuses_by_kind_not_a_supplier_unknown_link_used_link_and_another_supplier()
    {
        var id = await TestAssessments.ConfirmedAsync(_database, _officer);
        var link = (await _invitations.InviteAsync(_officer, id, "sam.okafor@acme-clinical.example")).Value!.Link;
        var token = link["/invitations/".Length..];
        var supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        var otherSupplier = await TestCallers.ForAsync(_database, TestCallers.OtherSupplier);

        var byOfficer = await _invitations.AcceptAsync(_officer, token, null);
        var unknown = await _invitations.AcceptAsync(supplier, "not-a-token", null);
        var byOtherSupplier = await _invitations.AcceptAsync(otherSupplier, token, null);
        var accepted = await _invitations.AcceptAsync(supplier, token, null);
        var usedAgain = await _invitations.AcceptAsync(supplier, token, null);

        Assert.Equal(OutcomeKind.Forbidden, byOfficer.Kind);
        Assert.Equal(OutcomeKind.NotFound, unknown.Kind);
        Assert.Equal(OutcomeKind.Forbidden, byOtherSupplier.Kind);
        Assert.Equal(OutcomeKind.Done, accepted.Kind);
        Assert.Equal(id, accepted.Value);
        Assert.Equal(OutcomeKind.Conflict, usedAgain.Kind);
        Assert.Contains("already been used", usedAgain.Message, StringComparison.Ordinal);
    }
}
