using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Data.Workers;
using Portal.Features.Dashboards;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class DashboardBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_officer_opens_the_dashboard_from_the_navigation_and_follows_expiring_evidence_to_the_assessment()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "dashboard-browser-evidence"));
        var today = TimeProvider.System.PortalToday();
        var id = await journey.SubmittedAsync(officer, supplier, beforeSubmit: id => journey.Workspace.AddLinkAsync(supplier, id, "P.3",
            new EvidenceInput(EvidenceItemKind.TestEnvironment, "Penetration test report", "https://security.acme.example/pentest", today.AddDays(-30), today.AddDays(5))));
        await journey.Reviews.StartAsync(officer, id);
        await journey.Reviews.DecideAsync(officer, id, await journey.CodesAsync(id), ReviewOutcome.Accepted, null, TestVersions.Any);
        await browser.App.Services.GetRequiredService<ScoreRefreshWorker>().RunOnceAsync();
        var page = await browser.SignedInPageAsync("Olivia Hart");

        await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard: Demo Valley NHS Foundation Trust", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.List, new() { Name = "Assessments by RAG status" })).ToContainTextAsync("Green");
        await Assertions.Expect(page.GetByRole(AriaRole.Table).Filter(new() { HasTextString = "All assessments" })).ToContainTextAsync("Under review");
        await Assertions.Expect(page.GetByText("Penetration test report (P.3, Acme Clinical Systems Ltd)")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.Locator($"a[href='/assessments/{id}/evidence']").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync($"{browser.App.BaseAddress}/assessments/{id}/evidence");
    }

    [Fact]
    public async Task At_320_pixels_the_status_by_rag_table_scrolls_inside_a_named_region_a_keyboard_can_reach()
    {
        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.SetViewportSizeAsync(320, 640);

        await page.GotoAsync("/dashboard");
        await BrowserFixture.WaitForInteractiveAsync(page);

        var region = page.GetByRole(AriaRole.Region, new() { Name = "Assessments by status and RAG status, scrolls sideways" });
        await Assertions.Expect(region.GetByRole(AriaRole.Table)).ToContainTextAsync("All assessments");
        await region.FocusAsync();
        Assert.True(await region.EvaluateAsync<bool>("el => el === document.activeElement"), "The table's region cannot take focus.");
        Assert.True(await region.EvaluateAsync<bool>("el => el.scrollWidth > el.clientWidth"), "At 320 px the table fits; this test no longer checks the scrolling case.");
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Theory]
    [InlineData("Assessments by workflow status")]
    [InlineData("Assessments by RAG status")]
    public async Task Each_bar_is_drawn_as_wide_as_its_number_makes_it_the_largest_filling_its_track(string chart)
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        await new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "dashboard-bars")).SubmittedAsync(officer, supplier);
        var page = await browser.SignedInPageAsync("Olivia Hart");

        await page.GotoAsync("/dashboard");
        await BrowserFixture.WaitForInteractiveAsync(page);
        var list = page.GetByRole(AriaRole.List, new() { Name = chart });
        await Assertions.Expect(list.Locator("li").First).ToBeVisibleAsync();

        var bars = JsonSerializer.Deserialize<List<DrawnBar>>(await list.EvaluateAsync<string>("""
            ul => JSON.stringify([...ul.querySelectorAll('li')].map(li => ({
                name: li.querySelector('.count-bar__label').textContent,
                count: Number(li.querySelector('.count-bar__value').textContent),
                fill: li.querySelector('.count-bar__fill').getBoundingClientRect().width,
                track: li.querySelector('.count-bar__track').clientWidth,
                marker: getComputedStyle(li).listStyleType,
            })))
            """), JsonSerializerOptions.Web)!;
        var largest = bars.Max(b => b.Count);
        Assert.True(largest > 0, "The officer's organisation has a submitted assessment, so some bar has a number.");
        Assert.All(bars, bar =>
        {
            Assert.Equal("none", bar.Marker);
            Assert.True(bar.Track >= 48, $"{bar.Name}: the bar's track is {bar.Track} px wide, so no bar is drawn.");
            var expected = bar.Track * bar.Count / largest;
            Assert.True(Math.Abs(bar.Fill - expected) <= 1.5, $"{bar.Name} ({bar.Count} of at most {largest}) is {bar.Fill:0.#} px wide, not {expected:0.#} px.");
        });
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    private sealed record DrawnBar(string Name, int Count, double Fill, double Track, string Marker);

    [Fact]
    public async Task Scores_not_yet_recalculated_are_marked_as_updating_and_the_officer_recalculates_them_on_request()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        // Another instance holds the score job and has not reached this change yet: the page must not pretend otherwise.
        await HoldScoreJobElsewhereAsync(contexts, DateTime.UtcNow.AddHours(1));
        try
        {
            var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
            var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "dashboard-updating"));
            var id = await journey.SubmittedAsync(officer, await TestCallers.ForAsync(contexts, TestCallers.Supplier));
            await journey.Reviews.StartAsync(officer, id);
            await journey.Reviews.DecideAsync(officer, id, ["P.3"], ReviewOutcome.Rejected, "The API is not published.", TestVersions.Any);
            var page = await browser.SignedInPageAsync("Olivia Hart");

            await page.GotoAsync("/assessments?search=" + Uri.EscapeDataString($"OAP-{id:D5}"));
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.Locator("td[data-label='RAG status']")).ToHaveTextAsync("Not yet scored (updating)");
            await BrowserFixture.AssertAccessibleAsync(page);

            await page.GotoAsync("/dashboard");
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "being updated" })).ToBeVisibleAsync();
            await BrowserFixture.AssertAccessibleAsync(page);
            await page.GetByRole(AriaRole.Button, new() { Name = "Recalculate scores now" }).ClickAsync();

            await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "Recalculated" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("being updated")).ToHaveCountAsync(0);
            await BrowserFixture.AssertAccessibleAsync(page);
            await page.GotoAsync("/assessments?search=" + Uri.EscapeDataString($"OAP-{id:D5}"));
            await Assertions.Expect(page.Locator("td[data-label='RAG status']")).ToHaveTextAsync("Red");

            // The page has no circuit: its button posts back. When the scores are brought up to date between the page
            // showing the button and the officer pressing it (another instance's score job), the post still finds its
            // form and says so, instead of an error.
            await journey.Reviews.DecideAsync(officer, id, ["P.4"], ReviewOutcome.Rejected, "The documentation is not free.", TestVersions.Any);
            await page.GotoAsync("/dashboard");
            await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "being updated" })).ToBeVisibleAsync();
            using (var scope = browser.App.Services.CreateScope())
            {
                Assert.True((await scope.ServiceProvider.GetRequiredService<Portal.Features.Dashboards.DashboardService>().RecalculateAsync(officer)).Succeeded);
            }

            await page.GetByRole(AriaRole.Button, new() { Name = "Recalculate scores now" }).ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "Every score was already up to date" })).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("Dashboard");
        }
        finally
        {
            await HoldScoreJobElsewhereAsync(contexts, DateTime.MinValue);
        }
    }

    private static async Task HoldScoreJobElsewhereAsync(IDbContextFactory<PortalDbContext> contexts, DateTime until)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var lease = await db.WorkerLeases.SingleOrDefaultAsync(l => l.Name == ScoreRefreshWorker.Job);
        if (lease is null)
        {
            db.WorkerLeases.Add(lease = new WorkerLease { Name = ScoreRefreshWorker.Job });
        }

        lease.HeldBy = "another instance";
        lease.Until = until;
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_ccio_opens_the_dashboard_from_their_home_page()
    {
        var page = await browser.SignedInPageAsync("Dr Chris Morgan");

        await page.GetByRole(AriaRole.Link, new() { Name = "Organisation dashboard" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard: Demo Valley NHS Foundation Trust", Level = 1 })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
    }
}
