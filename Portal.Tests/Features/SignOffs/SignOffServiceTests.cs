using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Data.Users;
using Portal.Features.Evidence;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;
using Portal.Features;

namespace Portal.Tests.Features.SignOffs;

public sealed class SignOffServiceTests : IAsyncLifetime
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

    private static SignOffService.Input Approve(bool attested = true) =>
        new(SignOffService.Choice.Approve, attested, "HL-2026-014", "Discharge messages could be delayed if the API is down.", null, []);

    [Fact]
    public async Task Approval_needs_the_attestation_and_records_who_when_and_a_seal_over_the_snapshot()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var unattested = await _journey.SignOffs.DecideAsync(_ccio, id, Approve(attested: false), TestVersions.Any);
        var approved = await _journey.SignOffs.DecideAsync(_ccio, id, Approve(), TestVersions.Any);

        Assert.False(unattested.Succeeded);
        Assert.True(approved.Succeeded, approved.Message);
        await using var db = _database.CreateDbContext();
        var signOff = await db.SignOffs.SingleAsync(s => s.AssessmentId == id);
        Assert.Equal("Dr Chris Morgan", signOff.SignedByName);
        Assert.Equal("CCIO sign-off reviewer", signOff.SignedByRole);
        Assert.Equal(AssessmentSnapshot.Seal(signOff.Snapshot), signOff.Seal);
        var assessmentAlone = await AssessmentSnapshot.BuildAsync(db, id, CancellationToken.None);
        Assert.StartsWith(assessmentAlone[..^1], signOff.Snapshot, StringComparison.Ordinal);
        Assert.Contains("\"catalogueVersion\":\"2014-05\"", signOff.Snapshot, StringComparison.Ordinal);
        Assert.Equal(AssessmentStatus.SignedOff, (await db.Assessments.SingleAsync(a => a.Id == id)).Status);
    }

    [Theory]
    [InlineData(null, "Integration team", "2027-01-31", "Every condition needs")]
    [InlineData("Publish the error catalogue", "Integration team", "2020-01-01", "cannot be in the past")]
    public async Task Conditions_need_what_who_and_a_future_due_date(string? text, string owner, string due, string message)
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var result = await _journey.SignOffs.DecideAsync(_ccio, id, new(SignOffService.Choice.ApproveWithConditions, true, null, null, null,
            [new(text, owner, DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture))]), TestVersions.Any);

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approval_with_conditions_keeps_each_condition_with_owner_and_due_date()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var result = await _journey.SignOffs.DecideAsync(_ccio, id, new(SignOffService.Choice.ApproveWithConditions, true, "HL-1", null, null,
            [new("Publish the error catalogue", "Acme integration lead", TimeProvider.System.PortalToday().AddDays(60))]), TestVersions.Any);

        Assert.True(result.Succeeded, result.Message);
        var latest = (await _journey.SignOffs.GetAsync(_officer, id))!.Latest!;
        Assert.Equal("Acme integration lead", Assert.Single(latest.Conditions).Owner);
    }

    [Fact]
    public async Task The_person_who_reviewed_an_assessment_cannot_sign_it_off()
    {
        var both = _officer with { Roles = new HashSet<string> { PortalRoles.ProcurementOfficer, PortalRoles.CcioReviewer } };
        var id = await _journey.AwaitingSignOffAsync(both, _supplier);

        var summary = await _journey.SignOffs.GetAsync(both, id);
        var attempt = await _journey.SignOffs.DecideAsync(both, id, Approve(), TestVersions.Any);
        var byAnother = await _journey.SignOffs.DecideAsync(_ccio, id, Approve(), TestVersions.Any);

        Assert.False(summary!.CanSignOff);
        Assert.Contains("segregation of duties", summary.WhyNot, StringComparison.Ordinal);
        Assert.False(attempt.Succeeded);
        Assert.True(byAnother.Succeeded, byAnother.Message);
    }

    [Fact]
    public async Task A_supplier_edit_after_sign_off_voids_it_and_says_what_changed()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);
        await _journey.SignOffs.DecideAsync(_ccio, id, Approve(), TestVersions.Any);
        var c4 = (await _journey.Workspace.GetAsync(_supplier, id))!.Requirements.Single(r => r.Code == "C.4");

        var edit = await _journey.Workspace.SaveResponseAsync(_supplier, id, "C.4", new(ComplianceClaim.PartiallyMeets, "The sandbox is down for maintenance.", null, null, null), ReadVersion.Of(c4.Response!.ConcurrencyStamp));

        Assert.Equal(OutcomeKind.Done, edit.Kind);
        var summary = (await _journey.SignOffs.GetAsync(_ccio, id))!;
        Assert.Equal(AssessmentStatus.UnderReview, summary.Status);
        Assert.True(summary.Latest!.IsVoid);
        Assert.Contains("Sam Okafor changed the answer to C.4", summary.Latest.VoidReason, StringComparison.Ordinal);
        Assert.False(summary.CanSignOff);
        await using var db = _database.CreateDbContext();
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == _ccio.UserId && n.Text.Contains("sign-off void")));
    }

    [Fact]
    public async Task Returning_to_the_reviewer_needs_a_reason_and_reopens_the_review()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var noReason = await _journey.SignOffs.DecideAsync(_ccio, id, new(SignOffService.Choice.ReturnToReviewer, true, null, null, null, []), TestVersions.Any);
        var returned = await _journey.SignOffs.DecideAsync(_ccio, id, new(SignOffService.Choice.ReturnToReviewer, true, null, null, "Check the hazard log covers the ADT feed.", []), TestVersions.Any);

        Assert.False(noReason.Succeeded);
        Assert.True(returned.Succeeded, returned.Message);
        Assert.True((await _journey.Reviews.GetAsync(_officer, id))!.CanDecide);
    }

    /// <summary>Awaiting sign-off with P.3, a "must" requirement, rejected at review: Red.</summary>
    private async Task<int> RedAwaitingSignOffAsync()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier);
        Assert.True((await _journey.Reviews.StartAsync(_officer, id)).Succeeded);
        Assert.True((await _journey.Reviews.DecideAsync(_officer, id, (await _journey.CodesAsync(id)).Where(c => c != "P.3").ToList(), ReviewOutcome.Accepted, null, TestVersions.Any)).Succeeded);
        Assert.True((await _journey.Reviews.DecideAsync(_officer, id, ["P.3"], ReviewOutcome.Rejected, "The API is not listed anywhere public.", TestVersions.Any)).Succeeded);
        Assert.True((await _journey.Reviews.SendForSignOffAsync(_officer, id)).Succeeded);
        return id;
    }

    [Fact]
    public async Task Nothing_is_decided_until_the_reviewer_chooses_a_decision()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var result = await _journey.SignOffs.DecideAsync(_ccio, id, new(null, true, "HL-1", null, null, []), TestVersions.Any);

        Assert.False(result.Succeeded);
        Assert.Equal("decision", result.Field);
        Assert.Equal(AssessmentStatus.AwaitingSignOff, (await _journey.SignOffs.GetAsync(_ccio, id))!.Status);
    }

    [Fact]
    public async Task The_sign_off_page_shows_the_scorecards_status_and_its_unmet_must_requirements()
    {
        var id = await RedAwaitingSignOffAsync();

        var summary = (await _journey.SignOffs.GetAsync(_ccio, id))!;
        var card = (await new Portal.Features.Scorecards.ScorecardService(_database, TimeProvider.System).GetAsync(_ccio, id))!.Card;

        Assert.Equal("Red", summary.Card.StatusName);
        Assert.True(summary.ApprovalNeedsAcknowledgement);
        Assert.Equal(card.UnmetMust.Select(r => r.Input.Code), summary.UnmetMust.Select(u => u.Code));
        Assert.Equal("P.3", Assert.Single(summary.UnmetMust).Code);
    }

    [Theory]
    [InlineData(false, "Supplier has committed to list the API in the NHS catalogue.", "redAcknowledgement")]
    [InlineData(true, null, "redApprovalReason")]
    [InlineData(true, "Fine by me.", "redApprovalReason")]
    public async Task Approving_a_red_assessment_needs_an_acknowledgement_and_a_reason(bool acknowledged, string? reason, string field)
    {
        var id = await RedAwaitingSignOffAsync();

        var approve = await _journey.SignOffs.DecideAsync(_ccio, id, Approve() with { RedAcknowledged = acknowledged, RedApprovalReason = reason }, TestVersions.Any);
        var withConditions = await _journey.SignOffs.DecideAsync(_ccio, id, new(SignOffService.Choice.ApproveWithConditions, true, null, null, null,
            [new("List the API", "Supplier", TimeProvider.System.PortalToday().AddDays(30))], acknowledged, reason), TestVersions.Any);

        Assert.Equal((false, field), (approve.Succeeded, approve.Field));
        Assert.Equal((false, field), (withConditions.Succeeded, withConditions.Field));
        await using var db = _database.CreateDbContext();
        Assert.False(await db.SignOffs.AnyAsync(s => s.AssessmentId == id));
    }

    [Fact]
    public async Task An_acknowledged_red_approval_keeps_its_reason_under_the_seal()
    {
        var id = await RedAwaitingSignOffAsync();
        const string reason = "The supplier has committed in the contract to list the API in the NHS catalogue within 90 days.";

        var result = await _journey.SignOffs.DecideAsync(_ccio, id, Approve() with { RedAcknowledged = true, RedApprovalReason = reason }, TestVersions.Any);

        Assert.True(result.Succeeded, result.Message);
        await using var db = _database.CreateDbContext();
        var signOff = await db.SignOffs.SingleAsync(s => s.AssessmentId == id);
        Assert.Equal(reason, signOff.RedApprovalReason);
        using var snapshot = System.Text.Json.JsonDocument.Parse(signOff.Snapshot);
        var statement = snapshot.RootElement.GetProperty("signOff");
        Assert.Equal((reason, "Red", "Approved"), (statement.GetProperty("redApprovalReason").GetString(), statement.GetProperty("status").GetString(), statement.GetProperty("decision").GetString()));
        Assert.Equal(["P.3"], statement.GetProperty("unmetMust").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(AssessmentSnapshot.Seal(signOff.Snapshot), signOff.Seal);
        Assert.NotEqual(signOff.Seal, AssessmentSnapshot.Seal(signOff.Snapshot.Replace(reason, "Approved without a reason.", StringComparison.Ordinal)));
        Assert.Equal(reason, (await _journey.SignOffs.GetAsync(_ccio, id))!.Latest!.RedApprovalReason);
        Assert.Equal(reason, (await new Portal.Features.Scorecards.ScorecardService(_database, TimeProvider.System).GetAsync(_officer, id))!.SignOff!.RedApprovalReason);
    }

    [Fact]
    public async Task Rejecting_a_red_assessment_needs_no_acknowledgement()
    {
        var id = await RedAwaitingSignOffAsync();

        var result = await _journey.SignOffs.DecideAsync(_ccio, id, new(SignOffService.Choice.Reject, true, null, null, "P.3 is a must and is not met.", []), TestVersions.Any);

        Assert.True(result.Succeeded, result.Message);
    }

    [Fact]
    public async Task Nobody_outside_the_organisation_sees_the_sign_off_page_data()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        Assert.Null(await _journey.SignOffs.GetAsync(_supplier, id));
        Assert.Null(await _journey.SignOffs.GetAsync(await TestCallers.ForAsync(_database, TestCallers.OtherOfficer), id));
    }
}
