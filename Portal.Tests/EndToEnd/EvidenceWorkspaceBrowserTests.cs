using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;
using Portal.Features;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class EvidenceWorkspaceBrowserTests(BrowserFixture browser)
{
    private IDbContextFactory<PortalDbContext> Contexts => browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

    private static ILocator NavItem(IPage page, string code) =>
        page.Locator(".requirement-nav__item").Filter(new() { Has = page.Locator(".requirement-nav__code", new() { HasTextRegex = new Regex($"^{Regex.Escape(code)}$") }) });

    private static ILocator Narrative(IPage page) => page.GetByLabel("Narrative", new() { Exact = true });

    private static async Task OpenAsync(IPage page, string code)
    {
        await NavItem(page, code).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2, NameRegex = new Regex($"^{Regex.Escape(code)} ") })).ToBeVisibleAsync();
    }

    /// <summary>The list says "In progress" only once the answer is stored, so this waits for the save without a timer.</summary>
    private static Task ExpectStoredAsync(IPage page, string code) =>
        Assertions.Expect(NavItem(page, code).Locator(".requirement-nav__state")).ToHaveTextAsync("In progress");

    /// <summary>The circuit lives: no "stopped responding" bar, and the page still answers a click.</summary>
    private static async Task ExpectAliveAsync(IPage page, string code)
    {
        await Assertions.Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await OpenAsync(page, code);
    }

    private async Task<string?> StoredNarrativeAsync(int id, string code)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await db.RequirementResponses.Where(r => r.AssessmentId == id)
            .Join(db.AssessmentRequirements.Where(r => r.Code == code), r => r.AssessmentRequirementId, r => r.Id, (response, _) => response.Narrative)
            .SingleOrDefaultAsync();
    }

    private async Task<(int Id, IPage Page, List<string> Codes)> SupplierInWorkspaceAsync()
    {
        var id = await TestAssessments.InvitedAsync(Contexts, await TestCallers.ForAsync(Contexts, TestCallers.Officer));
        var page = await browser.SignedInPageAsync("Sam Okafor");
        await page.GotoAsync($"/assessments/{id}/evidence");
        await BrowserFixture.WaitForInteractiveAsync(page);
        var codes = (await page.Locator(".requirement-nav__code").AllInnerTextsAsync()).Take(6).ToList();
        return (id, page, codes);
    }

    [Fact]
    public async Task Text_typed_and_left_at_once_is_saved_whether_the_supplier_switches_requirement_follows_a_link_or_reloads()
    {
        var (id, page, codes) = await SupplierInWorkspaceAsync();

        // (a) Typed, then straight to another requirement.
        await OpenAsync(page, codes[0]);
        await Narrative(page).FillAsync("Every record is reachable through our FHIR R4 API.");
        await OpenAsync(page, codes[1]);
        await ExpectStoredAsync(page, codes[0]);
        Assert.Equal("Every record is reachable through our FHIR R4 API.", await StoredNarrativeAsync(id, codes[0]));
        await ExpectAliveAsync(page, codes[0]);
        await Assertions.Expect(Narrative(page)).ToHaveValueAsync("Every record is reachable through our FHIR R4 API.");
        await BrowserFixture.AssertAccessibleAsync(page);

        // (b) Typed, then straight along a link to another page.
        await OpenAsync(page, codes[1]);
        await Narrative(page).FillAsync("Bulk export is documented in our developer portal.");
        await page.GetByRole(AriaRole.Link, new() { Name = $"OAP-{id:D5}", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync($"{browser.App.BaseAddress}/assessments/{id}");
        await page.GetByRole(AriaRole.Link, new() { Name = "Answer the requirements" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1, NameRegex = new Regex("^Evidence for ") })).ToBeVisibleAsync();
        // From the assessment page, sent without a circuit, the workspace shows before its circuit has started: a
        // click on the list before then reaches nothing (CI once clicked too soon here).
        await BrowserFixture.WaitForInteractiveAsync(page);
        await ExpectStoredAsync(page, codes[1]);
        Assert.Equal("Bulk export is documented in our developer portal.", await StoredNarrativeAsync(id, codes[1]));
        await ExpectAliveAsync(page, codes[1]);

        // (c) Typed, then the page reloaded at once.
        await OpenAsync(page, codes[2]);
        await Narrative(page).FillAsync("Rate limits are published per endpoint.");
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await OpenAsync(page, codes[2]);
        await Assertions.Expect(Narrative(page)).ToHaveValueAsync("Rate limits are published per endpoint.");
        await ExpectStoredAsync(page, codes[2]);
        Assert.Equal("Rate limits are published per endpoint.", await StoredNarrativeAsync(id, codes[2]));
        await ExpectAliveAsync(page, codes[3]);
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task Text_kept_in_the_browser_when_the_connection_went_is_offered_back_and_saved()
    {
        var (id, page, codes) = await SupplierInWorkspaceAsync();
        // What the browser keeps as the supplier types, left behind when the connection went before the portal saved it.
        await KeepInBrowserAsync(page, id, codes[1], stamp: null, "Typed on the train; the connection went.");

        await OpenAsync(page, codes[1]);

        await Assertions.Expect(page.GetByText(new Regex("^We kept text you had not saved .* It is saved now\\.$"))).ToBeVisibleAsync();
        await Assertions.Expect(Narrative(page)).ToHaveValueAsync("Typed on the train; the connection went.");
        await ExpectStoredAsync(page, codes[1]);
        Assert.Equal("Typed on the train; the connection went.", await StoredNarrativeAsync(id, codes[1]));
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    /// <summary>
    /// Keeping typing must not wait for the server: on a slow link the page shows before it is live, and a server that
    /// hangs never answers. Here the page never goes live (Blazor's script is held back), so anything kept was kept by
    /// the browser alone; once the page is live the text is offered back and saved.
    /// </summary>
    [Fact]
    public async Task Text_typed_before_the_page_is_live_is_kept_in_the_browser_and_saved_once_it_is()
    {
        var (id, page, codes) = await SupplierInWorkspaceAsync();
        await page.RouteAsync("**/_framework/blazor.web*.js", route => route.AbortAsync());
        await page.GotoAsync($"/assessments/{id}/evidence?requirement={Uri.EscapeDataString(codes[2])}");
        await Assertions.Expect(Heading(page, codes[2])).ToBeVisibleAsync();
        Assert.Null(await page.Locator("html").GetAttributeAsync("data-interactive"));

        await Narrative(page).FillAsync("Typed while the page was still loading.");

        var kept = await page.EvaluateAsync<int>(
            "text => Object.keys(localStorage).filter(k => k.startsWith('portal-draft:') && localStorage.getItem(k).includes(text)).length",
            "Typed while the page was still loading.");
        Assert.Equal(1, kept);
        // Once live, the box shows the saved answer until the editor has asked for the earlier text: typing there in
        // that moment never writes over it (the editor box is marked live here as the live render marks it).
        await page.Locator("[data-draft-key]").EvaluateAsync("root => root.dataset.draftLive = 'true'");
        await Narrative(page).FillAsync("Typed in the live box too soon.");
        Assert.Equal(1, await page.EvaluateAsync<int>(
            "text => Object.keys(localStorage).filter(k => k.startsWith('portal-draft:') && localStorage.getItem(k).includes(text)).length",
            "Typed while the page was still loading."));
        await page.UnrouteAllAsync();
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByText(new Regex("^We kept text you had not saved .* It is saved now\\.$"))).ToBeVisibleAsync();
        await Assertions.Expect(Narrative(page)).ToHaveValueAsync("Typed while the page was still loading.");
        await ExpectStoredAsync(page, codes[2]);
        Assert.Equal("Typed while the page was still loading.", await StoredNarrativeAsync(id, codes[2]));
    }

    [Fact]
    public async Task Kept_text_typed_over_an_answer_a_colleague_has_since_changed_shows_both_and_overwrites_nothing()
    {
        var (id, page, codes) = await SupplierInWorkspaceAsync();
        var sam = await TestCallers.ForAsync(Contexts, TestCallers.Supplier);
        var journey = new TestJourney(Contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "workspace-browser-evidence"));
        var first = await journey.Workspace.SaveResponseAsync(sam, id, codes[1], new(ComplianceClaim.Meets, "First wording", null, null, null), ReadVersion.None);
        await journey.Workspace.SaveResponseAsync(sam with { DisplayName = "Pat Colleague" }, id, codes[1],
            new(ComplianceClaim.Meets, "Colleague's wording", null, null, null), ReadVersion.Of(first.Value!.Response!.ConcurrencyStamp));
        await KeepInBrowserAsync(page, id, codes[1], first.Value!.Response!.ConcurrencyStamp, "My wording, never saved.");
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);

        await OpenAsync(page, codes[1]);

        var choice = page.GetByRole(AriaRole.Alert).Filter(new() { HasTextString = "Pat Colleague saved a different answer" });
        await Assertions.Expect(choice).ToContainTextAsync("My wording, never saved.");
        await Assertions.Expect(choice).ToContainTextAsync("Colleague's wording");
        await Assertions.Expect(page.GetByText(new Regex("^We kept text you had not saved .* choose which to keep\\.$"))).ToBeVisibleAsync();
        Assert.Equal("Colleague's wording", await StoredNarrativeAsync(id, codes[1]));
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Keep my version" }).ClickAsync();
        await Assertions.Expect(page.GetByText(new Regex("^Saved at"))).ToBeVisibleAsync();
        Assert.Equal("My wording, never saved.", await StoredNarrativeAsync(id, codes[1]));
    }

    private static ILocator Heading(IPage page, string code) =>
        page.GetByRole(AriaRole.Heading, new() { Level = 2, NameRegex = new Regex($"^{Regex.Escape(code)} ") });

    private async Task ExpectOnAsync(IPage page, int id, string code)
    {
        await Assertions.Expect(Heading(page, code)).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/assessments/{id}/evidence\\?(.*&)?requirement={Regex.Escape(Uri.EscapeDataString(code))}(&|$)"));
    }

    [Fact]
    public async Task A_supplier_moves_through_the_requirements_by_button_and_keyboard_filters_them_marks_several_not_applicable_and_back_returns_to_the_right_one()
    {
        var (id, page, codes) = await SupplierInWorkspaceAsync();
        await page.SetViewportSizeAsync(1280, 900);
        var bar = page.GetByRole(AriaRole.Region, new() { Name = "Progress and moving between requirements" });

        // The first requirement is in the address from the start, so Back can return to it.
        await ExpectOnAsync(page, id, codes[0]);
        await BrowserFixture.ChooseAsync(page.GetByLabel("Meets", new() { Exact = true }));
        await Narrative(page).FillAsync("Every record is reachable through our FHIR R4 API.");
        await bar.GetByRole(AriaRole.Button, new() { Name = "Save and next" }).ClickAsync();
        await ExpectOnAsync(page, id, codes[1]);
        await Assertions.Expect(Heading(page, codes[1])).ToBeFocusedAsync();
        Assert.Equal("Every record is reachable through our FHIR R4 API.", await StoredNarrativeAsync(id, codes[0]));
        await Assertions.Expect(bar).ToContainTextAsync(new Regex("^1 of \\d+ answered"));

        // The shortcut while typing: saved, and on to the next one.
        await BrowserFixture.ChooseAsync(page.GetByLabel("Meets", new() { Exact = true }));
        await Narrative(page).FillAsync("Bulk export is documented in our developer portal.");
        await Narrative(page).PressAsync("Alt+Shift+N");
        await ExpectOnAsync(page, id, codes[2]);
        Assert.Equal("Bulk export is documented in our developer portal.", await StoredNarrativeAsync(id, codes[1]));

        // Someone else answered this one meanwhile: "Save and next" stays, says why, and overwrites nothing.
        var sam = await TestCallers.ForAsync(Contexts, TestCallers.Supplier);
        var journey = new TestJourney(Contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "workspace-browser-evidence"));
        await journey.Workspace.SaveResponseAsync(sam with { DisplayName = "Pat Colleague" }, id, codes[2], new(ComplianceClaim.Meets, "Colleague's wording", null, null, null), ReadVersion.None);
        await Narrative(page).FillAsync("My wording");
        await bar.GetByRole(AriaRole.Button, new() { Name = "Save and next" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasTextString = $"Still on {codes[2]}" })).ToBeVisibleAsync();
        await ExpectOnAsync(page, id, codes[2]);
        Assert.Equal("Colleague's wording", await StoredNarrativeAsync(id, codes[2]));
        await BrowserFixture.AssertAccessibleAsync(page);

        // Back and Forward land on the requirement that was showing, not wherever the page last was.
        await page.GoBackAsync();
        await ExpectOnAsync(page, id, codes[1]);
        await page.GoBackAsync();
        await ExpectOnAsync(page, id, codes[0]);
        await page.GoForwardAsync();
        await ExpectOnAsync(page, id, codes[1]);

        // The other shortcut, from inside the answer: back to the previous requirement, its heading focused.
        await Narrative(page).PressAsync("Alt+Shift+P");
        await ExpectOnAsync(page, id, codes[0]);
        await Assertions.Expect(Heading(page, codes[0])).ToBeFocusedAsync();
        await Assertions.Expect(bar.GetByRole(AriaRole.Button, new() { Name = "Previous requirement" })).ToBeDisabledAsync();

        // A filter is kept in the address: a reload shows the same list.
        await page.GetByLabel("Show", new() { Exact = true }).SelectOptionAsync(WorkspaceFilter.Unanswered);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("state=unanswered"));
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByLabel("Show", new() { Exact = true })).ToHaveValueAsync(WorkspaceFilter.Unanswered);
        await Assertions.Expect(NavItem(page, codes[3])).ToBeVisibleAsync();
        await Assertions.Expect(NavItem(page, codes[0])).ToHaveCountAsync(0);

        // One justification for several requirements, each saved as its own answer.
        var more = (await page.Locator(".requirement-nav__code").AllInnerTextsAsync()).Where(c => !codes.Take(3).Contains(c)).Take(2).ToList();
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark several not applicable" }).ClickAsync();
        foreach (var code in more)
        {
            await BrowserFixture.ChooseAsync(page.Locator($"input[aria-label^='Choose {code} ']"));
        }

        await page.GetByLabel("Why they do not apply").FillAsync("The system holds no patient records.");
        await page.GetByLabel("Section", new() { Exact = true }).ScrollIntoViewIfNeededAsync();
        await BrowserFixture.ScreenshotAsync(page, "workspace-choosing-1280.png");
        await page.GetByRole(AriaRole.Button, new() { Name = "Mark 2 requirements not applicable" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "Marked 2 requirements not applicable." })).ToBeVisibleAsync();
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            var marked = await db.RequirementResponses.Where(r => r.AssessmentId == id)
                .Join(db.AssessmentRequirements.Where(r => more.Contains(r.Code)), r => r.AssessmentRequirementId, r => r.Id, (response, _) => response.NotApplicableJustification)
                .ToListAsync();
            Assert.Equal(["The system holds no patient records.", "The system holds no patient records."], marked);
        }

        await Assertions.Expect(NavItem(page, more[0])).ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "workspace-1280.png");

        // At 320 px: nothing scrolls sideways, the bar stays in reach, and a field taking focus is not hidden behind it.
        await page.SetViewportSizeAsync(320, 640);
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Narrative(page).FocusAsync();
        var covered = await page.EvaluateAsync<bool>("""
            () => {
                const field = document.activeElement.getBoundingClientRect();
                const bar = document.querySelector('.workspace-bar').getBoundingClientRect();
                return field.bottom > bar.top && field.top < bar.bottom;
            }
            """);
        Assert.False(covered, "The focused narrative is behind the sticky progress bar.");
        var barBox = await bar.BoundingBoxAsync();
        Assert.True(barBox!.Y + barBox.Height <= 640.5, $"The progress bar ends at {barBox.Y + barBox.Height} px, below the window.");
        await Assertions.Expect(bar.GetByRole(AriaRole.Button, new() { Name = "Submit" })).ToBeInViewportAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "workspace-320.png");

        // Text kept in this browser goes when the supplier signs out.
        await KeepInBrowserAsync(page, id, codes[5], stamp: null, "Typed and never saved.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/sign-in\\?signedOut=true"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => Object.keys(localStorage).filter(k => k.startsWith('portal-draft:')).length"));
    }

    private async Task KeepInBrowserAsync(IPage page, int id, string code, Guid? stamp, string narrative)
    {
        var userId = await browser.App.DemoUserIdAsync(TestCallers.Supplier);
        var kept = JsonSerializer.Serialize(new
        {
            stamp = stamp?.ToString() ?? "",
            at = DateTimeOffset.UtcNow.AddMinutes(-20).ToUnixTimeMilliseconds(),
            fields = new { narrative },
        });
        await page.EvaluateAsync("([key, value]) => localStorage.setItem(key, value)", new[] { $"portal-draft:{userId}:{id}:{code}", kept });
    }
}
