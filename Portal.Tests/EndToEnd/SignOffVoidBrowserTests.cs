using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Features.Evidence;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;
using Portal.Features;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class SignOffVoidBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task After_a_change_voids_a_sign_off_the_list_the_home_pages_and_the_assessment_say_so_and_what_changed()
    {
        var id = await SignedOffThenChangedAsync();
        var reference = $"OAP-{id:D5}";
        var officer = await browser.SignedInPageAsync("Olivia Hart");

        await Assertions.Expect(Row(officer, reference)).ToContainTextAsync("Sign-off void: Sam Okafor changed the answer to C.4.");
        await BrowserFixture.AssertAccessibleAsync(officer);

        await officer.GotoAsync($"/assessments?search={reference}");
        await BrowserFixture.WaitForInteractiveAsync(officer);
        await Assertions.Expect(Row(officer, reference)).ToContainTextAsync("Under review");
        await Assertions.Expect(Row(officer, reference)).ToContainTextAsync("Sign-off void: Sam Okafor changed the answer to C.4.");
        await BrowserFixture.AssertAccessibleAsync(officer);

        await Row(officer, reference).GetByRole(AriaRole.Link, new() { Name = reference }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "Sign-off void" }))
            .ToContainTextAsync("Sam Okafor changed the answer to C.4. The procurement officer reviews the change");
        // From the list (no circuit) to a live page: its circuit starts, and its title is in place, before axe looks.
        await BrowserFixture.WaitForInteractiveAsync(officer);
        await Assertions.Expect(officer).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("OAP-"));
        await BrowserFixture.AssertAccessibleAsync(officer);

        var supplier = await browser.SignedInPageAsync("Sam Okafor");
        await Assertions.Expect(Row(supplier, reference)).ToContainTextAsync("Sign-off void: Sam Okafor changed the answer to C.4.");
        await BrowserFixture.AssertAccessibleAsync(supplier);
    }

    private static ILocator Row(IPage page, string reference) =>
        page.Locator("tr").Filter(new() { Has = page.GetByRole(AriaRole.Link, new() { Name = reference, Exact = true }) });

    /// <summary>An assessment reviewed and signed off, whose supplier then changes the answer to C.4.</summary>
    private async Task<int> SignedOffThenChangedAsync()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var ccio = await TestCallers.ForAsync(contexts, TestCallers.Ccio);
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "sign-off-void-browser"));
        var id = await journey.AwaitingSignOffAsync(officer, supplier);
        var signed = await journey.SignOffs.DecideAsync(ccio, id, new(SignOffService.Choice.Approve, true, "HL-2026-014", null, null, []), TestVersions.Any);
        Assert.True(signed.Succeeded, signed.Message);
        var answer = (await journey.Workspace.GetAsync(supplier, id))!.Requirements.Single(r => r.Code == "C.4");
        var saved = await journey.Workspace.SaveResponseAsync(supplier, id, "C.4",
            new(ComplianceClaim.PartiallyMeets, "The sandbox is down for maintenance.", null, null, null), ReadVersion.Of(answer.Response!.ConcurrencyStamp));
        Assert.Equal(OutcomeKind.Done, saved.Kind);
        return id;
    }
}
