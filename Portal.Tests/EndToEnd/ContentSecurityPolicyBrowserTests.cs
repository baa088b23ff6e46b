using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// The Content-Security-Policy's own cases: the API reference's narrower policy, and proof that the check notices a
/// blocked script. The fixture fails any browser test whose pages break the policy, and
/// <see cref="EveryPageBrowserTests"/> makes sure every page (each <c>@page</c> route) is among them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyBrowserTests(BrowserFixture browser)
{
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
}
