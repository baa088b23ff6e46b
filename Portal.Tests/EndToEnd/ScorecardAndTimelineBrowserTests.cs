using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Reviews;
using Portal.Features.Scorecards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>The scorecard and the timeline read well on a phone, and long hashes do not fill a column.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ScorecardAndTimelineBrowserTests(BrowserFixture browser)
{
    private async Task<int> ReviewedAssessmentAsync(string folder)
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", folder));
        var id = await journey.SubmittedAsync(officer, supplier);
        await journey.Reviews.StartAsync(officer, id);
        await journey.Reviews.DecideAsync(officer, id, (await journey.CodesAsync(id)).Take(10).ToList(), ReviewOutcome.Accepted, null, TestVersions.Any);
        return id;
    }

    [Fact]
    public async Task At_320_pixels_wide_the_scorecard_does_not_scroll_sideways_and_its_tables_stack_with_whole_word_labels()
    {
        var id = await ReviewedAssessmentAsync("scorecard-320");
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.SetViewportSizeAsync(320, 640);

        await page.GotoAsync($"/assessments/{id}/scorecard");
        await BrowserFixture.WaitForInteractiveAsync(page);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Status: "), Level = 2 })).ToBeVisibleAsync();
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        var label = page.Locator(".section-bar__label").First;
        var track = page.Locator(".section-bar__track").First;
        Assert.True((await label.BoundingBoxAsync())!.Y + 1 < (await track.BoundingBoxAsync())!.Y, "A section's name sits above its bar on a phone.");
        var firstRow = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "P.1" }).Last;
        await Assertions.Expect(firstRow).ToHaveCSSAsync("display", "block");
        await NarrowScreen.AssertCellLabelsUnbrokenAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task At_320_pixels_wide_the_assessment_list_labels_each_stacked_value_with_whole_words()
    {
        await ReviewedAssessmentAsync("assessments-320");
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.SetViewportSizeAsync(320, 640);

        await page.GotoAsync("/assessments");
        await BrowserFixture.WaitForInteractiveAsync(page);

        await Assertions.Expect(page.Locator("td[data-label='System']").First).ToBeVisibleAsync();
        await NarrowScreen.AssertCellLabelsUnbrokenAsync(page);
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
    }

    [Fact]
    public async Task The_timeline_shortens_a_sha_256_hash_and_opens_it_whole_in_even_rows()
    {
        var id = await ReviewedAssessmentAsync("timeline-hash");
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        using (var scope = browser.App.Services.CreateScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<IssuedScorecardService>().IssueAsync(await TestCallers.ForAsync(contexts, TestCallers.Officer), id)).Succeeded);
        }

        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.GotoAsync($"/assessments/{id}/timeline");
        await BrowserFixture.WaitForInteractiveAsync(page);

        var issued = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "PDF scorecard issued" });
        var hash = issued.Locator("td[data-label='After'] details.audit-hash");
        await Assertions.Expect(hash.Locator("summary")).ToHaveTextAsync(new Regex("^[0-9a-f]{8}…[0-9a-f]{8} \\(SHA-256 hash, shortened"));
        await Assertions.Expect(hash.Locator(".audit-hash__full")).Not.ToBeVisibleAsync();
        Assert.True((await hash.Locator("summary").BoundingBoxAsync())!.Height < 30, "A shortened hash takes one line.");
        await BrowserFixture.AssertAccessibleAsync(page);

        await hash.Locator("summary").ClickAsync();

        var full = hash.Locator(".audit-hash__full");
        await Assertions.Expect(full).ToHaveTextAsync(new Regex("^[0-9a-f]{64}$"));
        await Assertions.Expect(full).ToHaveCSSAsync("font-family", new Regex("monospace"));
        var lineHeight = await full.EvaluateAsync<double>("e => parseFloat(getComputedStyle(e).lineHeight)");
        var rows = Math.Round((await full.BoundingBoxAsync())!.Height / lineHeight);
        Assert.Equal(4, rows);
        await page.SetViewportSizeAsync(320, 640);
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        var what = issued.Locator("td[data-label='What']");
        var codeInSummary = (await what.Locator("details.audit-hash summary code").BoundingBoxAsync())!;
        Assert.True(codeInSummary.X > (await what.BoundingBoxAsync())!.X + 80, "On a phone the summary's hash stays beside the column name, in the value's column.");
        Assert.True(codeInSummary.X + codeInSummary.Width <= (await what.BoundingBoxAsync())!.X + (await what.BoundingBoxAsync())!.Width, "A shortened hash stays inside its card on a phone.");
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task The_timeline_finds_events_by_their_words_and_keeps_the_search_in_the_address()
    {
        var id = await ReviewedAssessmentAsync("timeline-find");
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.GotoAsync($"/assessments/{id}/timeline");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByText(new Regex("^Showing 1 to \\d+ of \\d+ events, newest first\\.$"))).ToBeVisibleAsync();

        await page.GetByLabel("Find events", new() { Exact = true }).FillAsync("submitted");
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("search=submitted"));

        // The submission itself, and the review's start whose "before" was Submitted; not every event.
        await Assertions.Expect(page.GetByText(new Regex("^Showing 1 to (\\d+) of \\1 events? matching “submitted”, newest first\\.$"))).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "timeline-search-1280.png");
        await Assertions.Expect(page.Locator("tbody tr").Filter(new() { HasTextRegex = new Regex("submitted OAP-", RegexOptions.IgnoreCase) })).ToHaveCountAsync(1);
        Assert.True(await page.Locator("tbody tr").CountAsync() < 6, "The search kept only the events that mention it.");
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.SetViewportSizeAsync(320, 640);
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "timeline-search-320.png");

        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByLabel("Find events", new() { Exact = true })).ToHaveValueAsync("submitted");
        await page.GetByRole(AriaRole.Link, new() { Name = "Show every event" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("search=", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByText(new Regex("^Showing 1 to \\d+ of \\d+ events, newest first\\.$"))).ToBeVisibleAsync();
    }
}
