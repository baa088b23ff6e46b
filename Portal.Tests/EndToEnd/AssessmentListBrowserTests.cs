using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Features.Assessments;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class AssessmentListBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Choosing_a_status_lists_only_assessments_in_it_and_keeps_the_choice_in_the_address()
    {
        var page = await browser.SignedInPageAsync("Priya Shah");
        await page.GotoAsync("/assessments");
        await BrowserFixture.WaitForInteractiveAsync(page);
        var draft = $"OAP-{await BrowserFixture.StartAnAssessmentAsync(page):D5}";
        await page.GotoAsync("/assessments");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByText("Showing 1 to")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);

        // Choosing does nothing by itself (WCAG 3.2.2); Apply sends the form, and the address keeps only the status.
        await page.GetByLabel("Status", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Draft" });
        Assert.EndsWith("/assessments", page.Url, StringComparison.Ordinal);
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply", Exact = true }).ClickAsync();

        await page.WaitForURLAsync(url => url.EndsWith("/assessments?status=Draft", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = draft, Exact = true })).ToBeVisibleAsync();
        var statuses = await page.Locator(".status-chip").AllInnerTextsAsync();
        Assert.NotEmpty(statuses);
        Assert.All(statuses, s => Assert.Equal("Draft", s.Trim()));
        await Assertions.Expect(page.GetByLabel("Status", new() { Exact = true })).ToHaveValueAsync("Draft");
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
        await page.WaitForURLAsync(url => url.EndsWith($"/assessments?search={token}", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Showing 1 to 3 of 3 matching “{token}”");
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GetByLabel("Sort by").SelectOptionAsync(new SelectOptionValue { Label = "Due date: soonest first" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith($"/assessments?search={token}&sort=due", StringComparison.Ordinal));
        await Assertions.Expect(References(page)).ToHaveTextAsync([soon, later, latest]);
        await page.GetByLabel("Sort by").SelectOptionAsync(new SelectOptionValue { Label = "Due date: latest first" });
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith($"/assessments?search={token}&sort=due&order=desc", StringComparison.Ordinal));
        await Assertions.Expect(References(page)).ToHaveTextAsync([latest, later, soon]);
        await Assertions.Expect(page.Locator("th[aria-sort='descending']")).ToHaveTextAsync("Due");
        await BrowserFixture.ScreenshotAsync(page, "assessments-searched-and-sorted.png", fullPage: true);

        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);

        await Assertions.Expect(References(page)).ToHaveTextAsync([latest, later, soon]);
        await Assertions.Expect(page.GetByLabel("Search", new() { Exact = true })).ToHaveValueAsync(token);
        await Assertions.Expect(page.GetByLabel("Sort by")).ToHaveValueAsync("due-desc");
        await Assertions.Expect(page.Locator("td[data-label='RAG status']").First).ToContainTextAsync("Not yet scored");
        await Assertions.Expect(page.Locator("td[data-label='Due']").First).ToContainTextAsync("Response due");
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GoBackAsync();

        await page.WaitForURLAsync(url => !url.Contains("order=desc", StringComparison.Ordinal));
        await Assertions.Expect(References(page)).ToHaveTextAsync([soon, later, latest]);

        await page.GetByRole(AriaRole.Link, new() { Name = "Clear search" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => url.EndsWith("/assessments?sort=due", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByLabel("Search", new() { Exact = true })).ToHaveValueAsync("");
        // The link pressed went with the search, so focus goes to the page's heading, not back to the top of the document.
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Clear search" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Assessments", Level = 1 })).ToBeFocusedAsync();
    }

    [Fact]
    public async Task The_pages_of_a_long_list_are_links_a_keyboard_reaches()
    {
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.GotoAsync("/assessments");
        await BrowserFixture.WaitForInteractiveAsync(page);
        var pages = page.GetByRole(AriaRole.Navigation, new() { Name = "Pages of assessments" });
        if (await pages.CountAsync() == 0)
        {
            // The shared database holds fewer than two pages so far: add enough for a second.
            var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
            var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
            for (var i = 0; i < AssessmentService.ListQuery.DefaultPageSize + 1; i++)
            {
                await TestAssessments.InvitedAsync(contexts, officer);
            }

            await page.ReloadAsync();
        }

        await Assertions.Expect(pages.GetByRole(AriaRole.Link, new() { Name = "Page 1" })).ToHaveAttributeAsync("aria-current", "page");
        var next = pages.GetByRole(AriaRole.Link, new() { Name = "Next page" });
        await next.FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await page.WaitForURLAsync(url => url.EndsWith("/assessments?page=2", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"Showing {AssessmentService.ListQuery.DefaultPageSize + 1} to");
        await Assertions.Expect(pages.GetByRole(AriaRole.Link, new() { Name = "Page 2" })).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(pages.GetByRole(AriaRole.Link, new() { Name = "Previous page" })).ToBeVisibleAsync();
        // Focus stays among the page links (to press Next again), or, where the link pressed went with the old page,
        // moves to the page's heading: never back to the top of the document.
        await page.WaitForFunctionAsync("() => document.activeElement?.closest('nav.page-links') || document.activeElement?.matches('h1')");
        await BrowserFixture.ScreenshotAsync(page, "assessments-page-2.png", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task A_view_the_list_cannot_make_sense_of_shows_the_default_list_and_fits_a_phone()
    {
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.SetViewportSizeAsync(320, 640);

        var response = await page.GotoAsync("/assessments?sort=nonsense&order=sideways&status=Nope&page=99999999999999999999");
        await BrowserFixture.WaitForInteractiveAsync(page);

        Assert.Equal(200, response!.Status);
        // The list was sent on to the default view's one address, at its last page.
        Assert.Matches(@"/assessments(\?page=\d{1,5})?$", page.Url);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Assessments", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByLabel("Search", new() { Exact = true })).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The list scrolls sideways at 320 px.");
        await BrowserFixture.ScreenshotAsync(page, "assessments-320.png", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    /// <summary>
    /// A double click (or an impatient second press while the page is slow to answer) sends the form once, with the
    /// invitation of the button pressed, and the button says it is working.
    /// </summary>
    [Fact]
    public async Task Accepting_an_invitation_with_a_double_click_posts_once_for_the_invitation_pressed()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var first = await TestAssessments.InvitedAsync(contexts, officer);
        var id = await TestAssessments.InvitedAsync(contexts, officer);
        var page = await browser.SignedInPageAsync("Sam Okafor");
        await page.GotoAsync("/assessments");
        var posts = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.IsNavigationRequest)
            {
                posts.Add(request.PostData ?? "");
            }
        };
        // The portal is slow to answer: the post is held until the page has been looked at, so the second click lands
        // while the first post is under way.
        var looked = new TaskCompletionSource();
        await page.RouteAsync("**/assessments", async route =>
        {
            if (route.Request.Method == "POST")
            {
                await looked.Task;
            }

            await route.ContinueAsync();
        });
        var accept = page.GetByRole(AriaRole.Button, new() { Name = $"Accept the invitation to answer OAP-{id:D5}", Exact = true });
        // While a post is held the browser answers no questions about the page, so the page reports each submit itself,
        // as the button stood once the portal's own handler had seen it.
        var submits = new List<string>();
        var bothSeen = new TaskCompletionSource();
        page.Console += (_, message) =>
        {
            if (message.Text.StartsWith("submit:", StringComparison.Ordinal))
            {
                lock (submits)
                {
                    submits.Add(message.Text);
                    if (submits.Count == 2)
                    {
                        bothSeen.TrySetResult();
                    }
                }
            }
        };
        await page.EvaluateAsync("""
            () => document.addEventListener('submit', event => console.log(
                `submit: sent=${!event.defaultPrevented} busy=${event.submitter.getAttribute('aria-busy')} label=${event.submitter.textContent.trim()}`))
            """);

        var clicking = accept.DblClickAsync();

        await bothSeen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        looked.SetResult();
        await clicking;
        Assert.Equal(["submit: sent=true busy=true label=Accepting...", "submit: sent=false busy=true label=Accepting..."], submits);
        await page.WaitForURLAsync(url => url.EndsWith($"/assessments/{id}/evidence", StringComparison.Ordinal));
        await page.UnrouteAllAsync();
        var post = Assert.Single(posts);
        await using var db = await contexts.CreateDbContextAsync();
        var invitation = await db.SupplierInvitations.Where(i => i.AssessmentId == id).Select(i => new { i.Id, i.AcceptedAt }).SingleAsync();
        Assert.Contains($"invitation={invitation.Id}", post, StringComparison.Ordinal);
        Assert.NotNull(invitation.AcceptedAt);
        Assert.Null(await db.SupplierInvitations.Where(i => i.AssessmentId == first).Select(i => i.AcceptedAt).SingleAsync());
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
                .SetProperty(a => a.ResponseDueDate, TimeProvider.System.PortalToday().AddDays(days)));
            ids.Add(id);
        }

        return ($"OAP-{ids[2]:D5}", $"OAP-{ids[0]:D5}", $"OAP-{ids[1]:D5}");
    }
}
