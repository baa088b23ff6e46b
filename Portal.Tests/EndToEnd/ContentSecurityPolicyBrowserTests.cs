using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Features.Assessments;
using Portal.Features.Scorecards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Every page of the portal, as each role and as someone not signed in, runs under the Content-Security-Policy with
/// nothing blocked and nothing for axe-core to find. The fixture fails any browser test whose pages break the policy;
/// this class makes sure every page (each <c>@page</c> route) is among them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyBrowserTests(BrowserFixture browser)
{
    private IDbContextFactory<PortalDbContext> Contexts => browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

    [Fact]
    public async Task Pages_open_to_everyone_run_under_the_policy_without_signing_in()
    {
        var page = await browser.NewPageAsync();

        foreach (var path in new[] { "/sign-in", "/access-denied", "/not-found", "/error", "/api/getting-started", "/api/changelog", "/invitations/no-such-invitation" })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            await BrowserFixture.AssertAccessibleAsync(page);
        }
    }

    [Fact]
    public async Task The_api_reference_runs_under_its_own_narrow_policy()
    {
        var page = await browser.NewPageAsync();

        var response = await page.GotoAsync("/api/docs/");

        var policy = await response!.HeaderValueAsync("content-security-policy");
        Assert.Contains("script-src 'self' 'sha256-", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", policy, StringComparison.Ordinal);
        // Scalar draws the operations from the document it fetched; the portal's first operation shows it ran.
        await Assertions.Expect(page.GetByText("/api/v1/me").First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "api-reference.png");
        await BrowserFixture.AssertNoPolicyViolationsAsync(page);
    }

    [Fact]
    public async Task Every_officers_page_runs_under_the_policy()
    {
        var (reviewed, draft) = await AssessmentsAsync();
        var page = await browser.SignedInPageAsync("Olivia Hart");

        await WalkAsync(page,
            "/", "/policy", "/policy/what-applies", "/policy/requirements/C.4", "/assessments", $"/assessments/{reviewed}",
            $"/assessments/{draft}/start", $"/assessments/{reviewed}/review", $"/assessments/{reviewed}/scorecard",
            $"/assessments/{reviewed}/timeline", "/scorecards/verify", "/scorecards/how-scores-are-worked-out",
            "/procurements/compare", "/dashboard", "/notifications", "/account/tokens");
    }

    [Fact]
    public async Task Every_suppliers_page_runs_under_the_policy()
    {
        var (reviewed, _) = await AssessmentsAsync();
        var page = await browser.SignedInPageAsync("Sam Okafor");

        await WalkAsync(page, "/", "/assessments", $"/assessments/{reviewed}", $"/assessments/{reviewed}/evidence", $"/assessments/{reviewed}/scorecard", "/notifications");
    }

    [Fact]
    public async Task Every_reviewers_and_administrators_page_runs_under_the_policy()
    {
        var (reviewed, _) = await AssessmentsAsync();
        var ccio = await browser.SignedInPageAsync("Dr Chris Morgan");
        await WalkAsync(ccio, "/dashboard", $"/assessments/{reviewed}/sign-off", "/procurements/compare");

        var administrator = await browser.SignedInPageAsync("Ada Price");
        await using var db = await Contexts.CreateDbContextAsync();
        var versionId = await db.FrameworkVersions.Select(v => v.Id).FirstAsync();
        await WalkAsync(administrator, "/admin/catalogue", "/admin/catalogue/drafts/999999", "/admin/users", $"/policy/versions/{versionId}/requirements/C.4");
    }

    [Fact]
    public async Task An_inline_script_the_policy_blocks_fails_the_check()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/sign-in");

        // An inline script added by the page itself, as injected markup would be: the policy has no nonce for it.
        await page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.injected = true'; document.body.append(s); }");

        await Assertions.Expect(page.Locator("body")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<bool?>("() => window.injected"));
        var failure = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => BrowserFixture.AssertNoPolicyViolationsAsync(page));
        Assert.Contains("script-src-elem blocked inline", failure.Message, StringComparison.Ordinal);
        browser.ForgetPolicyViolationsOf(page);
    }

    private static async Task WalkAsync(IPage page, params string[] paths)
    {
        foreach (var path in paths)
        {
            await page.GotoAsync(path);
            await BrowserFixture.WaitForInteractiveAsync(page);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            await BrowserFixture.AssertAccessibleAsync(page);
        }
    }

    /// <summary>A reviewed assessment with an issued scorecard (Acme, Sam Okafor's supplier) and an officer's draft.</summary>
    private async Task<(int Reviewed, int Draft)> AssessmentsAsync()
    {
        var officer = await TestCallers.ForAsync(Contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(Contexts, TestCallers.Supplier);
        var journey = new TestJourney(Contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "csp-walk"));
        var reviewed = await journey.SubmittedAsync(officer, supplier);
        Assert.True((await journey.Reviews.StartAsync(officer, reviewed)).Succeeded);
        using (var scope = browser.App.Services.CreateScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<IssuedScorecardService>().IssueAsync(officer, reviewed)).Succeeded);
        }

        var draft = (await new AssessmentStartService(Contexts, TimeProvider.System).CreateDraftAsync(officer)).Value!.Summary.Id;
        return (reviewed, draft);
    }
}
