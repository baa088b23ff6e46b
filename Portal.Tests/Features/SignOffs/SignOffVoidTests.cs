using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Features.Assessments;
using Portal.Features.Evidence;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;
using Portal.Features;

namespace Portal.Tests.Features.SignOffs;

/// <summary>
/// A supplier's change after sign-off voids it, withdraws the changed answer's review decision and sends the
/// assessment back to the procurement officer, who reviews the change before the CCIO sees it again.
/// </summary>
public sealed class SignOffVoidTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private Caller _supplier = default!;
    private Caller _ccio = default!;
    private TestJourney _journey = default!;
    private int _id;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
        _journey = new TestJourney(_database);
        _id = await _journey.AwaitingSignOffAsync(_officer, _supplier);
        var signed = await _journey.SignOffs.DecideAsync(_ccio, _id,
            new(SignOffService.Choice.Approve, true, "HL-2026-014", "Discharge messages could be delayed if the API is down.", null, []), TestVersions.Any);
        Assert.True(signed.Succeeded, signed.Message);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_changed_answer_loses_its_review_decision_and_the_assessment_returns_to_the_officer()
    {
        await ChangeAnswerAsync("C.4");

        var review = (await _journey.Reviews.GetAsync(_officer, _id))!;
        var signOff = (await _journey.SignOffs.GetAsync(_ccio, _id))!;
        Assert.Equal(AssessmentStatus.UnderReview, signOff.Status);
        Assert.Equal(review.Items.Count - 1, review.Decided);
        Assert.False(review.ReadyForSignOff);
        Assert.False(signOff.CanSignOff);
        await using var db = _database.CreateDbContext();
        Assert.False(await db.ReviewDecisions.AnyAsync(d => d.AssessmentId == _id && db.AssessmentRequirements.Any(r => r.Id == d.AssessmentRequirementId && r.Code == "C.4")));
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == _officer.UserId && n.Text.Contains("procurement officer reviews the change")));
    }

    [Fact]
    public async Task New_evidence_after_sign_off_also_sends_that_answer_back_for_review()
    {
        var added = await _journey.Workspace.AddLinkAsync(_supplier, _id, "C.4",
            new EvidenceInput(EvidenceItemKind.TestEnvironment, "New sandbox", "https://sandbox.acme.example", TimeProvider.System.PortalToday(), null));

        Assert.Equal(OutcomeKind.Done, added.Kind);
        var review = (await _journey.Reviews.GetAsync(_officer, _id))!;
        Assert.Equal(review.Items.Count - 1, review.Decided);
    }

    [Fact]
    public async Task Once_the_officer_has_reviewed_the_change_the_ccio_can_sign_off_again()
    {
        await ChangeAnswerAsync("C.4");

        var decided = await _journey.Reviews.DecideAsync(_officer, _id, ["C.4"], ReviewOutcome.Accepted, null, TestVersions.Any);
        var sent = await _journey.Reviews.SendForSignOffAsync(_officer, _id);

        Assert.True(decided.Succeeded, decided.Message);
        Assert.True(sent.Succeeded, sent.Message);
        Assert.True((await _journey.SignOffs.GetAsync(_ccio, _id))!.CanSignOff);
    }

    [Fact]
    public async Task The_list_and_the_assessment_page_say_the_sign_off_is_void_and_what_changed_until_it_is_signed_again()
    {
        var assessments = new AssessmentService(_database, TimeProvider.System);
        Assert.Null((await assessments.GetAsync(_officer, _id))!.Summary.SignOffVoidBecause);

        await ChangeAnswerAsync("C.4");

        var row = (await assessments.PageAsync(_officer, new AssessmentService.ListQuery())).Rows.Single(r => r.Id == _id);
        var supplierHome = (await assessments.GetHomeSummaryAsync(_supplier)).Latest.Single(r => r.Id == _id);
        Assert.Contains("Sam Okafor changed the answer to C.4", row.SignOffVoidBecause, StringComparison.Ordinal);
        Assert.Equal(row.SignOffVoidBecause, supplierHome.SignOffVoidBecause);
        Assert.Equal(row.SignOffVoidBecause, (await assessments.GetAsync(_officer, _id))!.Summary.SignOffVoidBecause);
    }

    private async Task ChangeAnswerAsync(string code)
    {
        var answer = (await _journey.Workspace.GetAsync(_supplier, _id))!.Requirements.Single(r => r.Code == code);
        var saved = await _journey.Workspace.SaveResponseAsync(_supplier, _id, code,
            new(ComplianceClaim.PartiallyMeets, "The sandbox is down for maintenance.", null, null, null), ReadVersion.Of(answer.Response!.ConcurrencyStamp));
        Assert.Equal(OutcomeKind.Done, saved.Kind);
    }
}
