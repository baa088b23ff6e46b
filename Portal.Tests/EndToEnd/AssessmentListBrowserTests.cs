using System.Text.RegularExpressions;
using Microsoft.Playwright;
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
        var statuses = await page.Locator(".status-chip").AllInnerTextsAsync();
        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.Equal("Draft", s.Trim()));
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [GeneratedRegex(@"/assessments/(\d+)/start")]
    private static partial Regex StartPage();
}
