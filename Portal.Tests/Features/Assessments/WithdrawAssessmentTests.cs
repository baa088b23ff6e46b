using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Assessments;
using Portal.Features.Assessments;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Assessments;

/// <summary>The assessment page's withdrawal: made on the version the officer is looking at, never on one changed since.</summary>
public sealed class WithdrawAssessmentTests : ComponentTestBase
{
    private const string Reason = "The trust cancelled the procurement.";

    private static void Withdraw(IRenderedComponent<AssessmentPage> page)
    {
        page.Find("button:contains('Withdraw…')").Click();
        page.Find("textarea").Change(Reason);
        page.Find("button:contains('Withdraw the assessment')").Click();
    }

    [Fact]
    public async Task An_assessment_changed_after_the_officer_opened_it_is_not_withdrawn_and_the_reason_stays_typed()
    {
        var officer = await SignInAsync(TestCallers.Officer);
        var id = await TestAssessments.InvitedAsync(Database, officer);
        var page = RenderWithProviders<AssessmentPage>(p => p.Add(c => c.Id, id));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("button:contains('Withdraw…')")));
        // Another officer invites a second account manager meanwhile, which changes the assessment.
        Assert.True((await Services.GetRequiredService<InvitationService>().InviteAsync(officer, id, "second@acme-clinical.example")).Succeeded);

        Withdraw(page);

        page.WaitForAssertion(() => Assert.Contains("changed since you opened it", page.Find("[role=alert]").TextContent, StringComparison.Ordinal));
        Assert.Equal(Reason, page.Find("textarea").GetAttribute("value") ?? page.Find("textarea").TextContent);
        await using var db = Database.CreateDbContext();
        Assert.Equal(AssessmentStatus.AwaitingSupplier, await db.Assessments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync());
    }

    [Fact]
    public async Task The_version_the_officer_is_looking_at_is_withdrawn()
    {
        var officer = await SignInAsync(TestCallers.Officer);
        var id = await TestAssessments.InvitedAsync(Database, officer);
        var page = RenderWithProviders<AssessmentPage>(p => p.Add(c => c.Id, id));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("button:contains('Withdraw…')")));

        Withdraw(page);

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("button:contains('Withdraw…')")));
        await using var db = Database.CreateDbContext();
        Assert.Equal(AssessmentStatus.Withdrawn, await db.Assessments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync());
    }
}
