using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Features.AccessTokens;
using Portal.Features.Assessments;
using Portal.Data.AccessTokens;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Every page, as the person who uses it, at 320 px (WCAG 1.4.10 reflow): nothing scrolls sideways and no stacked
/// column name breaks inside a word. One walk, so a page added later without a place here is the only way to miss it.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PhoneWidthBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Every_page_reflows_to_320_pixels_for_the_people_who_use_it()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "phone-width-evidence"));
        var awaiting = await journey.AwaitingSignOffAsync(officer, supplier);
        var draft = (await new AssessmentStartService(contexts, TimeProvider.System).CreateDraftAsync(officer)).Value!.Summary.Id;

        // Long names are what widen a page: a token named at its length limit, revoked, so its row shows every label.
        using (var scope = browser.App.Services.CreateScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<AccessTokenService>();
            var made = await tokens.CreateAsync(officer, new string('W', 12) + " integration with the trust's electronic patient record " + new string('x', 30), TokenScope.ReadWrite, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30));
            Assert.True(made.Succeeded, made.Message);
            Assert.True((await tokens.RevokeAsync(officer, made.Value!.Row.Id)).Succeeded);
            Assert.True((await tokens.CreateAsync(officer, "Nightly evidence sync from the supplier's document management system", TokenScope.Read, DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30))).Succeeded);
        }

        // Some pages grow when a person acts on them: the CCIO's conditions, for one, bring date fields.
        var withConditions = async (IPage page) =>
        {
            await BrowserFixture.ChooseAsync(page.GetByRole(AriaRole.Radio, new() { Name = "Approve with conditions", Exact = true }));
            var owner = (await page.GetByLabel("Owner of condition 1").BoundingBoxAsync())!;
            var due = (await page.GetByLabel("Due date of condition 1").BoundingBoxAsync())!;
            Assert.True(due.Y >= owner.Y + owner.Height, "At 320 px a condition's owner and due date stack, each full width, rather than squeeze side by side.");
        };
        var tokenButtonsOnOneLine = async (IPage page) =>
        {
            await AssertOneLineAsync(page.GetByRole(AriaRole.Button, new() { Name = "Revoke Nightly evidence sync from the supplier's document management system" }));
            var choices = page.Locator(".mud-radio");
            var first = (await choices.Nth(0).BoundingBoxAsync())!;
            var second = (await choices.Nth(1).BoundingBoxAsync())!;
            Assert.True(second.Y - (first.Y + first.Height) >= 4, "Two radio choices of several lines each have space between them.");
        };
        var pages = new (string Person, string Path, Func<IPage, Task>? Then)[]
        {
            ("Olivia Hart", "/", null),
            ("Olivia Hart", "/assessments", null),
            ("Olivia Hart", $"/assessments/{awaiting}", null),
            ("Olivia Hart", $"/assessments/{awaiting}/review", null),
            ("Olivia Hart", $"/assessments/{awaiting}/scorecard", null),
            ("Olivia Hart", $"/assessments/{awaiting}/timeline", null),
            ("Olivia Hart", $"/assessments/{draft}/start", null),
            ("Olivia Hart", "/account/tokens", tokenButtonsOnOneLine),
            ("Olivia Hart", "/dashboard", null),
            ("Olivia Hart", "/notifications", null),
            ("Olivia Hart", "/policy", null),
            ("Olivia Hart", "/policy/requirements/P.1", null),
            ("Olivia Hart", "/policy/what-applies", null),
            ("Olivia Hart", "/scorecards/verify", null),
            ("Olivia Hart", "/scorecards/how-scores-are-worked-out", null),
            ("Dr Chris Morgan", $"/assessments/{awaiting}/sign-off", null),
            ("Dr Chris Morgan", $"/assessments/{awaiting}/sign-off", withConditions),
            ("Dr Chris Morgan", "/", null),
            ("Sam Okafor", "/", null),
            ("Sam Okafor", $"/assessments/{awaiting}/evidence", null),
            ("Ada Price", "/admin/users", null),
            ("Ada Price", "/admin/catalogue", null),
            ("Ada Price", "/api/getting-started", null),
            ("Ada Price", "/api/changelog", null),
        };

        var failures = new List<string>();
        foreach (var group in pages.GroupBy(p => p.Person))
        {
            var page = await browser.SignedInPageAsync(group.Key);
            await page.SetViewportSizeAsync(320, 640);
            foreach (var (_, path, then) in group)
            {
                await page.GotoAsync(path);
                if (!path.StartsWith("/api/", StringComparison.Ordinal))
                {
                    // The API guides are static pages, readable without a circuit; every other page waits for its own.
                    await BrowserFixture.WaitForInteractiveAsync(page);
                }

                await Assertions.Expect(page.Locator("h1").First).ToBeVisibleAsync();
                if (then is not null)
                {
                    await then(page);
                }

                var signOut = page.GetByRole(AriaRole.Button, new() { Name = "Sign out" });
                if (await signOut.CountAsync() > 0)
                {
                    // The API guides have their own plain header, without it.
                    await AssertOneLineAsync(signOut);
                }

                foreach (var check in new Func<IPage, Task>[] { NarrowScreen.AssertNoSidewaysScrollAsync, NarrowScreen.AssertCellLabelsUnbrokenAsync })
                {
                    try
                    {
                        await check(page);
                    }
                    catch (Xunit.Sdk.XunitException failed)
                    {
                        failures.Add($"{group.Key} on {path}: {failed.Message}");
                    }
                }

                await BrowserFixture.ScreenshotAsync(page, $"320-{group.Key.Split(' ')[^1]}{(then is null ? "" : "-then")}{string.Concat(path.Select(c => char.IsLetterOrDigit(c) ? c : '-'))}.png", fullPage: true);
            }

            await page.Context.CloseAsync();
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>A button's visible words stay on one line (a label broken over lines in a small button reads as two).</summary>
    private static async Task AssertOneLineAsync(ILocator button)
    {
        var lines = await button.EvaluateAsync<int>("""
            b => {
                const tops = new Set();
                const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    if (node.parentElement.closest('.visually-hidden')) continue;
                    const range = document.createRange();
                    range.selectNodeContents(node);
                    for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top / 4));
                }
                return tops.size;
            }
            """);
        Assert.True(lines == 1, $"\"{await button.InnerTextAsync()}\" takes {lines} lines.");
    }
}
