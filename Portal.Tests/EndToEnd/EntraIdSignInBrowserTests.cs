using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Users;
using Portal.Features;
using Portal.Features.Administration;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// The production sign-in, end to end: the authorization code flow through Microsoft.Identity.Web against a real
/// OpenID Connect provider that issues Entra ID-shaped tokens (oid, tid, roles, preferred_username, name), the
/// person's portal record made from those claims, the app role deciding what they see, and sign-out at the provider.
/// </summary>
[Collection(EntraIdSignInCollection.Name)]
public sealed class EntraIdSignInBrowserTests(EntraIdSignInFixture provider)
{
    private IDbContextFactory<PortalDbContext> Database => provider.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

    [Fact]
    public async Task An_officer_signs_in_waits_to_be_linked_and_once_linked_sees_their_organisations_assessments()
    {
        var olivia = await TestCallers.ForAsync(Database, TestCallers.Officer);
        var assessment = await TestAssessments.ConfirmedAsync(Database, olivia);
        var page = await provider.NewPageAsync();

        await provider.SignInAsync(page, EntraIdSignInFixture.Officer);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Priya Shah", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#main-content").GetByText("Procurement officer", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Your account is not yet linked to an NHS organisation or supplier")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        var officer = await RecordOfAsync(EntraIdSignInFixture.OfficerObjectId);
        Assert.Equal((provider.TenantId, PortalRoles.ProcurementOfficer, "priya.shah@valley-trust.example", "Priya Shah"),
            (officer.TenantId, officer.Role, officer.Email, officer.DisplayName));

        await LinkAsync(officer, nhsOrganisation: olivia.NhsOrganisationId);
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);

        await Assertions.Expect(page.GetByText("Procurement officer for Demo Valley NHS Foundation Trust")).ToBeVisibleAsync();
        await page.GotoAsync("/assessments");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"OAP-{assessment:D5}", Exact = false }).First).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "entra-officer-assessments.png", fullPage: true);
    }

    [Fact]
    public async Task A_supplier_guest_signs_in_accepts_their_invitation_and_sees_only_their_own_companys_assessments()
    {
        var olivia = await TestCallers.ForAsync(Database, TestCallers.Officer);
        var theirs = await TestAssessments.InvitedAsync(Database, olivia, email: EntraIdSignInFixture.SupplierGuest);
        var another = await TestAssessments.InvitedAsync(Database, olivia, email: "bea.lindqvist@brightwater-health.example", supplierName: "Brightwater Health Software Ltd");
        var page = await provider.NewPageAsync();

        await provider.SignInAsync(page, EntraIdSignInFixture.SupplierGuest);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Jordan Lee", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Invitations waiting for you", Level = 2 })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "entra-guest-invitation.png", fullPage: true);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Accept the invitation to answer OAP-{theirs:D5}" }).ClickAsync();
        await page.WaitForURLAsync($"{provider.App.BaseAddress}/assessments/{theirs}/evidence");

        await page.GotoAsync("/assessments");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"OAP-{theirs:D5}", Exact = false }).First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText($"OAP-{another:D5}")).ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.GotoAsync($"/assessments/{another}");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Assessment not found", Level = 1 })).ToBeVisibleAsync();
        var guest = await RecordOfAsync(EntraIdSignInFixture.SupplierGuestObjectId);
        Assert.Equal((provider.TenantId, PortalRoles.SupplierAccountManager, "Acme Clinical Systems Ltd"), (guest.TenantId, guest.Role, guest.Supplier?.Name));
    }

    [Fact]
    public async Task A_person_with_no_app_role_signs_in_and_is_told_to_ask_for_one_while_their_record_waits_unlinked()
    {
        var page = await provider.NewPageAsync();

        await provider.SignInAsync(page, EntraIdSignInFixture.NoRole);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome, Casey Brown", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Your account has no portal role yet.")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "entra-no-role.png", fullPage: true);
        var person = await RecordOfAsync(EntraIdSignInFixture.NoRoleObjectId);
        Assert.Equal((provider.TenantId, (string?)null, (int?)null, (int?)null, true),
            (person.TenantId, person.Role, person.NhsOrganisationId, person.SupplierId, person.IsActive));
        await using var db = await Database.CreateDbContextAsync();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == "UserFirstSignedIn" && e.EntityId == $"{provider.TenantId}/{EntraIdSignInFixture.NoRoleObjectId}"));
    }

    [Fact]
    public async Task Signing_out_ends_the_session_at_the_provider_and_the_portal_then_shows_signed_out()
    {
        var page = await provider.NewPageAsync();
        await provider.SignInAsync(page, EntraIdSignInFixture.NoRole);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await provider.AtProviderAsync(page, "Sign out of the test identity provider");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();

        await page.WaitForURLAsync($"{provider.App.BaseAddress}/sign-in?signedOut=true");
        await Assertions.Expect(page.GetByText("You have signed out.")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "entra-signed-out.png", fullPage: true);
        // Neither the portal's cookie nor the provider's session signs the person straight back in.
        await page.GotoAsync("/");
        await provider.AtProviderAsync(page, "Sign in to the test identity provider");
    }

    private async Task<PortalUser> RecordOfAsync(string objectId)
    {
        await using var db = await Database.CreateDbContextAsync();
        return await db.Users.AsNoTracking().Include(u => u.Supplier).SingleAsync(u => u.ObjectId == objectId);
    }

    private async Task LinkAsync(PortalUser person, int? nhsOrganisation)
    {
        var administrator = await TestCallers.ForAsync(Database, TestCallers.Administrator);
        var linked = await new AdministrationService(Database, TimeProvider.System)
            .LinkPersonAsync(administrator, person.Id, nhsOrganisation, null, ReadVersion.Of(person.ConcurrencyStamp));
        Assert.True(linked.Succeeded, linked.Message);
    }
}
