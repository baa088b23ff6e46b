using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class DashboardBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_officer_opens_the_dashboard_from_the_navigation_and_follows_expiring_evidence_to_the_assessment()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "dashboard-browser-evidence"));
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var id = await journey.SubmittedAsync(officer, supplier, beforeSubmit: id => journey.Workspace.AddLinkAsync(supplier, id, "P.3",
            new EvidenceInput(EvidenceItemKind.TestEnvironment, "Penetration test report", "https://security.acme.example/pentest", today.AddDays(-30), today.AddDays(5))));
        await journey.Reviews.StartAsync(officer, id);
        await journey.Reviews.DecideAsync(officer, id, await journey.CodesAsync(id), ReviewOutcome.Accepted, null);
        var page = await browser.SignedInPageAsync("Olivia Hart");

        await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard: Demo Valley NHS Foundation Trust", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Assessments by RAG status" })).ToContainTextAsync("Green");
        await Assertions.Expect(page.GetByRole(AriaRole.Table).Filter(new() { HasTextString = "All assessments" })).ToContainTextAsync("Under review");
        await Assertions.Expect(page.GetByText("Penetration test report (P.3, Acme Clinical Systems Ltd)")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.Locator($"a[href='/assessments/{id}/evidence']").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync($"{browser.App.BaseAddress}/assessments/{id}/evidence");
    }

    [Fact]
    public async Task A_ccio_opens_the_dashboard_from_their_home_page()
    {
        var page = await browser.SignedInPageAsync("Dr Chris Morgan");

        await page.GetByRole(AriaRole.Link, new() { Name = "Organisation dashboard" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard: Demo Valley NHS Foundation Trust", Level = 1 })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
    }
}
