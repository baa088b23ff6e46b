using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Reviews;
using Portal.Data.Users;
using Portal.Features;
using Portal.Features.Reviews;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Reviews;

/// <summary>Every review command says how it ended in the one outcome type, with the right kind for each refusal.</summary>
public sealed class ReviewOutcomeTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private Caller _supplier = default!;
    private TestJourney _journey = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _journey = new TestJourney(_database);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private ReviewService Reviews => _journey.Reviews;

    private async Task<int> UnderReviewAsync()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier);
        Assert.True((await Reviews.StartAsync(_officer, id)).Succeeded);
        return id;
    }

    private async Task<ReadVersion> ReadAsync(int id) => ReadVersion.Of((await Reviews.GetAsync(_officer, id))!.Stamp);

    private async Task<int> DecisionsAsync(int id)
    {
        await using var db = _database.CreateDbContext();
        return await db.ReviewDecisions.CountAsync(d => d.AssessmentId == id);
    }

    [Fact]
    public async Task A_decision_on_the_version_read_is_done_and_gives_back_the_review_with_its_new_stamp()
    {
        var id = await UnderReviewAsync();
        var read = await ReadAsync(id);

        var decided = await Reviews.DecideAsync(_officer, id, ["P.1"], ReviewOutcome.Accepted, null, read);

        Assert.Equal(OutcomeKind.Done, decided.Kind);
        Assert.Equal("Accepted P.1.", decided.Message);
        Assert.Equal(ReviewOutcome.Accepted, decided.Value!.Items.Single(i => i.Code == "P.1").Outcome);
        Assert.False(read.Allows(decided.Value.Stamp));
        Assert.Equal(decided.Value.Stamp, (await Reviews.GetAsync(_officer, id))!.Stamp);
    }

    [Fact]
    public async Task A_changed_decision_is_recorded_in_the_trail_in_the_words_the_review_page_uses()
    {
        var id = await UnderReviewAsync();
        var asked = await Reviews.DecideAsync(_officer, id, ["P.1"], ReviewOutcome.ClarificationRequested, "Which FHIR version?", await ReadAsync(id));
        Assert.True(asked.Succeeded, asked.Message);

        Assert.True((await Reviews.DecideAsync(_officer, id, ["P.1"], ReviewOutcome.Accepted, null, ReadVersion.Of(asked.Value!.Stamp))).Succeeded);

        await using var db = _database.CreateDbContext();
        var changed = await db.AuditEvents.Where(e => e.AssessmentId == id && e.Action == "ReviewDecisionRecorded").OrderBy(e => e.Id).LastAsync();
        Assert.Equal("Clarification requested", changed.Before);
        Assert.Equal("Accepted", changed.After);
    }

    [Fact]
    public async Task A_decision_on_an_older_version_or_none_is_stale_and_records_nothing()
    {
        var id = await UnderReviewAsync();
        var old = await ReadAsync(id);
        Assert.True((await Reviews.DecideAsync(_officer, id, ["P.2"], ReviewOutcome.Accepted, null, old)).Succeeded);

        var stale = await Reviews.DecideAsync(_officer, id, ["P.1"], ReviewOutcome.Rejected, "Not what we asked for.", old);
        var unnamed = await Reviews.DecideAsync(_officer, id, ["P.1"], ReviewOutcome.Rejected, "Not what we asked for.", ReadVersion.None);

        Assert.Equal(OutcomeKind.Stale, stale.Kind);
        Assert.Contains("changed since you opened it", stale.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Stale, unnamed.Kind);
        Assert.Equal(1, await DecisionsAsync(id));
    }

    [Fact]
    public async Task A_change_saved_between_the_read_and_the_write_is_stale_not_an_exception()
    {
        var id = await UnderReviewAsync();
        var racing = new RacingDatabase(_database, id);
        var reviews = new ReviewService(racing, _journey.Workspace, TimeProvider.System);

        var decided = await reviews.DecideAsync(_officer, id, ["P.1"], ReviewOutcome.Accepted, null, await ReadAsync(id));

        Assert.True(racing.Raced);
        Assert.Equal(OutcomeKind.Stale, decided.Kind);
        Assert.Equal(0, await DecisionsAsync(id));
    }

    [Fact]
    public async Task Who_may_not_decide_is_told_forbidden_or_not_found_by_whether_they_can_see_the_assessment()
    {
        var id = await UnderReviewAsync();
        var read = await ReadAsync(id);
        var ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
        var otherOfficer = await TestCallers.ForAsync(_database, TestCallers.OtherOfficer);

        var bySupplier = await Reviews.DecideAsync(_supplier, id, ["P.1"], ReviewOutcome.Accepted, null, read);
        var byCcio = await Reviews.DecideAsync(ccio, id, ["P.1"], ReviewOutcome.Accepted, null, read);
        var byOtherOrganisation = await Reviews.DecideAsync(otherOfficer, id, ["P.1"], ReviewOutcome.Accepted, null, read);
        var missing = await Reviews.DecideAsync(_officer, 9999, ["P.1"], ReviewOutcome.Accepted, null, read);

        Assert.Equal(OutcomeKind.Forbidden, bySupplier.Kind);
        Assert.Equal(OutcomeKind.Forbidden, byCcio.Kind);
        Assert.Equal(OutcomeKind.NotFound, byOtherOrganisation.Kind);
        Assert.Equal(OutcomeKind.NotFound, missing.Kind);
        Assert.Equal(missing.Message!.Replace("9999", $"{id}", StringComparison.Ordinal), byOtherOrganisation.Message);
        Assert.Equal(0, await DecisionsAsync(id));
    }

    [Fact]
    public async Task Deciding_before_the_review_starts_is_a_conflict_with_the_status()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier);

        var early = await Reviews.DecideAsync(_officer, id, ["P.1"], ReviewOutcome.Accepted, null, await ReadAsync(id));

        Assert.Equal(OutcomeKind.Conflict, early.Kind);
        Assert.Contains("submitted", early.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ReviewOutcome.ClarificationRequested, null, "P.1", "note")]
    [InlineData(ReviewOutcome.Rejected, "No", "P.1", "note")]
    [InlineData(ReviewOutcome.Accepted, null, "", "requirements")]
    [InlineData(ReviewOutcome.Accepted, null, "Z.99", "requirements")]
    public async Task Bad_input_is_invalid_with_the_field_at_fault(ReviewOutcome outcome, string? note, string code, string field)
    {
        var id = await UnderReviewAsync();

        var refused = await Reviews.DecideAsync(_officer, id, code.Length == 0 ? [] : [code], outcome, note, await ReadAsync(id));

        Assert.Equal(OutcomeKind.Invalid, refused.Kind);
        Assert.Equal(field, refused.Field);
        Assert.Equal(0, await DecisionsAsync(id));
    }

    [Fact]
    public async Task Starting_the_review_moves_the_status_once_with_its_audit_event_and_refuses_each_kind()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier);
        var read = ReadVersion.Of((await Reviews.GetAsync(_officer, id))!.Stamp);

        var bySupplier = await Reviews.StartAsync(_supplier, id, read);
        var byOtherOrganisation = await Reviews.StartAsync(await TestCallers.ForAsync(_database, TestCallers.OtherOfficer), id, read);
        var stale = await Reviews.StartAsync(_officer, id, ReadVersion.Of(Guid.NewGuid()));
        var started = await Reviews.StartAsync(_officer, id, read);
        var again = await Reviews.StartAsync(_officer, id, ReadVersion.Of((await Reviews.GetAsync(_officer, id))!.Stamp));

        Assert.Equal(OutcomeKind.Forbidden, bySupplier.Kind);
        Assert.Equal(OutcomeKind.NotFound, byOtherOrganisation.Kind);
        Assert.Equal(OutcomeKind.Stale, stale.Kind);
        Assert.Equal(OutcomeKind.Done, started.Kind);
        Assert.Equal($"OAP-{id:D5} is now under review.", started.Message);
        Assert.Equal(OutcomeKind.Conflict, again.Kind);
        await using var db = _database.CreateDbContext();
        Assert.Equal(AssessmentStatus.UnderReview, (await db.Assessments.SingleAsync(a => a.Id == id)).Status);
        var audit = await db.AuditEvents.SingleAsync(e => e.AssessmentId == id && e.Action == "AssessmentStartReview");
        Assert.Equal("Submitted", audit.Before);
        Assert.Equal("Under review", audit.After);
    }

    [Fact]
    public async Task Sending_on_before_the_review_allows_it_is_a_conflict_and_sending_notifies()
    {
        var id = await UnderReviewAsync();

        var noQuestions = await Reviews.SendClarificationsAsync(_officer, id, await ReadAsync(id));
        var undecided = await Reviews.SendForSignOffAsync(_officer, id, await ReadAsync(id));
        var bySupplier = await Reviews.SendForSignOffAsync(_supplier, id);
        await Reviews.DecideAsync(_officer, id, ["C.3"], ReviewOutcome.ClarificationRequested, "Where is the error catalogue?", await ReadAsync(id));
        var sent = await Reviews.SendClarificationsAsync(_officer, id, await ReadAsync(id));

        Assert.Equal(OutcomeKind.Conflict, noQuestions.Kind);
        Assert.Equal(OutcomeKind.Conflict, undecided.Kind);
        Assert.Equal(OutcomeKind.Forbidden, bySupplier.Kind);
        Assert.Equal(OutcomeKind.Done, sent.Kind);
        await using var db = _database.CreateDbContext();
        Assert.Equal(AssessmentStatus.ClarificationRequested, (await db.Assessments.SingleAsync(a => a.Id == id)).Status);
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == _supplier.UserId && n.AssessmentId == id && n.Link == $"/assessments/{id}/evidence"));
    }

    [Fact]
    public async Task A_comment_is_refused_by_kind_and_the_supplier_may_not_see_the_review()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier);
        var otherSupplier = await TestCallers.ForAsync(_database, TestCallers.OtherSupplier);

        var empty = await Reviews.CommentAsync(_officer, id, "P.1", "   ", isInternal: false);
        var hidden = await Reviews.CommentAsync(otherSupplier, id, "P.1", "Hello", isInternal: false);
        var noSuchRequirement = await Reviews.CommentAsync(_officer, id, "Z.99", "Hello", isInternal: false);
        var internalBySupplier = await Reviews.CommentAsync(_supplier, id, "P.1", "Hello", isInternal: true);
        var posted = await Reviews.CommentAsync(_supplier, id, "P.1", "Hello", isInternal: false);

        Assert.Equal((OutcomeKind.Invalid, "text"), (empty.Kind, empty.Field));
        Assert.Equal(OutcomeKind.NotFound, hidden.Kind);
        Assert.Equal(OutcomeKind.NotFound, noSuchRequirement.Kind);
        Assert.Equal(hidden.Message, noSuchRequirement.Message);
        Assert.Equal(OutcomeKind.Forbidden, internalBySupplier.Kind);
        Assert.Equal((OutcomeKind.Done, "Comment added."), (posted.Kind, posted.Message));
        Assert.Equal(OutcomeKind.Forbidden, (await Reviews.FindAsync(_supplier, id)).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await Reviews.FindAsync(otherSupplier, id)).Kind);
        Assert.Null(await Reviews.GetAsync(_supplier, id));
    }

    [Fact]
    public async Task A_ccio_of_the_organisation_may_read_the_review_but_not_decide()
    {
        var id = await UnderReviewAsync();
        var ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);

        var view = await Reviews.FindAsync(ccio, id);

        Assert.Equal(OutcomeKind.Done, view.Kind);
        Assert.False(view.Value!.CanDecide);
        Assert.Contains(PortalRoles.CcioReviewer, ccio.Roles);
    }
}
