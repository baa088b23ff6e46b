using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Assessments;
using Portal.Features.Assessments;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Assessments;

/// <summary>
/// The assessment page's withdrawal, an island on a page sent without a circuit: made on the version the officer is
/// looking at, never on one changed since; after either outcome the page is fetched again to show the assessment as it
/// now is (AssessmentPageBrowserTests sees that happen in a browser).
/// </summary>
public sealed class WithdrawAssessmentTests : ComponentTestBase
{
    private const string Reason = "The trust cancelled the procurement.";

    private async Task<IRenderedComponent<WithdrawAssessment>> OpenAsync(int id)
    {
        var officer = await SignInAsync(TestCallers.Officer);
        var overview = (await Services.GetRequiredService<AssessmentService>().GetAsync(officer, id))!;
        return RenderWithProviders<WithdrawAssessment>(p => p.Add(c => c.AssessmentId, id).Add(c => c.ReadStamp, overview.ConcurrencyStamp));
    }

    private static void Withdraw(IRenderedComponent<WithdrawAssessment> island)
    {
        island.Find("button:contains('Withdraw…')").Click();
        island.Find("textarea").Change(Reason);
        island.Find("button:contains('Withdraw the assessment')").Click();
    }

    private int Refreshes => Services.GetRequiredService<BunitNavigationManager>().History.Count;

    [Fact]
    public async Task An_assessment_changed_after_the_officer_opened_it_is_not_withdrawn_and_the_reason_stays_typed()
    {
        var officer = await SignInAsync(TestCallers.Officer);
        var id = await TestAssessments.InvitedAsync(Database, officer);
        var island = await OpenAsync(id);
        // Another officer invites a second account manager meanwhile, which changes the assessment.
        Assert.True((await Services.GetRequiredService<InvitationService>().InviteAsync(officer, id, "second@acme-clinical.example")).Succeeded);

        Withdraw(island);

        island.WaitForAssertion(() => Assert.Contains("changed since you opened it", island.Find("[role=alert]").TextContent, StringComparison.Ordinal));
        Assert.Equal(Reason, island.Find("textarea").GetAttribute("value") ?? island.Find("textarea").TextContent);
        Assert.Equal(1, Refreshes);
        await using var db = Database.CreateDbContext();
        Assert.Equal(AssessmentStatus.AwaitingSupplier, await db.Assessments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync());
    }

    [Fact]
    public async Task The_version_the_officer_is_looking_at_is_withdrawn_and_the_page_is_fetched_again()
    {
        var officer = await SignInAsync(TestCallers.Officer);
        var id = await TestAssessments.InvitedAsync(Database, officer);
        var island = await OpenAsync(id);

        Withdraw(island);

        island.WaitForAssertion(() => Assert.Equal(1, Refreshes));
        // Busy until the page comes back without the form: a second press would only be refused.
        island.WaitForAssertion(() => Assert.True(island.Find("button:contains('Withdraw the assessment')").HasAttribute("disabled")));
        await using var db = Database.CreateDbContext();
        Assert.Equal(AssessmentStatus.Withdrawn, await db.Assessments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync());
    }

    [Fact]
    public async Task On_a_live_page_the_page_listening_is_told_instead_of_fetching_again()
    {
        var officer = await SignInAsync(TestCallers.Officer);
        var id = await TestAssessments.InvitedAsync(Database, officer);
        var overview = (await Services.GetRequiredService<AssessmentService>().GetAsync(officer, id))!;
        var told = 0;
        var island = RenderWithProviders<WithdrawAssessment>(p => p.Add(c => c.AssessmentId, id).Add(c => c.ReadStamp, overview.ConcurrencyStamp)
            .Add(c => c.Changed, EventCallback.Factory.Create(this, () => told++)));

        Withdraw(island);

        island.WaitForAssertion(() => Assert.Equal(1, told));
        Assert.Equal(0, Refreshes);
    }

    [Fact]
    public async Task A_failure_inside_the_island_is_shown_in_it_and_try_again_keeps_the_reason_typed()
    {
        var officer = await SignInAsync(TestCallers.Officer);
        var id = await TestAssessments.InvitedAsync(Database, officer);
        var island = await OpenAsync(id);
        // A real failure, not a refusal: the database loses the table the command writes to. On a page sent without a
        // circuit an exception that leaves the island ends the circuit, and every other island on the page with it.
        await using (var db = Database.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE Assessments RENAME TO AssessmentsGone");
        }

        Withdraw(island);

        island.WaitForAssertion(() => Assert.Contains("Withdrawing the assessment stopped working", island.Find("[role=alert]").TextContent, StringComparison.Ordinal));
        Assert.Empty(island.FindAll("textarea"));
        Assert.Equal(0, Refreshes);

        await using (var db = Database.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE AssessmentsGone RENAME TO Assessments");
        }

        island.Find("button:contains('Try again')").Click();
        Assert.Equal(Reason, island.Find("textarea").GetAttribute("value") ?? island.Find("textarea").TextContent);
        island.Find("button:contains('Withdraw the assessment')").Click();
        island.WaitForAssertion(() => Assert.Equal(1, Refreshes));
        await using var after = Database.CreateDbContext();
        Assert.Equal(AssessmentStatus.Withdrawn, await after.Assessments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync());
    }
}
