using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class PolicyLibraryBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Searching_the_library_for_sandbox_finds_C4_and_P5()
    {
        var page = await browser.SignedInPageAsync("Sam Okafor");
        await page.GetByRole(AriaRole.Link, new() { Name = "Policy library", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Policy library", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Showing 107 of 107 requirements")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GetByLabel("Search by ID or words").FillAsync("sandbox");
        await page.Keyboard.PressAsync("Enter");

        // The page has no circuit: the search is a GET form, sent on to the filter's one address.
        await page.WaitForURLAsync(url => url.EndsWith("/policy?q=sandbox", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByText("matching \"sandbox\"")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "C.4", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "P.5", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "P.8", Exact = true })).ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);

        // A filter narrows the search further only when Apply is pressed, and stays in the address.
        await page.GetByLabel("Obligation").SelectOptionAsync(new SelectOptionValue { Label = "Must" });
        Assert.EndsWith("/policy?q=sandbox", page.Url, StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/policy?q=sandbox&obligation=Must", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByLabel("Search by ID or words")).ToHaveValueAsync("sandbox");
        await Assertions.Expect(page.GetByLabel("Obligation")).ToHaveValueAsync("Must");
        await BrowserFixture.ScreenshotAsync(page, "policy-library-filtered.png", fullPage: true);

        await page.GetByRole(AriaRole.Link, new() { Name = "Clear the search and filters" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/policy", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByText("Showing 107 of 107 requirements")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_address_the_library_cannot_make_sense_of_shows_every_requirement_at_one_address()
    {
        var page = await browser.SignedInPageAsync("Olivia Hart");

        var response = await page.GotoAsync("/policy?q=&route=Sideways&obligation=1&actor=Commissioner,Producer&condition=None&version=abc");

        Assert.Equal(200, response!.Status);
        Assert.EndsWith("/policy", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByText("Showing 107 of 107 requirements")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_requirement_page_shows_its_statement_guidance_source_and_related_requirements()
    {
        var page = await browser.SignedInPageAsync("Olivia Hart");

        await page.GotoAsync("/policy/requirements/C.4");
        await BrowserFixture.WaitForInteractiveAsync(page);

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("C.4");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What good evidence looks like" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("OAP §4.2, p13; §4.3, p15")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Related requirements" })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Link, new() { Name = "P.5", Exact = false }).First.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("P.5");
    }

    [Fact]
    public async Task The_guide_for_upgrading_a_system_with_confidential_patient_data_lists_P6_and_C9()
    {
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.GetByRole(AriaRole.Link, new() { Name = "What applies to my system?" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "What applies to my system?", Level = 1 })).ToBeVisibleAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);

        await BrowserFixture.ChooseAsync(page.GetByRole(AriaRole.Radio, new() { Name = "Upgrading an existing system" }));
        await Assertions.Expect(page.GetByText("apply when upgrading an existing system")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "P.6", Exact = true })).ToHaveCountAsync(0);
        await BrowserFixture.ChooseAsync(page.GetByRole(AriaRole.Checkbox, new() { Name = "The system holds confidential patient data" }));

        await Assertions.Expect(page.GetByText("and the system holds confidential patient data")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "P.6", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "C.9", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Because the system holds confidential patient data.").First).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("route=Upgrade.*conditions=ConfidentialPatientData"));
        await BrowserFixture.AssertAccessibleAsync(page);
    }
}
