using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed partial class AssessmentListBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Choosing_a_status_lists_only_assessments_in_it_and_keeps_the_choice_in_the_address()
    {
        var page = await browser.SignedInPageAsync("Priya Shah");
        await page.GotoAsync("/assessments");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start an assessment" }).ClickAsync();
        await page.WaitForURLAsync(StartPage());
        var draft = $"OAP-{int.Parse(StartPage().Match(page.Url).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture):D5}";
        await page.GotoAsync("/assessments");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByText("Showing 1 to")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Combobox, new() { Name = "Status" }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Draft", Exact = true }).ClickAsync();

        await page.WaitForURLAsync(new Regex("status=Draft"));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = draft, Exact = true })).ToBeVisibleAsync();
        // The new draft is also on the unfiltered list: wait until the rows are the filtered ones, not read them mid-change.
        await Assertions.Expect(page.Locator(".status-chip").Filter(new() { HasNotTextRegex = new Regex(@"^\s*Draft\s*$") })).ToHaveCountAsync(0);
        var statuses = await page.Locator(".status-chip").AllInnerTextsAsync();
        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.Equal("Draft", s.Trim()));
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Searching_and_sorting_are_kept_in_the_address_so_a_reload_and_the_back_button_restore_the_view()
    {
        var token = $"find{Guid.NewGuid():N}"[..12];
        var (soon, later, latest) = await ThreeAssessmentsAsync(token);
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.GotoAsync("/assessments");
        await BrowserFixture.WaitForInteractiveAsync(page);

        await page.GetByLabel("Search", new() { Exact = true }).FillAsync(token);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex($"search={token}"));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Showing 1 to 3 of 3 matching “{token}”");
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Combobox, new() { Name = "Sort by" }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Due date", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("sort=due"));
        await Assertions.Expect(References(page)).ToHaveTextAsync([soon, later, latest]);
        await page.GetByRole(AriaRole.Combobox, new() { Name = "Order" }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Latest first", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("order=desc"));
        await Assertions.Expect(References(page)).ToHaveTextAsync([latest, later, soon]);
        await Assertions.Expect(page.Locator("th[aria-sort='descending']")).ToHaveTextAsync("Due");

        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);

        await Assertions.Expect(References(page)).ToHaveTextAsync([latest, later, soon]);
        await Assertions.Expect(page.GetByLabel("Search", new() { Exact = true })).ToHaveValueAsync(token);
        await Assertions.Expect(page.Locator("td[data-label='RAG status']").First).ToContainTextAsync("Not yet scored");
        await Assertions.Expect(page.Locator("td[data-label='Due']").First).ToContainTextAsync("Response due");
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GoBackAsync();

        await page.WaitForURLAsync(url => !url.Contains("order=desc", StringComparison.Ordinal));
        await Assertions.Expect(References(page)).ToHaveTextAsync([soon, later, latest]);
    }

    [Fact]
    public async Task A_view_the_list_cannot_make_sense_of_shows_the_default_list_and_fits_a_phone()
    {
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.SetViewportSizeAsync(320, 640);

        var response = await page.GotoAsync("/assessments?sort=nonsense&order=sideways&status=Nope&page=99999999999999999999");
        await BrowserFixture.WaitForInteractiveAsync(page);

        Assert.Equal(200, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Assessments", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Search", new() { Exact = true })).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The list scrolls sideways at 320 px.");
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    private static ILocator References(IPage page) => page.Locator("td[data-label='Reference'] a");

    /// <summary>Three of the demo trust's assessments that only <paramref name="token"/> finds, due in 5, 10 and 20 days.</summary>
    private async Task<(string Soon, string Later, string Latest)> ThreeAssessmentsAsync(string token)
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var ids = new List<int>();
        foreach (var days in new[] { 10, 20, 5 })
        {
            var id = await TestAssessments.InvitedAsync(contexts, officer, procurementReference: $"{token}-{days}");
            await using var db = await contexts.CreateDbContextAsync();
            await db.Assessments.Where(a => a.Id == id).ExecuteUpdateAsync(set => set
                .SetProperty(a => a.ResponseDueDate, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(days)));
            ids.Add(id);
        }

        return ($"OAP-{ids[2]:D5}", $"OAP-{ids[0]:D5}", $"OAP-{ids[1]:D5}");
    }

    [GeneratedRegex(@"/assessments/(\d+)/start")]
    private static partial Regex StartPage();
}
