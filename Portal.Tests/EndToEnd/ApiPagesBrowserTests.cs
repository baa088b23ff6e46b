using System.Net;
using System.Net.Http.Headers;
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
        await page.GetByRole(AriaRole.Button, new() { Name = "Portal API" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "API tokens", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "API tokens", Level = 1 })).ToBeVisibleAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);

        await page.GetByLabel("Token name").FillAsync("Browser test sync");
        await page.GetByLabel("Read and write", new() { Exact = false }).CheckAsync();
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
