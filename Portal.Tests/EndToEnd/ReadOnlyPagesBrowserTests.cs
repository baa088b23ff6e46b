using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Pages that only show (the home page, the assessments list, the scorecard, the bid comparison, the dashboard, how scores are worked out, a requirement of the policy, an assessment's timeline, the API guides) are
/// sent as plain HTML with no live connection behind them ([ExcludeFromInteractiveRouting]): no WebSocket opens, and
/// what a person can do there still works, by keyboard and at 320 px, with the navigation drawer worked by app.js.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReadOnlyPagesBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Pages_that_only_show_open_no_live_connection_and_pass_axe()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "read-only-pages-evidence"));
        var assessment = await journey.AwaitingSignOffAsync(officer, supplier);
        var page = await browser.SignedInPageAsync("Olivia Hart");
        var sockets = new List<string>();
        page.WebSocket += (_, socket) => sockets.Add(socket.Url);

        // The control: a page where a person acts opens its live connection (for its forms), so the check below can see one.
        await page.GotoAsync($"/assessments/{assessment}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        Assert.Contains(sockets, url => url.Contains("/_blazor", StringComparison.Ordinal));

        foreach (var path in new[] { "/", "/assessments", "/assessments?status=AwaitingSignOff&sort=due", $"/assessments/{assessment}/scorecard", "/procurements/compare", "/dashboard", "/scorecards/how-scores-are-worked-out", "/policy/requirements/P.1", $"/assessments/{assessment}/timeline" })
        {
            sockets.Clear();
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            Assert.True(await page.Locator("[data-static-page]").CountAsync() == 1, $"{path} is sent without a circuit.");
            Assert.True(sockets.Count == 0, $"{path} opened a live connection: {string.Join(", ", sockets)}");
            await BrowserFixture.AssertAccessibleAsync(page);
        }

        // The API guides, in the public layout (no navigation drawer), are plain HTML too.
        foreach (var path in new[] { "/api/getting-started", "/api/changelog" })
        {
            sockets.Clear();
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            Assert.True(await page.Locator("html[data-interactive]").CountAsync() == 0, $"{path} is sent without a circuit.");
            Assert.True(sockets.Count == 0, $"{path} opened a live connection: {string.Join(", ", sockets)}");
            await BrowserFixture.AssertAccessibleAsync(page);
        }
    }

    [Fact]
    public async Task The_scorecard_is_reached_from_the_assessment_and_its_menu_works_by_keyboard_at_320_pixels()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "read-only-pages-evidence"));
        var assessment = await journey.AwaitingSignOffAsync(officer, supplier);
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.SetViewportSizeAsync(320, 640);

        // From the assessment page (sent without a circuit, its forms live) to a page without any and back: each arrives
        // whole.
        await page.GotoAsync($"/assessments/{assessment}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Scorecard", Exact = true }).ClickAsync();
        await page.WaitForURLAsync($"**/assessments/{assessment}/scorecard");
        await Assertions.Expect(page.Locator("[data-static-page]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Scorecard");

        // The drawer starts closed on a narrow screen and says so.
        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Show or hide the navigation menu" });
        var navigation = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(navigation).ToBeHiddenAsync();

        // By keyboard: open it, land in it, close it with Escape and be back on the button.
        await menu.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(navigation).ToBeVisibleAsync();
        await Assertions.Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Home" })).ToBeFocusedAsync();
        // A group opens by keyboard without a circuit (a details element), and the API guides are reachable.
        var guides = navigation.GetByRole(AriaRole.Link, new() { Name = "Getting started" });
        await Assertions.Expect(guides).ToBeHiddenAsync();
        await navigation.Locator("summary", new() { HasText = "Portal API" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(guides).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "static-scorecard-320-menu-open.png");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(navigation).ToBeHiddenAsync();
        await Assertions.Expect(menu).ToBeFocusedAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");

        // And on to a live page from the static one's menu: its circuit starts.
        await menu.ClickAsync();
        await navigation.GetByRole(AriaRole.Link, new() { Name = "Notifications" }).ClickAsync();
        await page.WaitForURLAsync("**/notifications");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("html[data-interactive='true']")).ToHaveCountAsync(1);

        // The live drawer, worked by app.js as on the static page: the current page's link says so, a group opens by
        // keyboard, and a link followed on a narrow screen closes the drawer and marks the new page's link current.
        await menu.ClickAsync();
        await Assertions.Expect(navigation).ToBeVisibleAsync();
        await Assertions.Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Notifications" })).ToHaveAttributeAsync("aria-current", "page");
        await navigation.Locator("summary", new() { HasText = "Portal API" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(guides).ToBeVisibleAsync();
        await navigation.GetByRole(AriaRole.Link, new() { Name = "E-mail" }).ClickAsync();
        await page.WaitForURLAsync("**/account/mail");
        await Assertions.Expect(navigation).ToBeHiddenAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(page.Locator("[data-portal-drawer-backdrop]")).ToBeHiddenAsync();
        await menu.ClickAsync();
        await Assertions.Expect(navigation).ToBeVisibleAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "E-mail" })).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(navigation.Locator("[aria-current]")).ToHaveCountAsync(1);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "live-drawer-320-current-page.png");
    }

    [Fact]
    public async Task The_open_drawer_at_320_pixels_lies_over_the_page_and_closes_by_backdrop_escape_or_focus_leaving_it()
    {
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.SetViewportSizeAsync(320, 640);
        // A requirement of the policy: links in its content follow the drawer's in the tab order.
        await page.GotoAsync("/policy/requirements/P.1");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-static-page]")).ToHaveCountAsync(1);
        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Show or hide the navigation menu" });
        var navigation = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        var backdrop = page.Locator("[data-portal-drawer-backdrop]");
        await Assertions.Expect(backdrop).ToBeHiddenAsync();

        // Open by keyboard: a backdrop lies over the page, as MudDrawer's does.
        await menu.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(backdrop).ToBeVisibleAsync();
        await Assertions.Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Home" })).ToBeFocusedAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "static-drawer-320-backdrop.png");

        // Tab past the drawer's last link or group: the drawer closes, so what now has focus is not hidden under it.
        var links = navigation.Locator("a:visible, summary");
        var count = await links.CountAsync();
        for (var i = 1; i < count; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await Assertions.Expect(links.Last).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(navigation).ToBeHiddenAsync();
        await Assertions.Expect(backdrop).ToBeHiddenAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        Assert.True(await page.EvaluateAsync<bool>(
            "() => { const r = document.activeElement.getBoundingClientRect(); const e = document.elementFromPoint(Math.min(r.left + r.width / 2, innerWidth - 1), Math.min(r.top + r.height / 2, innerHeight - 1)); return !!e && (document.activeElement.contains(e) || e.contains(document.activeElement)); }"),
            "The element focused after the drawer is seen, not covered.");

        // Shift+Tab out of its first link closes it too.
        await menu.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Home" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Shift+Tab");
        await Assertions.Expect(navigation).ToBeHiddenAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");

        // A click on the backdrop (beside the drawer) closes it and returns to the menu button.
        await menu.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(backdrop).ToBeVisibleAsync();
        await backdrop.ClickAsync(new() { Position = new() { X = 300, Y = 400 } });
        await Assertions.Expect(navigation).ToBeHiddenAsync();
        await Assertions.Expect(menu).ToBeFocusedAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
    }

    [Fact]
    public async Task A_drawer_closed_on_a_wide_screen_stays_closed_on_the_next_page_with_or_without_a_circuit()
    {
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.SetViewportSizeAsync(1280, 800);
        await page.GotoAsync("/scorecards/how-scores-are-worked-out");
        await BrowserFixture.WaitForInteractiveAsync(page);
        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Show or hide the navigation menu" });
        var navigation = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        await Assertions.Expect(navigation).ToBeVisibleAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");

        await menu.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(navigation).ToBeHiddenAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");

        // On to another page without a circuit (enhanced navigation) and a reload: still closed, and said so.
        await page.EvaluateAsync("() => Blazor.navigateTo('/dashboard')");
        await page.WaitForURLAsync("**/dashboard");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Dashboard");
        await Assertions.Expect(navigation).ToBeHiddenAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(navigation).ToBeHiddenAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await BrowserFixture.AssertAccessibleAsync(page);

        // A live page too: its circuit's render replaces the prerendered one and must not open the drawer again; the
        // menu still works there without a round trip, and a live move to another page keeps the choice.
        await page.GotoAsync("/notifications");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("html[data-interactive='true']")).ToHaveCountAsync(1);
        await Assertions.Expect(navigation).ToBeHiddenAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");
        await menu.ClickAsync();
        await Assertions.Expect(navigation).ToBeVisibleAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
        // Beside the page on a wide screen, not over it: the content moves aside (once MudBlazor's transition ends).
        await Assertions.Expect(page.Locator(".mud-main-content")).ToHaveCSSAsync("margin-left", "240px");
        await BrowserFixture.ScreenshotAsync(page, "live-drawer-1280-open.png");
        await menu.ClickAsync();
        await Assertions.Expect(navigation).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator(".mud-main-content")).ToHaveCSSAsync("margin-left", "0px");
        await page.EvaluateAsync("() => Blazor.navigateTo('/account/mail')");
        await page.WaitForURLAsync("**/account/mail");
        // The address changes before the circuit renders the new page, whose FocusOnNavigate then moves focus to its
        // heading: wait for that, or it can take focus from the menu button between the focus and the key press below.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeFocusedAsync();
        await Assertions.Expect(navigation).ToBeHiddenAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "false");

        // Opened again, it stays open.
        await menu.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(navigation).ToBeVisibleAsync();
        await page.GotoAsync("/scorecards/how-scores-are-worked-out");
        await Assertions.Expect(navigation).ToBeVisibleAsync();
        await Assertions.Expect(menu).ToHaveAttributeAsync("aria-expanded", "true");
    }

    [Fact]
    public async Task The_timeline_is_reached_from_the_assessment_and_searches_verifies_and_leads_back_without_a_circuit_at_320_pixels()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "read-only-pages-evidence"));
        var assessment = await journey.AwaitingSignOffAsync(officer, supplier);
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.SetViewportSizeAsync(320, 640);
        var sockets = new List<string>();
        page.WebSocket += (_, socket) => sockets.Add(socket.Url);

        await page.GotoAsync($"/assessments/{assessment}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        sockets.Clear();
        await page.GetByRole(AriaRole.Link, new() { Name = "Timeline", Exact = true }).ClickAsync();
        await page.WaitForURLAsync($"**/assessments/{assessment}/timeline");
        await Assertions.Expect(page.Locator("[data-static-page]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Timeline");

        // By keyboard: type a search and press Enter; the label stays above what was typed.
        var search = page.GetByLabel("Find events", new() { Exact = true });
        await search.FocusAsync();
        await page.Keyboard.TypeAsync("submitted");
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(page.Locator(".timeline-search .mud-input.mud-shrink")).ToHaveCountAsync(1);
        await search.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("search=submitted"));
        await Assertions.Expect(page.GetByText(new System.Text.RegularExpressions.Regex("matching “submitted”, newest first\\.$"))).ToBeVisibleAsync();

        // Verify integrity is a form posted back to the page: the result shows, the search stays.
        var verify = page.GetByRole(AriaRole.Button, new() { Name = "Verify integrity" });
        await verify.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByText(new System.Text.RegularExpressions.Regex("^The audit trail is intact"))).ToBeVisibleAsync();
        await Assertions.Expect(search).ToHaveValueAsync("submitted");
        Assert.True(sockets.Count == 0, $"The timeline opened a live connection: {string.Join(", ", sockets)}");
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "static-timeline-320-verified.png", fullPage: true);

        // Back to the assessment page: its forms (islands) go live, and only they.
        await page.GetByRole(AriaRole.Link, new() { Name = $"OAP-{assessment:D5}" }).ClickAsync();
        await page.WaitForURLAsync($"**/assessments/{assessment}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-island='live']").First).ToBeAttachedAsync();
        Assert.Contains(sockets, url => url.Contains("/_blazor", StringComparison.Ordinal));
        Assert.Equal(1, await page.Locator("[data-static-page]").CountAsync());
    }
}
