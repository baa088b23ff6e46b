using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Hosting;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// The demo's self-assessment checks the portal's own API (its origin, and only it, allowed on loopback), and the
/// procurement officer reviewing it sees the results beside the claim and the significant functions matched.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LinkCheckBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_reviewer_sees_the_portals_own_OpenAPI_document_checked_and_the_functions_found_in_it()
    {
        var port = FreePort();
        var address = $"http://127.0.0.1:{port}";
        await using var portal = new PortalAppFactory(testSignIn: false, settings: new Dictionary<string, string?>
        {
            ["Seed:SelfAssessment"] = "true",
            ["Seed:PublicBaseUrl"] = address,
            // Only the person's "Check again" runs checks here, so what the page shows does not race a worker.
            ["LinkChecks:CheckAgainMinutes"] = "0",
        }).StartOnKestrel(port);
        int id;
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            id = await db.Assessments.Where(a => a.SystemName == DemoSelfAssessment.SystemName).Select(a => a.Id).SingleAsync();
        }

        await using var context = await browser.Browser.NewContextAsync(new() { BaseURL = portal.BaseAddress, Locale = "en-GB" });
        context.SetDefaultTimeout(BrowserTimeouts.Default);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in as Olivia Hart,", Exact = false }).ClickAsync();
        await page.WaitForURLAsync($"{portal.BaseAddress}/");

        await page.GotoAsync($"/assessments/{id}/review?requirement=P.1");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByText("Not checked yet:")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Check again: OpenAPI 3.1 document of the API" }).ClickAsync();

        var result = page.Locator(".link-check").First;
        await Assertions.Expect(result).ToContainTextAsync(new Regex("(Check passed|Checked, \\d+ findings?): OpenAPI 3\\.1 \""), new() { Timeout = BrowserTimeouts.Default });
        await Assertions.Expect(result).ToContainTextAsync("checked just now");
        await page.GetByText("What the check found").First.ClickAsync();
        await Assertions.Expect(result).ToContainTextAsync("Security schemes");

        // The functions' operations, as the team stated them, are in the document the portal just read.
        await page.ReloadAsync();
        await BrowserFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByText("Found. Found in the OpenAPI specification: GET /api/v1/assessments/{assessmentId}/scorecard")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "link-check-review.png", fullPage: true);
        await page.SetViewportSizeAsync(320, 800);
        await BrowserFixture.AssertAccessibleAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "link-check-review-320.png", fullPage: true);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
