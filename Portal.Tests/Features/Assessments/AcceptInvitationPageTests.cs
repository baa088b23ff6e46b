using Bunit;
using Portal.Features.Assessments;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Assessments;

/// <summary>The invitation link's page: who invited you, for what and by when; a used link is never offered again.</summary>
public sealed class AcceptInvitationPageTests : ComponentTestBase
{
    private async Task<string> InviteSamAsync()
    {
        var officer = await TestCallers.ForAsync(Database, TestCallers.Officer);
        var id = await TestAssessments.ConfirmedAsync(Database, officer);
        var link = (await Services.GetRequiredService<InvitationService>().InviteAsync(officer, id, "sam.okafor@acme-clinical.example")).Value!.Link;
        return link["/invitations/".Length..];
    }

    [Fact]
    public async Task A_new_link_names_the_inviting_organisation_and_officer_the_system_and_the_due_date()
    {
        var token = await InviteSamAsync();
        await SignInAsync(TestCallers.Supplier);

        var cut = RenderWithProviders<AcceptInvitationPage>(p => p.Add(c => c.Token, token));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=invited-by]")));
        Assert.Contains("Olivia", cut.Find("[data-testid=invited-by]").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(cut.Find("[data-testid=system]").TextContent.Trim());
        Assert.NotEmpty(cut.Find("[data-testid=due]").TextContent.Trim());
        Assert.Contains(cut.FindAll("button"), b => b.TextContent.Contains("Accept the invitation", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_used_link_says_who_used_it_and_when_links_to_the_assessment_and_offers_no_accept()
    {
        var token = await InviteSamAsync();
        var sam = await SignInAsync(TestCallers.Supplier);
        Assert.True((await Services.GetRequiredService<InvitationService>().AcceptAsync(sam, token, null)).Succeeded);

        var cut = RenderWithProviders<AcceptInvitationPage>(p => p.Add(c => c.Token, token));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=used]")));
        Assert.Contains($"already been used, by {sam.DisplayName} on ", cut.Find("[data-testid=used]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Contains("Accept", StringComparison.Ordinal));
        Assert.Contains(cut.FindAll("a"), a => a.GetAttribute("href")!.EndsWith("/evidence", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_used_link_seen_by_someone_who_may_not_see_the_assessment_gives_no_link_to_it()
    {
        var token = await InviteSamAsync();
        var sam = await TestCallers.ForAsync(Database, TestCallers.Supplier);
        Assert.True((await Services.GetRequiredService<InvitationService>().AcceptAsync(sam, token, null)).Succeeded);
        await SignInAsync(TestCallers.OtherSupplier);

        var cut = RenderWithProviders<AcceptInvitationPage>(p => p.Add(c => c.Token, token));

        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=used]")));
        Assert.DoesNotContain(cut.FindAll("a"), a => (a.GetAttribute("href") ?? "").Contains("/assessments/", StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("button"));
    }
}
