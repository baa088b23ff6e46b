using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Policy;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class ComparisonBrowserTests(BrowserFixture browser)
{
    private static readonly Regex MatrixName = new("^Result of each of \\d+ requirements for each supplier$");

    [Fact]
    public async Task An_officer_follows_the_link_to_compare_two_bids_and_the_matrix_is_accessible_at_320_pixels_wide()
    {
        // Browser tests share one portal, so this procurement has a reference of its own (with characters a URL must escape).
        var reference = $"Compare & check {Guid.NewGuid():N}";
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var acme = await TestAssessments.InvitedAsync(contexts, officer, procurementReference: reference);
        await TestAssessments.InvitedAsync(contexts, officer, "bea.lindqvist@brightwater-health.example", "Brightwater Health Software Ltd", ScopeConditions.None, reference);
        var page = await browser.SignedInPageAsync("Olivia Hart");

        await page.GotoAsync($"/assessments/{acme}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = $"Compare the 2 bids for {reference}" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Compare bids: {reference}", Level = 1 })).ToBeVisibleAsync();
        var matrix = page.GetByRole(AriaRole.Table, new() { NameRegex = MatrixName });
        await Assertions.Expect(matrix.GetByRole(AriaRole.Columnheader, new() { NameRegex = new Regex("^Brightwater Health Software Ltd") })).ToBeVisibleAsync();
        await Assertions.Expect(matrix.GetByRole(AriaRole.Cell, new() { Name = "Not in scope" }).First).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.SetViewportSizeAsync(320, 640);
        var region = page.GetByRole(AriaRole.Region, new() { NameRegex = MatrixName });
        await region.FocusAsync();
        await Assertions.Expect(region).ToBeFocusedAsync();
        Assert.True(await region.EvaluateAsync<bool>("el => el.scrollWidth > el.clientWidth"), "The matrix should scroll inside its region at 320 px.");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The page itself should not scroll sideways at 320 px.");
        await BrowserFixture.AssertAccessibleAsync(page);
    }
}
