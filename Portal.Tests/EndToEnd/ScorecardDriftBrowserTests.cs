using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Features.Evidence;
using Portal.Features.Scorecards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// The scorecard page marks the requirements whose evidence's latest link check found drift, says how many, and still
/// reads on a phone. The checks are written as the runner writes them (LinkCheckWorkerTests proves how they are found).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScorecardDriftBrowserTests(BrowserFixture browser)
{
    private const string SpecificationDrift = "Specification changed since sign-off on 3 Mar 2026.";

    [Fact]
    public async Task The_scorecard_says_how_many_requirements_have_drift_and_marks_each_one_at_desktop_and_320_pixels()
    {
        var id = await AssessmentWithDriftAsync();
        var page = await browser.SignedInPageAsync("Olivia Hart");

        await page.GotoAsync($"/assessments/{id}/scorecard");
        await BrowserFixture.WaitForInteractiveAsync(page);

        await Assertions.Expect(page.GetByTestId("drift-summary")).ToContainTextAsync("Evidence drift: 1 requirement has evidence whose latest link check found drift.");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = $"{ScorecardPdf.DriftTitle} (1)", Level = 2 })).ToBeVisibleAsync();
        var marked = page.GetByRole(AriaRole.Row).Filter(new() { HasText = SpecificationDrift });
        await Assertions.Expect(marked).ToHaveCountAsync(2);
        await Assertions.Expect(marked.Last).ToContainTextAsync("Drift: " + SpecificationDrift + " (evidence \"Patient API specification\", checked");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "P.1" }).Last).Not.ToContainTextAsync("Drift:");
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "scorecard-drift.png", fullPage: true);

        await page.SetViewportSizeAsync(320, 640);
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await NarrowScreen.AssertCellLabelsUnbrokenAsync(page);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "scorecard-drift-320.png", fullPage: true);
    }

    /// <summary>A reviewed assessment whose P.3 specification link was checked, then found changed since sign-off.</summary>
    private async Task<int> AssessmentWithDriftAsync()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "scorecard-drift"));
        var id = await journey.SubmittedAsync(officer, supplier, beforeSubmit: id => journey.Workspace.AddLinkAsync(supplier, id, "P.3",
            new EvidenceInput(EvidenceItemKind.OpenApiSpecification, "Patient API specification", "https://api.example.org/openapi.json", TimeProvider.System.PortalToday(), null)));
        await journey.Reviews.StartAsync(officer, id);
        await journey.Reviews.DecideAsync(officer, id, await journey.CodesAsync(id), ReviewOutcome.Accepted, null, TestVersions.Any);

        await using var db = await contexts.CreateDbContextAsync();
        var evidenceId = await db.EvidenceItems.Where(e => e.AssessmentId == id).Select(e => e.Id).SingleAsync();
        var now = DateTime.UtcNow;
        db.LinkChecks.AddRange(
            Check(id, evidenceId, now.AddDays(-2), "aa", null),
            Check(id, evidenceId, now.AddMinutes(-5), "bb", SpecificationDrift));
        await db.SaveChangesAsync();
        return id;
    }

    private static LinkCheck Check(int assessmentId, int evidenceId, DateTime at, string hash, string? drift) => new()
    {
        AssessmentId = assessmentId, EvidenceItemId = evidenceId, Reason = "Scheduled", RequestedAt = at, StartedAt = at, CheckedAt = at,
        Outcome = LinkCheckOutcome.Passed, Summary = "OpenAPI 3.0 \"Patient API\" version 1: 1 operation.", Sha256 = new string(hash[0], 64), Drift = drift,
    };
}
