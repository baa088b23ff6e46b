using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Organisations;
using Portal.Features.Administration;
using Portal.Features.Dashboards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>An ICB's person reads its members' figures; an administrator puts a trust under an ICB.</summary>
[Collection(BrowserCollection.Name)]
public sealed class IcbRollUpBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_icb_officer_reads_each_members_figures_by_keyboard_at_320_pixels_with_no_way_into_their_assessments()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var id = await TestAssessments.InvitedAsync(contexts, officer);
        await browser.App.Services.GetRequiredService<ScoreRefreshWorker>().RunOnceAsync();
        var page = await browser.SignedInPageAsync("Priya Shah");

        await page.GotoAsync("/dashboard");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new("^Member organisations \\(\\d+\\)$"), Level = 2 })).ToBeVisibleAsync();
        var members = page.GetByRole(AriaRole.Region, new() { Name = "Each member organisation's figures, scrolls sideways" });
        var trust = members.GetByRole(AriaRole.Row).Filter(new() { HasText = "Demo Valley NHS Foundation Trust (XDV)" });
        await Assertions.Expect(trust).ToContainTextAsync("Awaiting supplier");
        await Assertions.Expect(page.GetByRole(AriaRole.Region, new() { Name = "Member organisations' assessments by status and RAG status, scrolls sideways" })
            .GetByRole(AriaRole.Table)).ToContainTextAsync("All assessments");
        await Assertions.Expect(page.Locator($"a[href*='/assessments/{id}']")).ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "icb-dashboard-1280.png", fullPage: true);

        await page.SetViewportSizeAsync(320, 640);
        // Reached with the Tab key like any control, and scrollable sideways once focused.
        await page.GetByRole(AriaRole.Region, new() { Name = "Member organisations' assessments by status and RAG status, scrolls sideways" }).FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        Assert.True(await members.EvaluateAsync<bool>("el => el === document.activeElement"), "Tab did not reach the members' table region.");
        Assert.True(await members.EvaluateAsync<bool>("el => el.scrollWidth > el.clientWidth"), "At 320 px the members' table fits; this test no longer checks the scrolling case.");
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await members.ScrollIntoViewIfNeededAsync();
        await BrowserFixture.ScreenshotAsync(page, "icb-dashboard-320.png");
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task An_administrator_puts_a_trust_under_an_icb_after_being_told_why_a_trust_cannot_be_its_parent()
    {
        var code = $"B{Random.Shared.Next(10_000, 99_999)}";
        var name = $"Browser Test Trust {code}";
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var administrator = await TestCallers.ForAsync(contexts, TestCallers.Administrator);
        Assert.True((await new AdministrationService(contexts, TimeProvider.System).AddOrganisationAsync(administrator, code, name, NhsOrganisationKind.Trust)).Succeeded);
        var page = await browser.SignedInPageAsync("Ada Price");
        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Tab).Filter(new() { HasTextRegex = new("^NHS organisations") }).ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = $"Change ICB of {name}" }).ClickAsync();
        var field = page.GetByLabel("ICB's ODS code");
        await field.FillAsync("XDV");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save ICB" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Demo Valley NHS Foundation Trust (XDV) is not an integrated care board: a parent must be an ICB.")).ToBeVisibleAsync();
        await Assertions.Expect(field).ToHaveValueAsync("XDV");
        await BrowserFixture.AssertAccessibleAsync(page);

        await field.FillAsync("XDS");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save ICB" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = $"{name} is now under NHS Demo Shire Integrated Care Board (XDS)." })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToContainTextAsync("NHS Demo Shire Integrated Care Board (XDS)");
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.SetViewportSizeAsync(320, 640);
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "admin-organisation-icb-320.png", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(page);
    }
}
