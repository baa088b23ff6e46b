using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;
using Portal.Features;

namespace Portal.Tests.Features.Reviews;

public sealed class ReviewServiceTests : IAsyncLifetime
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

    private async Task<AssessmentStatus> StatusAsync(int id)
    {
        await using var db = _database.CreateDbContext();
        return (await db.Assessments.SingleAsync(a => a.Id == id)).Status;
    }

    [Fact]
    public async Task A_clarification_goes_back_to_the_supplier_who_may_change_only_that_answer_and_resubmit()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier);
        var reviews = _journey.Reviews;
        await reviews.StartAsync(_officer, id);

        var noQuestion = await reviews.DecideAsync(_officer, id, ["C.3"], ReviewOutcome.ClarificationRequested, null, TestVersions.Any);
        await reviews.DecideAsync(_officer, id, ["C.3"], ReviewOutcome.ClarificationRequested, "Where is the error-code catalogue published?", TestVersions.Any);
        var sent = await reviews.SendClarificationsAsync(_officer, id);
        var other = await _journey.Workspace.SaveResponseAsync(_supplier, id, "C.1", new(ComplianceClaim.DoesNotMeet, null, null, null, null), ReadVersion.None);
        var c3 = (await _journey.Workspace.GetAsync(_supplier, id))!.Requirements.Single(r => r.Code == "C.3");
        var answered = await _journey.Workspace.SaveResponseAsync(_supplier, id, "C.3",
            new(ComplianceClaim.Meets, "Published at https://developer.acme.example/errors", null, null, null), ReadVersion.Of(c3.Response!.ConcurrencyStamp));
        var resubmitted = await _journey.Workspace.SubmitAsync(_supplier, id);

        Assert.False(noQuestion.Succeeded);
        Assert.True(sent.Succeeded, sent.Message);
        Assert.Equal("Where is the error-code catalogue published?", c3.Clarification);
        Assert.True(c3.Editable);
        Assert.Equal(OutcomeKind.Conflict, other.Kind);
        Assert.Equal(OutcomeKind.Done, answered.Kind);
        Assert.True(resubmitted.Succeeded, resubmitted.Message);
        Assert.Equal(AssessmentStatus.Submitted, await StatusAsync(id));
        Assert.Null((await reviews.GetAsync(_officer, id))!.Items.Single(i => i.Code == "C.3").Outcome);
        Assert.Contains((await reviews.CommentsAsync(_supplier, id, "C.3")), c => c.Text.Contains("error-code catalogue", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sending_for_sign_off_needs_a_decision_on_every_requirement()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier);
        var reviews = _journey.Reviews;
        await reviews.StartAsync(_officer, id);
        var codes = await _journey.CodesAsync(id);
        await reviews.DecideAsync(_officer, id, codes.Skip(1).ToList(), ReviewOutcome.Accepted, null, TestVersions.Any);

        var early = await reviews.SendForSignOffAsync(_officer, id);
        await reviews.DecideAsync(_officer, id, [codes[0]], ReviewOutcome.Rejected, "The sandbox link does not work.", TestVersions.Any);
        var ready = await reviews.SendForSignOffAsync(_officer, id);

        Assert.False(early.Succeeded);
        Assert.Contains("1 still need one", early.Message, StringComparison.Ordinal);
        Assert.True(ready.Succeeded, ready.Message);
        Assert.Equal(AssessmentStatus.AwaitingSignOff, await StatusAsync(id));
        await using var db = _database.CreateDbContext();
        var ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == ccio.UserId && n.AssessmentId == id));
    }

    [Fact]
    public async Task Internal_notes_are_never_shown_to_the_supplier()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier);
        var reviews = _journey.Reviews;

        await reviews.CommentAsync(_officer, id, "P.4", "Is the documentation public?", isInternal: false);
        await reviews.CommentAsync(_officer, id, "P.4", "Their last contract hid the docs behind an NDA.", isInternal: true);
        await reviews.CommentAsync(_supplier, id, "P.4", "Yes, no login is needed.", isInternal: false);
        var supplierNote = await reviews.CommentAsync(_supplier, id, "P.4", "Trying an internal note", isInternal: true);

        var supplierSees = await reviews.CommentsAsync(_supplier, id, "P.4");
        var officerSees = await reviews.CommentsAsync(_officer, id, "P.4");
        Assert.False(supplierNote.Succeeded);
        Assert.Equal(2, supplierSees.Count);
        Assert.DoesNotContain(supplierSees, c => c.IsInternal);
        Assert.Equal(3, officerSees.Count);
        Assert.Empty(await reviews.CommentsAsync(await TestCallers.ForAsync(_database, TestCallers.OtherSupplier), id, "P.4"));
    }

    [Fact]
    public async Task Only_an_officer_of_the_organisation_decides()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier);
        var reviews = _journey.Reviews;
        await reviews.StartAsync(_officer, id);

        var bySupplier = await reviews.DecideAsync(_supplier, id, ["P.1"], ReviewOutcome.Accepted, null, TestVersions.Any);
        var byOtherOfficer = await reviews.DecideAsync(await TestCallers.ForAsync(_database, TestCallers.OtherOfficer), id, ["P.1"], ReviewOutcome.Accepted, null, TestVersions.Any);
        var byCcio = await reviews.DecideAsync(await TestCallers.ForAsync(_database, TestCallers.Ccio), id, ["P.1"], ReviewOutcome.Accepted, null, TestVersions.Any);

        Assert.False(bySupplier.Succeeded);
        Assert.False(byOtherOfficer.Succeeded);
        Assert.False(byCcio.Succeeded);
        Assert.Null(await reviews.GetAsync(_supplier, id));
    }
}
