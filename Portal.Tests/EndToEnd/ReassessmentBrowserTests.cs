using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Features;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// The officer starts an upgrade reassessment from a signed-off assessment with the keyboard; once the supplier has
/// answered, the review shows what carried forward and what reopened and why, at desktop width and at 320 pixels.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReassessmentBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_officer_starts_a_reassessment_and_the_review_shows_carried_forward_and_reopened_requirements()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var ccio = await TestCallers.ForAsync(contexts, TestCallers.Ccio);
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "reassessment"));
        var (sourceId, codes) = await TestReassessments.SignedOffAsync(contexts, journey, officer, supplier, ccio);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            // The specification behind codes[0] reads differently since sign-off; the one behind codes[4] does not.
            var signedAt = await db.SignOffs.Where(s => s.AssessmentId == sourceId).Select(s => s.SignedAt).SingleAsync();
            await TestReassessments.AddCheckAsync(db, sourceId, codes[0], signedAt.AddMinutes(-1), new string('a', 64));
            await TestReassessments.AddCheckAsync(db, sourceId, codes[0], signedAt.AddMinutes(1), new string('b', 64));
            await TestReassessments.AddCheckAsync(db, sourceId, codes[4], signedAt.AddMinutes(-1), new string('c', 64));
            await db.SaveChangesAsync();
        }

        var page = await browser.SignedInPageAsync("Olivia Hart");
        await page.GotoAsync($"/assessments/{sourceId}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Upgrade reassessment" })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "reassessment-start.png", fullPage: true);
        var start = page.GetByRole(AriaRole.Button, new() { Name = "Start a reassessment" });
        await start.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex(@"/assessments/\d+/start/route$"));
        await BrowserFixture.WaitForInteractiveAsync(page);
        var draftId = int.Parse(Regex.Match(page.Url, @"/assessments/(\d+)/start").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Reassessing a signed-off assessment?" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText($"OAP-{sourceId:D5}, Patient administration system").First).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "reassessment-route-step.png", fullPage: true);

        // The rest of the guided start, the supplier's fresh answers to what reopened, and the start of the review.
        await TestReassessments.GuidedStartAndInviteAsync(contexts, journey.Store, officer, supplier, draftId);
        var workspace = (await journey.Workspace.GetAsync(supplier, draftId))!;
        foreach (var requirement in workspace.Requirements.Where(r => !r.IsAnswered))
        {
            Assert.True((await journey.Workspace.SaveResponseAsync(supplier, draftId, requirement.Code, new(ComplianceClaim.Meets, "The 6.0 answer", null, null, null),
                ReadVersion.Of(requirement.Response?.ConcurrencyStamp))).Succeeded);
        }

        foreach (var function in workspace.Functions.Where(f => !f.IsAnswered))
        {
            await journey.Workspace.SaveFunctionAsync(supplier, draftId, function.Id, "GET /Patient", null, ReadVersion.Of(function.ConcurrencyStamp));
        }

        Assert.True((await journey.Workspace.SubmitAsync(supplier, draftId)).Succeeded);
        Assert.True((await journey.Reviews.StartAsync(officer, draftId)).Succeeded);

        await page.GotoAsync($"/assessments/{draftId}/review?requirement={codes[0]}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"Reassessment of OAP-{sourceId:D5}" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Note)).ToContainTextAsync($"Reopened: Evidence changed: the content at \u201cEvidence for {codes[0]}\u201d is not what was checked at sign-off.");
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "reassessment-review-reopened.png", fullPage: true);

        await page.GotoAsync($"/assessments/{draftId}/review?requirement={codes[4]}");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByText("Carried forward:")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(new Regex($"^Carried forward from OAP-{sourceId:D5}, signed off \\d"))).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.SetViewportSizeAsync(320, 640);
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "reassessment-review-carried-320.png", fullPage: true);

        await page.GotoAsync($"/assessments/{draftId}/sign-off");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.Locator("#carry-forward")).ToContainTextAsync($"{codes[0]}");
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "reassessment-sign-off-320.png", fullPage: true);
    }
}
