using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Data.Users;
using Portal.Features.Evidence;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;

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

        var unattested = await _journey.SignOffs.DecideAsync(_ccio, id, Approve(attested: false));
        var approved = await _journey.SignOffs.DecideAsync(_ccio, id, Approve());

        Assert.False(unattested.Succeeded);
        Assert.True(approved.Succeeded, approved.Message);
        await using var db = _database.CreateDbContext();
        var signOff = await db.SignOffs.SingleAsync(s => s.AssessmentId == id);
        Assert.Equal("Dr Chris Morgan", signOff.SignedByName);
        Assert.Equal("CCIO sign-off reviewer", signOff.SignedByRole);
        Assert.Equal(AssessmentSnapshot.Seal(signOff.Snapshot), signOff.Seal);
        Assert.Equal(signOff.Seal, AssessmentSnapshot.Seal(await AssessmentSnapshot.BuildAsync(db, id, CancellationToken.None)));
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
            [new(text, owner, DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture))]));

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approval_with_conditions_keeps_each_condition_with_owner_and_due_date()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var result = await _journey.SignOffs.DecideAsync(_ccio, id, new(SignOffService.Choice.ApproveWithConditions, true, "HL-1", null, null,
            [new("Publish the error catalogue", "Acme integration lead", DateOnly.FromDateTime(DateTime.UtcNow).AddDays(60))]));

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
        var attempt = await _journey.SignOffs.DecideAsync(both, id, Approve());
        var byAnother = await _journey.SignOffs.DecideAsync(_ccio, id, Approve());

        Assert.False(summary!.CanSignOff);
        Assert.Contains("segregation of duties", summary.WhyNot, StringComparison.Ordinal);
        Assert.False(attempt.Succeeded);
        Assert.True(byAnother.Succeeded, byAnother.Message);
    }

    [Fact]
    public async Task A_supplier_edit_after_sign_off_voids_it_and_says_what_changed()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);
        await _journey.SignOffs.DecideAsync(_ccio, id, Approve());
        var c4 = (await _journey.Workspace.GetAsync(_supplier, id))!.Requirements.Single(r => r.Code == "C.4");

        var edit = await _journey.Workspace.SaveResponseAsync(_supplier, id, "C.4", new(ComplianceClaim.PartiallyMeets, "The sandbox is down for maintenance.", null, null, null), c4.Response!.ConcurrencyStamp);

        Assert.Equal(SaveStatus.Saved, edit.Status);
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

        var noReason = await _journey.SignOffs.DecideAsync(_ccio, id, new(SignOffService.Choice.ReturnToReviewer, true, null, null, null, []));
        var returned = await _journey.SignOffs.DecideAsync(_ccio, id, new(SignOffService.Choice.ReturnToReviewer, true, null, null, "Check the hazard log covers the ADT feed.", []));

        Assert.False(noReason.Succeeded);
        Assert.True(returned.Succeeded, returned.Message);
        Assert.True((await _journey.Reviews.GetAsync(_officer, id))!.CanDecide);
    }

    [Fact]
    public async Task Nobody_outside_the_organisation_sees_the_sign_off_page_data()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        Assert.Null(await _journey.SignOffs.GetAsync(_supplier, id));
        Assert.Null(await _journey.SignOffs.GetAsync(await TestCallers.ForAsync(_database, TestCallers.OtherOfficer), id));
    }
}
