using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// A sample of the hostile corpus (<see cref="HostileDocuments"/>) through the supplier's own upload, as a person would
/// choose the file: each refused file gets its reason beside the upload, stays out of the evidence list, and the page
/// lives on; a benign file of the same kind is then kept. The whole corpus goes through the API and the service.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class HostileUploadBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Hostile_files_chosen_in_the_browser_are_refused_with_their_reason_and_a_benign_one_is_kept()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var id = await TestAssessments.InvitedAsync(contexts, await TestCallers.ForAsync(contexts, TestCallers.Officer));
        var page = await browser.SignedInPageAsync("Sam Okafor");
        await page.GotoAsync($"/assessments/{id}/evidence");
        await BrowserFixture.WaitForInteractiveAsync(page);
        var input = page.Locator("input.evidence-file-input:not(.d-none)");

        foreach (var name in new[] { "pdf-javascript-open-action", "pdf-followed-by-executable", "docx-vba-project", "odt-mimetype-inflation-bomb", "png-followed-by-html", "txt-html-page" })
        {
            var hostile = HostileDocuments.Get(name);
            await page.GetByLabel("Title", new() { Exact = true }).FillAsync($"Sample {name}");
            await BrowserFixture.ChooseFileAsync(input, new FilePayload { Name = hostile.FileName, MimeType = "application/octet-stream", Buffer = hostile.Content() });

            await Assertions.Expect(page.GetByText(new Regex(Regex.Escape(hostile.Refusal!))).First).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"{hostile.FileName} (download)" })).ToHaveCountAsync(0);
        }

        await BrowserFixture.AssertAccessibleAsync(page);
        var benign = HostileDocuments.Get("pdf-made-by-pdfsharp");
        await page.GetByLabel("Title", new() { Exact = true }).FillAsync("Interface specification");
        await BrowserFixture.ChooseFileAsync(input, new FilePayload { Name = benign.FileName, MimeType = "application/pdf", Buffer = benign.Content() });
        await Assertions.Expect(page.GetByText($"{benign.FileName} uploaded.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = $"{benign.FileName} (download)" })).ToBeVisibleAsync();

        await using var db = await contexts.CreateDbContextAsync();
        Assert.Equal(6, await db.AuditEvents.CountAsync(e => e.AssessmentId == id && e.Action == "DocumentRefused"));
    }
}
