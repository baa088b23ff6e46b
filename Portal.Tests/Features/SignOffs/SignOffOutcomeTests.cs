using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Users;
using Portal.Features;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.SignOffs;

/// <summary>The sign-off decision says how it ended in the one outcome type, with the right kind for each refusal.</summary>
public sealed class SignOffOutcomeTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private Caller _supplier = default!;
    private Caller _ccio = default!;
    private TestJourney _journey = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
        _journey = new TestJourney(_database);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private static SignOffService.Input Approve(SignOffService.Choice? choice = SignOffService.Choice.Approve) =>
        new(choice, true, "HL-2026-014", null, null, []);

    private async Task<ReadVersion> ReadAsync(int id) => ReadVersion.Of((await _journey.SignOffs.GetAsync(_ccio, id))!.Stamp);

    private async Task<AssessmentStatus> StatusAsync(int id)
    {
        await using var db = _database.CreateDbContext();
        return (await db.Assessments.SingleAsync(a => a.Id == id)).Status;
    }

    [Fact]
    public async Task Approving_the_version_read_moves_the_status_through_the_one_transition_with_its_audit_event()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var approved = await _journey.SignOffs.DecideAsync(_ccio, id, Approve(), await ReadAsync(id));

        Assert.Equal((OutcomeKind.Done, $"OAP-{id:D5} is signed off."), (approved.Kind, approved.Message));
        await using var db = _database.CreateDbContext();
        var audit = await db.AuditEvents.SingleAsync(e => e.AssessmentId == id && e.Action == "AssessmentSignedOff");
        Assert.Equal(("Awaiting sign-off", "Signed off"), (audit.Before, audit.After));
        Assert.Contains("seal ", audit.Summary, StringComparison.Ordinal);
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == _supplier.UserId && n.AssessmentId == id && n.Text.Contains("signed off by Dr Chris Morgan")));
    }

    [Fact]
    public async Task A_decision_on_an_older_version_or_none_is_stale_and_records_nothing()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var old = await _journey.SignOffs.DecideAsync(_ccio, id, Approve(), ReadVersion.Of(Guid.NewGuid()));
        var unnamed = await _journey.SignOffs.DecideAsync(_ccio, id, Approve(), ReadVersion.None);
        var racing = new RacingDatabase(_database, id);
        var raced = await new SignOffService(racing, TimeProvider.System).DecideAsync(_ccio, id, Approve(), await ReadAsync(id));

        Assert.Equal(OutcomeKind.Stale, old.Kind);
        Assert.Contains("changed since you opened it", old.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Stale, unnamed.Kind);
        Assert.True(racing.Raced);
        Assert.Equal(OutcomeKind.Stale, raced.Kind);
        Assert.Equal(AssessmentStatus.AwaitingSignOff, await StatusAsync(id));
        await using var db = _database.CreateDbContext();
        Assert.False(await db.SignOffs.AnyAsync(s => s.AssessmentId == id));
    }

    [Fact]
    public async Task Who_may_not_sign_off_is_told_forbidden_or_not_found_by_whether_they_can_see_the_assessment()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);
        var read = await ReadAsync(id);
        var otherOfficer = await TestCallers.ForAsync(_database, TestCallers.OtherOfficer);
        var otherCcio = otherOfficer with { Roles = new HashSet<string> { PortalRoles.CcioReviewer } };
        // The officer who reviewed it, also holding the CCIO role: segregation of duties.
        var reviewerAsCcio = _officer with { Roles = new HashSet<string> { PortalRoles.CcioReviewer } };

        var byOfficer = await _journey.SignOffs.DecideAsync(_officer, id, Approve(), read);
        var bySupplier = await _journey.SignOffs.DecideAsync(_supplier, id, Approve(), read);
        var byReviewer = await _journey.SignOffs.DecideAsync(reviewerAsCcio, id, Approve(), read);
        var byOtherOrganisation = await _journey.SignOffs.DecideAsync(otherCcio, id, Approve(), read);

        Assert.Equal(OutcomeKind.Forbidden, byOfficer.Kind);
        Assert.Equal(OutcomeKind.Forbidden, bySupplier.Kind);
        Assert.Equal(OutcomeKind.Forbidden, byReviewer.Kind);
        Assert.Contains("segregation of duties", byReviewer.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.NotFound, byOtherOrganisation.Kind);
        Assert.Equal(OutcomeKind.Forbidden, (await _journey.SignOffs.FindAsync(_supplier, id)).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await _journey.SignOffs.FindAsync(otherCcio, id)).Kind);
        Assert.Equal(AssessmentStatus.AwaitingSignOff, await StatusAsync(id));
    }

    [Fact]
    public async Task Signing_off_what_is_not_awaiting_sign_off_is_a_conflict_and_a_missing_choice_is_invalid()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);
        var noChoice = await _journey.SignOffs.DecideAsync(_ccio, id, Approve(choice: null), await ReadAsync(id));
        Assert.True((await _journey.SignOffs.DecideAsync(_ccio, id, Approve(), await ReadAsync(id))).Succeeded);

        var again = await _journey.SignOffs.DecideAsync(_ccio, id, Approve(), await ReadAsync(id));

        Assert.Equal((OutcomeKind.Invalid, "decision"), (noChoice.Kind, noChoice.Field));
        Assert.Equal(OutcomeKind.Conflict, again.Kind);
        Assert.Contains("not awaiting sign-off", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Returning_to_the_reviewer_keeps_its_audit_action_and_tells_only_the_organisation()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var returned = await _journey.SignOffs.DecideAsync(_ccio, id,
            new(SignOffService.Choice.ReturnToReviewer, true, null, null, "Look again at the error catalogue.", []), await ReadAsync(id));

        Assert.True(returned.Succeeded, returned.Message);
        Assert.Equal(AssessmentStatus.UnderReview, await StatusAsync(id));
        await using var db = _database.CreateDbContext();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.AssessmentId == id && e.Action == "ReturnedToReviewer"));
        Assert.False(await db.Notifications.AnyAsync(n => n.UserId == _supplier.UserId && n.Text.Contains("by Dr Chris Morgan")));
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == _officer.UserId && n.Text.Contains("under review by Dr Chris Morgan")));
    }
}
