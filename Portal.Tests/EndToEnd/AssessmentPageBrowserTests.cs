using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// The assessment page is sent without a circuit and only its forms go live (islands): going live leaves the page the
/// server sent in place rather than rebuilding it, a form cannot be used before it is live (so nothing typed is lost),
/// and a command in a form shows its effect on the rest of the page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AssessmentPageBrowserTests(BrowserFixture browser)
{
    private IDbContextFactory<PortalDbContext> Contexts => browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

    private async Task<Portal.Auth.Caller> OfficerAsync() => await TestCallers.ForAsync(Contexts, TestCallers.Officer);

    // Keeps the heading the server sent, before any script runs, to compare with the one shown once the forms are live.
    private const string KeepSentHeading =
        "document.addEventListener('DOMContentLoaded', () => { window.sentHeading = document.querySelector('main h1'); });";

    [Fact]
    public async Task Going_live_rebuilds_only_the_forms_and_an_invitation_and_a_withdrawal_show_on_the_page()
    {
        var id = await TestAssessments.InvitedAsync(Contexts, await OfficerAsync());

        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.AddInitScriptAsync(KeepSentHeading);
        var sockets = new List<string>();
        page.WebSocket += (_, socket) => sockets.Add(socket.Url);
        await page.GotoAsync($"/assessments/{id}");
        await BrowserFixture.WaitForInteractiveAsync(page);

        // The forms are live (a circuit opened for them) and the page around them is the very markup the server sent.
        Assert.NotEmpty(sockets);
        Assert.NotNull(await page.Locator("[data-static-page]").GetAttributeAsync("data-static-page"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.sentHeading !== null && window.sentHeading === document.querySelector('main h1')"),
            "The page's heading was rebuilt when the forms went live: the whole page is in the circuit again.");
        // Inviting, a competing bid (the assessment has a procurement reference) and withdrawing.
        await Assertions.Expect(page.Locator("[data-island='live']")).ToHaveCountAsync(3);

        // An invitation made in its island shows in the list the page sends.
        await page.GetByLabel("Account manager's e-mail address").FillAsync("second@acme-clinical.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Invitation e-mailed to second@acme-clinical.example")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasTextString = "second@acme-clinical.example: invited" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Invitation e-mailed to second@acme-clinical.example")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);

        // Withdrawn by keyboard: the status the page sends changes, and the withdrawal form goes.
        await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw…" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.GetByLabel("Reason for withdrawing").FillAsync("The trust cancelled the procurement.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw the assessment" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".status-chip")).ToHaveTextAsync("Withdrawn");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Withdraw the assessment" })).ToHaveCountAsync(0);
        // Said, and focus, whose button went with the form, is on the page's heading rather than lost.
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "This assessment is withdrawn" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("main h1")).ToBeFocusedAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveCountAsync(1);

        await page.SetViewportSizeAsync(320, 800);
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "assessment-islands-withdrawn-320.png", fullPage: true);
    }

    [Fact]
    public async Task Before_its_circuit_arrives_a_form_cannot_take_typing_it_would_lose()
    {
        var id = await TestAssessments.InvitedAsync(Contexts, await OfficerAsync());

        var page = await browser.SignedInPageAsync("Olivia Hart");
        // A link so slow that Blazor's script has not arrived: the page reads, its forms wait.
        await page.RouteAsync("**/_framework/blazor.web*.js", route => route.AbortAsync());
        await page.Clock.InstallAsync();
        await page.GotoAsync($"/assessments/{id}");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Patient administration system" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-island='waiting']")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByLabel("Account manager's e-mail address")).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" })).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Withdraw…" })).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByText("not connected to the portal yet")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "assessment-islands-waiting.png", fullPage: true);

        // A connection that never comes (the script blocked, a proxy that refuses the live connection): after a while
        // each form says why it is grey and what to do, rather than stay disabled without a word.
        await page.Clock.FastForwardAsync("00:20");
        var said = page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "This form is not connected to the portal yet" });
        await Assertions.Expect(said).ToHaveCountAsync(3);
        await Assertions.Expect(said.First).ToContainTextAsync("Reload the page");
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "assessment-islands-never-connected.png", fullPage: true);
    }

    [Fact]
    public async Task An_assessment_no_one_may_see_is_not_found_without_a_circuit()
    {
        var page = await browser.SignedInPageAsync("Olivia Hart");
        var sockets = new List<string>();
        page.WebSocket += (_, socket) => sockets.Add(socket.Url);
        var response = await page.GotoAsync("/assessments/987654");
        await BrowserFixture.WaitForInteractiveAsync(page);

        // Said as 404 (for bookmarks to something gone, link checkers and monitoring), in the page's own words.
        Assert.Equal(404, response!.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Assessment not found" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Back to assessments" })).ToBeVisibleAsync();
        Assert.Empty(sockets);

        // Reached by enhanced navigation from a page sent without a circuit, it shows the same.
        await page.GotoAsync("/assessments");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.EvaluateAsync("() => Blazor.navigateTo('/assessments/987655')");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Assessment not found" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("There is no assessment 987655 that you can see.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_officer_who_invites_as_soon_as_the_page_shows_is_told_and_the_page_shows_the_invitation()
    {
        var id = await TestAssessments.ConfirmedAsync(Contexts, await OfficerAsync(), procurementReference: null);

        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.GotoAsync($"/assessments/{id}");
        // No wait for the forms: the field takes typing once it is live, and not before.
        await page.GetByLabel("Account manager's e-mail address").FillAsync("sam.okafor@acme-clinical.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Invitation e-mailed to sam.okafor@acme-clinical.example")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".status-chip")).ToHaveTextAsync("Awaiting supplier");
        await Assertions.Expect(page.GetByRole(AriaRole.Listitem).Filter(new() { HasTextString = "sam.okafor@acme-clinical.example: invited" })).ToBeVisibleAsync();
        // The page was fetched again around the form, which kept what it said.
        await Assertions.Expect(page.GetByText("Invitation e-mailed to sam.okafor@acme-clinical.example")).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "assessment-islands-invited-early.png", fullPage: true);
    }

    [Fact]
    public async Task A_double_press_on_assess_another_bid_makes_one_draft_and_opens_it()
    {
        var contexts = Contexts;
        var id = await TestAssessments.InvitedAsync(contexts, await OfficerAsync(), procurementReference: "PR-DOUBLE-PRESS");

        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.GotoAsync($"/assessments/{id}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Assess another supplier's bid" }).DblClickAsync();

        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex(@"/assessments/\d+/start/system$"));
        await BrowserFixture.WaitForInteractiveAsync(page);
        await using var db = await contexts.CreateDbContextAsync();
        Assert.Equal(2, await db.Assessments.CountAsync(a => a.ProcurementReference == "PR-DOUBLE-PRESS"));
    }

    [Fact]
    public async Task A_form_that_fails_says_so_in_its_place_while_the_other_forms_on_the_page_carry_on()
    {
        var id = await TestAssessments.InvitedAsync(Contexts, await OfficerAsync());
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.GotoAsync($"/assessments/{id}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByLabel("Account manager's e-mail address").FillAsync("second@acme-clinical.example");

        // A real failure, not a refusal: the database loses the invitations' table while the officer sends one. The
        // forms share one circuit, so an exception that left the invitation form would end the others too.
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE SupplierInvitations RENAME TO SupplierInvitationsGone");
        }

        try
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasTextString = "Inviting the supplier stopped working" })).ToBeVisibleAsync();
            await BrowserFixture.AssertAccessibleAsync(page);
            await BrowserFixture.ScreenshotAsync(page, "assessment-island-failed.png", fullPage: true);
        }
        finally
        {
            await using var db = await Contexts.CreateDbContextAsync();
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE SupplierInvitationsGone RENAME TO SupplierInvitations");
        }

        // The address typed is still there when the officer tries again, and goes.
        await page.GetByRole(AriaRole.Button, new() { Name = "Try again" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("Account manager's e-mail address")).ToHaveValueAsync("second@acme-clinical.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Invitation e-mailed to second@acme-clinical.example")).ToBeVisibleAsync();

        // The other forms stayed live all along: the circuit was not ended.
        await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw…" }).ClickAsync();
        await page.GetByLabel("Reason for withdrawing").FillAsync("The trust cancelled the procurement.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Withdraw the assessment" }).ClickAsync();
        await Assertions.Expect(page.Locator(".status-chip")).ToHaveTextAsync("Withdrawn");
    }

    [Fact]
    public async Task A_lost_connection_leaves_the_page_readable_beside_a_notice_and_its_forms_work_once_it_is_back()
    {
        var id = await TestAssessments.InvitedAsync(Contexts, await OfficerAsync());
        var page = await browser.SignedInPageAsync("Olivia Hart");
        // The circuit's socket passes through the test, which can cut it as a network would.
        var sockets = new List<IWebSocketRoute>();
        await page.RouteWebSocketAsync("**/_blazor**", socket =>
        {
            socket.ConnectToServer();
            sockets.Add(socket);
        });
        await page.GotoAsync($"/assessments/{id}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        // Blazor's attempts to reconnect are held until the notice has been looked at.
        var looked = new TaskCompletionSource();
        await page.RouteAsync("**/_blazor/negotiate**", async route =>
        {
            await looked.Task;
            await route.ContinueAsync();
        });

        await sockets[^1].CloseAsync();

        // Not a modal over the whole page: only the forms need the connection, and the officer can go on reading.
        var notice = page.GetByRole(AriaRole.Dialog, new() { Name = "The connection to the portal was lost" });
        await Assertions.Expect(notice).ToBeVisibleAsync();
        await Assertions.Expect(notice).ToContainTextAsync("You can go on reading this page. Its forms work again once the connection is back.");
        await Assertions.Expect(notice).Not.ToContainTextAsync("Answers you were typing");
        Assert.False(await page.EvaluateAsync<bool>("() => document.getElementById('components-reconnect-modal').matches(':modal')"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).Not.ToBeFocusedAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.SetViewportSizeAsync(320, 640);
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "assessment-connection-lost-320.png");
        var box = await notice.BoundingBoxAsync();
        Assert.True(box is { X: >= 0 } && box.X + box.Width <= 320, $"The notice does not fit 320 px: {box?.X} + {box?.Width}.");
        // What takes focus is scrolled clear of the notice at the foot of the window (WCAG 2.4.11), not hidden under it.
        // The link is scrolled to just under the notice first; focus finds it there and must bring it clear.
        var timeline = page.GetByRole(AriaRole.Link, new() { Name = "Timeline", Exact = true });
        await timeline.EvaluateAsync("link => window.scrollBy(0, link.getBoundingClientRect().bottom - (window.innerHeight - 10))");
        await timeline.FocusAsync();
        var focused = await page.EvaluateAsync<double>("() => document.activeElement.getBoundingClientRect().bottom");
        Assert.True(focused <= box!.Y, $"The focused link ends at {focused} px, under the notice that starts at {box.Y} px.");
        await page.SetViewportSizeAsync(1280, 800);

        // Back: the notice goes and the forms answer again, on the same circuit.
        looked.SetResult();
        await Assertions.Expect(notice).ToBeHiddenAsync();
        await page.GetByLabel("Account manager's e-mail address").FillAsync("second@acme-clinical.example");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Invitation e-mailed to second@acme-clinical.example")).ToBeVisibleAsync();
    }
}
