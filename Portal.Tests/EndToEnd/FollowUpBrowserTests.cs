using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class FollowUpBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_supplier_marks_its_condition_done_and_the_officer_accepts_it_on_the_sign_off_page()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var id = await FollowUpJourney.SignedOffWithConditionsAsync(contexts,
            new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "follow-up-browser")));

        var supplier = await browser.SignedInPageAsync("Sam Okafor");
        await supplier.SetViewportSizeAsync(320, 800);
        await supplier.GotoAsync($"/assessments/{id}");
        await BrowserFixture.WaitForInteractiveAsync(supplier);
        var condition = Item(supplier);
        await Assertions.Expect(condition).ToContainTextAsync("Open");
        await condition.GetByRole(AriaRole.Button, new() { Name = "Mark done…" }).ClickAsync();
        await condition.GetByLabel("What was done").FillAsync("Published at the developer portal, version 1.");
        await condition.GetByLabel("Link or document reference (optional)").FillAsync("https://developer.acme-clinical.example/errors");
        await condition.GetByRole(AriaRole.Button, new() { Name = "Mark done", Exact = true }).ClickAsync();

        var message = supplier.Locator(".follow-up-message");
        await Assertions.Expect(message).ToContainTextAsync("is marked done. The procurement officer will accept it or send it back.");
        await Assertions.Expect(message).ToBeFocusedAsync();
        await Assertions.Expect(condition.Locator(".follow-up-state")).ToHaveTextAsync("Marked done: waiting for the procurement officer");
        Assert.True(await supplier.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page scrolls sideways at 320 px.");
        await BrowserFixture.ScreenshotAsync(supplier, "follow-ups-supplier-320.png", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(supplier);

        var officer = await browser.SignedInPageAsync("Olivia Hart");
        await officer.GotoAsync($"/assessments/{id}/sign-off");
        await BrowserFixture.WaitForInteractiveAsync(officer);
        var toDecide = Item(officer);
        await Assertions.Expect(toDecide).ToContainTextAsync("Published at the developer portal, version 1.");
        await toDecide.GetByRole(AriaRole.Button, new() { Name = "Accept", Exact = true }).ClickAsync();

        await Assertions.Expect(officer.Locator(".follow-up-message")).ToContainTextAsync("is accepted.");
        await Assertions.Expect(toDecide.Locator(".follow-up-state")).ToHaveTextAsync("Done: accepted by the procurement officer");
        await Assertions.Expect(toDecide.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(officer, "follow-ups-officer.png", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(officer);

        // The officer makes the supplier's plan due on the contract date, on the assessment page at 320 px.
        var contract = TimeProvider.System.PortalToday().AddDays(60);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await db.Assessments.Where(a => a.Id == id).ExecuteUpdateAsync(a => a.SetProperty(x => x.ContractDate, contract));
        }

        await officer.SetViewportSizeAsync(320, 800);
        await officer.GotoAsync($"/assessments/{id}");
        await BrowserFixture.WaitForInteractiveAsync(officer);
        var plan = officer.Locator("li.follow-up").Filter(new() { HasTextString = "Plan for " });
        await plan.GetByRole(AriaRole.Button, new() { Name = "Make it due on the contract date" }).ClickAsync();
        await Assertions.Expect(officer.Locator(".follow-up-message")).ToContainTextAsync("is now due on the contract date.");
        await Assertions.Expect(officer.Locator(".follow-up-message")).ToBeFocusedAsync();
        await Assertions.Expect(plan).ToContainTextAsync("(linked to the contract date; the plan's own date is");
        await Assertions.Expect(plan.GetByRole(AriaRole.Button, new() { Name = "Make it due on its own date" })).ToBeVisibleAsync();
        Assert.True(await officer.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page scrolls sideways at 320 px.");
        await BrowserFixture.ScreenshotAsync(officer, "follow-ups-officer-linked-320.png", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(officer);
    }

    private static ILocator Item(IPage page) =>
        page.Locator("li.follow-up").Filter(new() { HasTextString = FollowUpJourney.SupplierCondition });
}
