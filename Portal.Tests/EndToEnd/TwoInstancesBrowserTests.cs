using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Two instances on one database behind a load balancer with session affinity: people are spread over both and kept
/// each on one, what one instance saves the other shows, and when the instance holding a person's page is killed in
/// the middle of their typing, they carry on through the other, still signed in, with nothing saved lost and what they
/// were typing offered back.
/// </summary>
public sealed class TwoInstancesBrowserTests(TwoInstancesBehindProxy two) : IClassFixture<TwoInstancesBehindProxy>
{
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

    private async Task<(int Id, IPage Page, string Instance, List<string> Codes)> SupplierInWorkspaceAsync()
    {
        var id = await TestAssessments.InvitedAsync(two.Database, await TestCallers.ForAsync(two.Database, TestCallers.Officer));
        var (page, instance) = await two.SignedInPageAsync("Sam Okafor");
        var workspace = await page.GotoAsync($"/assessments/{id}/evidence");
        Assert.Equal(instance, TwoInstancesBehindProxy.InstanceOf(workspace));
        await BrowserFixture.WaitForInteractiveAsync(page);
        var codes = (await page.Locator(".requirement-nav__code").AllInnerTextsAsync()).Take(2).ToList();
        return (id, page, instance, codes);
    }

    [Fact]
    public async Task Two_people_land_on_different_instances_each_stays_on_theirs_and_each_instance_shows_what_the_other_saved()
    {
        await two.EnsureBothRunningAsync();
        var (id, supplier, supplierInstance, codes) = await SupplierInWorkspaceAsync();
        var (officer, officerInstance) = await two.SignedInPageAsync("Olivia Hart");

        await OpenAsync(supplier, codes[0]);
        await Narrative(supplier).FillAsync("Saved through one instance, read through the other.");
        await OpenAsync(supplier, codes[1]);
        await ExpectStoredAsync(supplier, codes[0]);
        var officerAgain = await officer.GotoAsync($"/assessments/{id}");
        await BrowserFixture.WaitForInteractiveAsync(officer);
        using var otherInstance = two.Instance(two.OtherThan(supplierInstance)).Client(TestCallers.Officer);
        using var read = JsonDocument.Parse(await otherInstance.GetStringAsync($"/api/v1/assessments/{id}/responses/{codes[0]}"));

        Assert.NotEqual(supplierInstance, officerInstance);
        Assert.Equal(officerInstance, TwoInstancesBehindProxy.InstanceOf(officerAgain));
        Assert.Equal("Saved through one instance, read through the other.", read.RootElement.GetProperty("answer").GetProperty("narrative").GetString());
        await BrowserFixture.AssertAccessibleAsync(officer);
    }

    [Fact]
    public async Task When_the_instance_holding_the_page_is_killed_the_person_carries_on_through_the_other_signed_in_with_their_typing_offered_back()
    {
        await two.EnsureBothRunningAsync();
        var (id, page, instance, codes) = await SupplierInWorkspaceAsync();
        await OpenAsync(page, codes[0]);
        await Narrative(page).FillAsync("Every record is reachable through our FHIR R4 API.");
        await OpenAsync(page, codes[1]);
        await ExpectStoredAsync(page, codes[0]);

        // The instance hangs while the supplier types the next answer, so none of it reaches the server, then is killed.
        var holding = two.Instance(instance);
        await holding.FreezeAsync();
        await Narrative(page).FillAsync("Rate limits are published per endpoint and per token.");
        await page.WaitForFunctionAsync(
            "text => Object.keys(localStorage).some(k => k.startsWith('portal-draft:') && localStorage.getItem(k).includes(text))",
            "Rate limits are published per endpoint");
        // The browser's attempts to reconnect are held until the lost-connection dialog has been checked.
        var checkedDialog = new TaskCompletionSource();
        await page.RouteAsync("**/_blazor/negotiate**", async route =>
        {
            await checkedDialog.Task;
            await route.ContinueAsync();
        });
        await holding.KillAsync();

        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "The connection to the portal was lost" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog.GetByRole(AriaRole.Status)).ToHaveTextAsync("Reconnecting...");
        await Assertions.Expect(dialog).ToContainTextAsync("Answers you were typing are kept in this browser");
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.SetViewportSizeAsync(320, 640);
        await BrowserFixture.ScreenshotAsync(page, "two-instances-connection-lost-320.png");
        var box = await dialog.BoundingBoxAsync();
        Assert.True(box is { X: >= 0 } && box.X + box.Width <= 320, $"The dialog does not fit 320 px: {box?.X} + {box?.Width}.");
        Assert.Equal(320, await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth"));
        await page.SetViewportSizeAsync(1280, 720);

        // Blazor reaches the surviving instance, which does not know the circuit; the page reloads there.
        var reloaded = await page.RunAndWaitForResponseAsync(() =>
        {
            checkedDialog.SetResult();
            return Task.CompletedTask;
        }, response => response.Request.IsNavigationRequest && response.Request.Frame == page.MainFrame, new() { Timeout = 90_000 });
        await page.UnrouteAllAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);

        Assert.Equal(two.OtherThan(instance), TwoInstancesBehindProxy.InstanceOf(reloaded));
        // Back on the requirement they were typing in (the address keeps it), still signed in.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/assessments/{id}/evidence"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 2, NameRegex = new Regex($"^{Regex.Escape(codes[1])} ") })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(new Regex("^We kept text you had not saved .* It is saved now\\.$"))).ToBeVisibleAsync();
        await Assertions.Expect(Narrative(page)).ToHaveValueAsync("Rate limits are published per endpoint and per token.");
        await ExpectStoredAsync(page, codes[1]);
        await BrowserFixture.ScreenshotAsync(page, "two-instances-typing-offered-back.png");
        await BrowserFixture.AssertAccessibleAsync(page);
        await OpenAsync(page, codes[0]);
        await Assertions.Expect(Narrative(page)).ToHaveValueAsync("Every record is reachable through our FHIR R4 API.");
    }
}
