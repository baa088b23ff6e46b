using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Users;
using Portal.Features.Assessments;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Assessments;

public sealed class InvitationServiceTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private InvitationService _invitations = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _invitations = new InvitationService(_database, TimeProvider.System, new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider(),
            new Portal.Features.Evidence.LocalFolderEvidenceStore(Path.Combine(Path.GetTempPath(), "portal-tests", "no-documents")));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Inviting_the_supplier_sends_the_assessment_to_them_and_stores_only_a_hash_of_the_link()
    {
        var id = await TestAssessments.ConfirmedAsync(_database, _officer);

        var invited = await _invitations.InviteAsync(_officer, id, " Sam.Okafor@Acme-Clinical.example ");

        Assert.True(invited.Succeeded, invited.Message);
        await using var db = _database.CreateDbContext();
        var assessment = await db.Assessments.Include(a => a.Invitations).SingleAsync(a => a.Id == id);
        Assert.Equal(AssessmentStatus.AwaitingSupplier, assessment.Status);
        var invitation = Assert.Single(assessment.Invitations);
        Assert.Equal("sam.okafor@acme-clinical.example", invitation.Email);
        Assert.DoesNotContain(invitation.TokenHash, invited.Value!.Link, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sam")]
    [InlineData("sam@localhost")]
    [InlineData("Sam <sam@acme.example>")]
    public async Task A_bad_e_mail_address_is_refused(string email)
    {
        var id = await TestAssessments.ConfirmedAsync(_database, _officer);

        var invited = await _invitations.InviteAsync(_officer, id, email);

        Assert.False(invited.Succeeded);
        Assert.Contains("e-mail address", invited.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unconfirmed_draft_cannot_be_sent_to_a_supplier()
    {
        var id = (await new AssessmentStartService(_database, TimeProvider.System).CreateDraftAsync(_officer)).Value!.Summary.Id;

        var invited = await _invitations.InviteAsync(_officer, id, "sam.okafor@acme-clinical.example");

        Assert.False(invited.Succeeded);
        Assert.Contains("Finish and confirm the guided start", invited.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_invited_account_manager_sees_the_invitation_and_accepts_it()
    {
        var id = await TestAssessments.InvitedAsync(_database, _officer);
        var sam = await TestCallers.ForAsync(_database, TestCallers.Supplier);

        var pending = Assert.Single(await _invitations.PendingForAsync(sam));
        var accepted = await _invitations.AcceptAsync(sam, null, pending.Id);

        Assert.True(accepted.Succeeded, accepted.Message);
        Assert.Equal(id, accepted.Value);
        Assert.Empty(await _invitations.PendingForAsync(sam));
        Assert.False((await _invitations.AcceptAsync(sam, null, pending.Id)).Succeeded);
    }

    [Fact]
    public async Task A_guest_who_accepts_by_link_is_linked_to_the_inviting_supplier()
    {
        var id = await TestAssessments.ConfirmedAsync(_database, _officer);
        var link = (await _invitations.InviteAsync(_officer, id, "new.person@acme-clinical.example")).Value!.Link;
        int guestId;
        await using (var db = _database.CreateDbContext())
        {
            var guest = new PortalUser { TenantId = "t", ObjectId = "guest", DisplayName = "New Person", Email = "new.person@acme-clinical.example", Role = PortalRoles.SupplierAccountManager };
            db.Users.Add(guest);
            await db.SaveChangesAsync();
            guestId = guest.Id;
        }

        var caller = new Caller(guestId, "New Person", "new.person@acme-clinical.example", new HashSet<string> { PortalRoles.SupplierAccountManager }, null, null, null, null, null);
        var accepted = await _invitations.AcceptAsync(caller, link["/invitations/".Length..], null);

        Assert.True(accepted.Succeeded, accepted.Message);
        await using var check = _database.CreateDbContext();
        var acme = await check.Suppliers.SingleAsync(s => s.Name == "Acme Clinical Systems Ltd");
        Assert.Equal(acme.Id, (await check.Users.SingleAsync(u => u.Id == guestId)).SupplierId);
    }

    [Fact]
    public async Task Someone_from_another_supplier_cannot_accept_the_invitation()
    {
        var id = await TestAssessments.ConfirmedAsync(_database, _officer);
        var link = (await _invitations.InviteAsync(_officer, id, "bea.lindqvist@brightwater-health.example")).Value!.Link;
        var bea = await TestCallers.ForAsync(_database, TestCallers.OtherSupplier);

        var accepted = await _invitations.AcceptAsync(bea, link["/invitations/".Length..], null);

        Assert.False(accepted.Succeeded);
        Assert.Contains("your account acts for another organisation", accepted.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_made_up_token_is_refused()
    {
        var sam = await TestCallers.ForAsync(_database, TestCallers.Supplier);

        var accepted = await _invitations.AcceptAsync(sam, "not-a-real-token", null);

        Assert.False(accepted.Succeeded);
    }

    [Fact]
    public async Task The_link_says_who_invited_whom_for_which_system_and_by_when()
    {
        var id = await TestAssessments.ConfirmedAsync(_database, _officer);
        var link = (await _invitations.InviteAsync(_officer, id, "sam.okafor@acme-clinical.example")).Value!.Link;
        var sam = await TestCallers.ForAsync(_database, TestCallers.Supplier);

        var details = await _invitations.DescribeAsync(sam, link["/invitations/".Length..]);

        Assert.NotNull(details);
        Assert.Equal(_officer.NhsOrganisationName, details.OrganisationName);
        Assert.Equal(_officer.DisplayName, details.InvitedBy);
        Assert.Equal(InvitationStatus.Pending, details.Status);
        await using var db = _database.CreateDbContext();
        var assessment = await db.Assessments.SingleAsync(a => a.Id == id);
        Assert.Equal(assessment.SystemName, details.SystemName);
        Assert.Equal(assessment.ResponseDueDate, details.ResponseDueDate);
    }

    [Fact]
    public async Task A_used_link_says_who_used_it_and_when_and_cannot_be_accepted_again()
    {
        var id = await TestAssessments.ConfirmedAsync(_database, _officer);
        var token = (await _invitations.InviteAsync(_officer, id, "sam.okafor@acme-clinical.example")).Value!.Link["/invitations/".Length..];
        var sam = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        Assert.True((await _invitations.AcceptAsync(sam, token, null)).Succeeded);

        var details = await _invitations.DescribeAsync(sam, token);
        var again = await _invitations.AcceptAsync(sam, token, null);

        Assert.NotNull(details);
        Assert.Equal(InvitationStatus.Accepted, details.Status);
        Assert.Equal(sam.DisplayName, details.AcceptedBy);
        Assert.True(details.CallerMaySeeAssessment);
        Assert.False(again.Succeeded);
        Assert.Equal(details.UsedMessage, again.Message);
        Assert.Contains($"already been used, by {sam.DisplayName} on ", again.Message, StringComparison.Ordinal);
        var other = await TestCallers.ForAsync(_database, TestCallers.OtherSupplier);
        Assert.False((await _invitations.DescribeAsync(other, token))!.CallerMaySeeAssessment);
    }
}
