using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>The API's pages as a person uses them: making and revoking a token, and reading the guides.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiPagesBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task A_person_creates_a_token_sees_it_once_calls_the_api_with_it_and_revokes_it()
    {
        var page = await browser.SignedInPageAsync("Bea Lindqvist");
        // The home page has no circuit; the navigation's "Portal API" group opens all the same (a details element).
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).Locator("summary", new() { HasText = "Portal API" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "API tokens", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API tokens", Level = 1 })).ToBeVisibleAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);

        await page.GetByLabel("Token name").FillAsync("Browser test sync");
        await BrowserFixture.ChooseAsync(page.GetByLabel("Read and write", new() { Exact = false }));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Copy your new token now" })).ToBeVisibleAsync();
        var token = await page.GetByLabel("Your new token").InputValueAsync();
        Assert.StartsWith("oap_", token, StringComparison.Ordinal);
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Browser test sync" });
        await Assertions.Expect(row).ToContainTextAsync("Active");
        await Assertions.Expect(row).ToContainTextAsync("Read and write");
        await BrowserFixture.AssertAccessibleAsync(page);

        using (var api = new HttpClient { BaseAddress = new Uri(browser.App.BaseAddress) })
        {
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            Assert.Contains("Bea Lindqvist", await api.GetStringAsync("/api/v1/me"), StringComparison.Ordinal);
        }

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke Browser test sync" }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Yes, revoke Browser test sync" }).ClickAsync();

        await Assertions.Expect(row).ToContainTextAsync("Revoked");
        await Assertions.Expect(page.GetByLabel("Your new token")).ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);
        using (var api = new HttpClient { BaseAddress = new Uri(browser.App.BaseAddress) })
        {
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var refused = await api.GetAsync("/api/v1/me");
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
    }

    [Fact]
    public async Task A_token_without_a_name_is_refused_next_to_the_name_field()
    {
        var page = await browser.SignedInPageAsync("Priya Shah");
        await page.GotoAsync("/account/tokens");
        await BrowserFixture.WaitForInteractiveAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Give the token a name")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Code_samples_on_the_getting_started_page_are_set_apart_in_a_fixed_width_font_and_wrap_at_320_pixels()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/api/getting-started");

        var sample = page.Locator("pre.code-sample").First;
        await Assertions.Expect(sample).ToHaveCSSAsync("background-color", "rgb(240, 244, 245)");
        await Assertions.Expect(sample).ToHaveCSSAsync("border-left-width", "4px");
        await Assertions.Expect(sample).ToHaveCSSAsync("border-left-color", "rgb(0, 94, 184)");
        await Assertions.Expect(sample).ToHaveCSSAsync("font-family", new Regex("monospace"));
        await Assertions.Expect(page.Locator("table.api-facts th").First).ToHaveCSSAsync("border-bottom-width", "1px");
        await page.SetViewportSizeAsync(320, 640);
        await Assertions.Expect(sample).ToHaveCSSAsync("white-space", "pre-wrap");
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task The_token_table_shows_each_hint_as_code_and_stacks_into_cards_at_320_pixels()
    {
        var page = await browser.SignedInPageAsync("Priya Shah");
        await page.GotoAsync("/account/tokens");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByLabel("Token name").FillAsync("Narrow screen check");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Narrow screen check" });
        await Assertions.Expect(row).ToContainTextAsync("Active");

        var hint = row.Locator("code");
        await Assertions.Expect(hint).ToHaveCSSAsync("background-color", "rgb(240, 244, 245)");
        await Assertions.Expect(hint).ToHaveCSSAsync("font-family", new Regex("monospace"));
        await page.SetViewportSizeAsync(320, 640);
        await Assertions.Expect(row).ToHaveCSSAsync("display", "block");
        await Assertions.Expect(row.Locator("td[data-label='Status']")).ToBeVisibleAsync();
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await NarrowScreen.AssertCellLabelsUnbrokenAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Theory]
    [InlineData("/api/getting-started", "Getting started with the portal's API")]
    [InlineData("/api/changelog", "API versions and changes")]
    public async Task The_api_guides_are_readable_without_signing_in_and_accessible(string path, string heading)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(path);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
    }
}
