using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class SignInBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Sign_in_page_is_accessible()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/sign-in");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Theory]
    [InlineData("Olivia Hart", "Procurement officer for Demo Valley NHS Foundation Trust", "Assessments for Demo Valley NHS Foundation Trust")]
    [InlineData("Sam Okafor", "Supplier account manager for Acme Clinical Systems Ltd", "Assessments waiting for Acme Clinical Systems Ltd")]
    [InlineData("Dr Chris Morgan", "CCIO sign-off reviewer for Demo Valley NHS Foundation Trust", "Awaiting your sign-off")]
    [InlineData("Ada Price", "Administrator for Demo Valley NHS Foundation Trust", "Administration")]
    public async Task Each_role_signs_in_and_reaches_its_own_home_page(string person, string roleLine, string workHeading)
    {
        var page = await browser.SignedInPageAsync(person);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Welcome, {person}", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(roleLine)).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = workHeading, Level = 2 })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task At_320_pixels_wide_sign_out_stays_on_screen_and_the_page_does_not_scroll_sideways()
    {
        var page = await browser.SignedInPageAsync("Dr Chris Morgan");

        await page.SetViewportSizeAsync(320, 640);
        var signOut = (await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).BoundingBoxAsync())!;

        Assert.True(signOut.X >= 0 && signOut.X + signOut.Width <= 320, $"Sign out spans {signOut.X:0} to {signOut.X + signOut.Width:0} px.");
        var wider = await page.EvaluateAsync<string>(
            "() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(-3)"
            + ".map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 60)).join(' | ')");
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"The page scrolls sideways at 320 px: {wider}");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open API compliance portal" })).ToBeAttachedAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Every_page_names_an_nhs_blue_icon_and_favicon_ico_is_a_small_real_icon_not_the_not_found_page()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/sign-in");
        var svgHref = await page.Locator("link[rel='icon'][type='image/svg+xml']").GetAttributeAsync("href");
        using var http = new HttpClient { BaseAddress = new Uri(browser.App.BaseAddress) };

        using var svg = await http.GetAsync(svgHref);
        using var ico = await http.GetAsync("/favicon.ico");

        Assert.Equal(System.Net.HttpStatusCode.OK, svg.StatusCode);
        Assert.Equal("image/svg+xml", svg.Content.Headers.ContentType?.MediaType);
        Assert.Contains("#005eb8", await svg.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(System.Net.HttpStatusCode.OK, ico.StatusCode);
        var icon = await ico.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, icon[..4]);
        Assert.True(icon.Length < 10_000, $"favicon.ico is {icon.Length} bytes.");
    }

    [Fact]
    public async Task Only_an_administrator_sees_the_administration_menu()
    {
        var officer = await browser.SignedInPageAsync("Olivia Hart");
        var administrator = await browser.SignedInPageAsync("Ada Price");

        await Assertions.Expect(officer.GetByRole(AriaRole.Link, new() { Name = "People and organisations", Exact = true })).ToHaveCountAsync(0);
        await Assertions.Expect(administrator.GetByRole(AriaRole.Link, new() { Name = "People and organisations", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Signing_out_returns_to_the_sign_in_page()
    {
        var page = await browser.SignedInPageAsync("Priya Shah");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Assertions.Expect(page.GetByText("You have signed out.")).ToBeVisibleAsync();
        await page.GotoAsync("/");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/sign-in"));
    }
}
