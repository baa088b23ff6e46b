using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Features.AccessTokens;
using Portal.Features.Assessments;
using Portal.Data.AccessTokens;
using Portal.Features.EvidencePacks;
using Portal.Features.Products;
using Portal.Features.Scorecards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Every page (each <c>@page</c> route), as each person who uses it and as someone not signed in, at 320 px: it runs
/// under the Content-Security-Policy with nothing blocked, axe-core finds no WCAG 2.2 A/AA problem, nothing scrolls
/// sideways (WCAG 1.4.10 reflow) and no stacked column name breaks inside a word. One walk, loading each page once for
/// all four checks (they were two walks of the same pages, the policy's at full width, about 170 s of CI between
/// them); <see cref="The_walk_has_a_place_for_every_page"/> fails when a page is added without a place in it.
/// Full-width axe checks stay with the journeys that use each page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class EveryPageBrowserTests(BrowserFixture browser)
{
    private const string SignedOut = "(not signed in)";

    /// <summary>The walk's paths, with their ids as placeholders, so which routes it covers can be checked without a browser.</summary>
    private static (string Person, string Path)[] Walk(int awaiting, int draft, int pack, int frameworkVersion) =>
    [
        ("Olivia Hart", "/"),
        ("Olivia Hart", "/assessments"),
        ("Olivia Hart", $"/assessments/{awaiting}"),
        ("Olivia Hart", $"/assessments/{awaiting}/review"),
        ("Olivia Hart", $"/assessments/{awaiting}/scorecard"),
        ("Olivia Hart", $"/assessments/{awaiting}/timeline"),
        ("Olivia Hart", $"/assessments/{draft}/start"),
        ("Olivia Hart", $"/assessments/{draft}/start/route"),
        ("Olivia Hart", "/account/tokens"),
        ("Olivia Hart", "/account/mail"),
        ("Olivia Hart", "/dashboard"),
        ("Olivia Hart", "/notifications"),
        ("Olivia Hart", "/procurements/compare"),
        ("Olivia Hart", "/policy"),
        ("Olivia Hart", "/policy/requirements/P.1"),
        ("Olivia Hart", "/policy/what-applies"),
        ("Olivia Hart", "/scorecards/verify"),
        ("Olivia Hart", "/scorecards/how-scores-are-worked-out"),
        ("Dr Chris Morgan", $"/assessments/{awaiting}/sign-off"),
        ("Dr Chris Morgan", "/"),
        ("Dr Chris Morgan", "/dashboard"),
        ("Dr Chris Morgan", "/procurements/compare"),
        ("Sam Okafor", "/"),
        ("Sam Okafor", "/assessments"),
        ("Sam Okafor", $"/assessments/{awaiting}"),
        ("Sam Okafor", $"/assessments/{awaiting}/evidence"),
        ("Sam Okafor", $"/assessments/{awaiting}/scorecard"),
        ("Sam Okafor", "/products"),
        ("Sam Okafor", "/packs"),
        ("Sam Okafor", $"/packs/{pack}"),
        ("Sam Okafor", "/notifications"),
        ("Sam Okafor", "/invitations/no-such-invitation"),
        ("Ada Price", "/admin/users"),
        ("Ada Price", "/admin/catalogue"),
        ("Ada Price", "/admin/catalogue/drafts/999999"),
        ("Ada Price", $"/policy/versions/{frameworkVersion}/requirements/C.4"),
        ("Ada Price", "/api/getting-started"),
        ("Ada Price", "/api/changelog"),
        (SignedOut, "/sign-in"),
        (SignedOut, "/access-denied"),
        (SignedOut, "/not-found"),
        (SignedOut, "/error"),
        (SignedOut, "/register"),
        (SignedOut, "/scorecards/verify"),
        (SignedOut, "/invitations/no-such-invitation"),
        (SignedOut, "/api/getting-started"),
    ];

    /// <summary>Pages a person not signed in reaches that still hold a circuit, so the walk waits for it before checking.</summary>
    private static readonly HashSet<string> SignedOutLivePages = ["/scorecards/verify", "/access-denied", "/not-found"];

    [Fact]
    public void The_walk_has_a_place_for_every_page()
    {
        var walked = Walk(1, 2, 3, 4).Select(w => w.Path).ToList();
        var routes = typeof(Portal.Components.App).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.RouteAttribute), inherit: false))
            .Cast<Microsoft.AspNetCore.Components.RouteAttribute>()
            .Select(r => r.Template)
            .Distinct()
            .ToList();
        Assert.NotEmpty(routes);
        var missing = routes.Where(template =>
        {
            // "{Id:int}" matches one segment of digits, any other parameter one segment.
            var pattern = "^" + System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Escape(template).Replace(@"\{", "{"),
                @"\{[^}:]+(:int)?\}", m => m.Groups[1].Success ? "[0-9]+" : "[^/]+") + "$";
            return !walked.Any(path => System.Text.RegularExpressions.Regex.IsMatch(path, pattern));
        }).ToList();
        Assert.True(missing.Count == 0, $"Pages with no place in the walk: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task Every_page_runs_under_the_policy_passes_axe_and_reflows_to_320_pixels_for_the_people_who_use_it()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "every-page-evidence"));
        var awaiting = await journey.AwaitingSignOffAsync(officer, supplier);
        var draft = (await new AssessmentStartService(contexts, TimeProvider.System).CreateDraftAsync(officer)).Value!.Summary.Id;
        int pack, frameworkVersion;
        using (var scope = browser.App.Services.CreateScope())
        {
            // The scorecard pages show an issued scorecard with its verification code; the supplier has a product and a pack.
            Assert.True((await scope.ServiceProvider.GetRequiredService<IssuedScorecardService>().IssueAsync(officer, awaiting)).Succeeded);
            var products = scope.ServiceProvider.GetRequiredService<ProductService>();
            var product = await products.AddProductAsync(supplier, new("Every page walk record system", "Electronic patient record."));
            Assert.True(product.Succeeded, product.Message);
            var version = await products.AddVersionAsync(supplier, product.Value!.Id, new("4.2", new DateOnly(2026, 10, 1), null));
            Assert.True(version.Succeeded, version.Message);
            var made = await scope.ServiceProvider.GetRequiredService<EvidencePackService>().CreateAsync(supplier, new(version.Value!.Id, null));
            Assert.True(made.Succeeded, made.Message);
            pack = made.Value!.Id;
            await using var db = await contexts.CreateDbContextAsync();
            frameworkVersion = await db.FrameworkVersions.Select(v => v.Id).FirstAsync();
        }

        // Long names are what widen a page: a token named at its length limit, revoked, so its row shows every label.
        using (var scope = browser.App.Services.CreateScope())
        {
            var tokens = scope.ServiceProvider.GetRequiredService<AccessTokenService>();
            var made = await tokens.CreateAsync(officer, new string('W', 12) + " integration with the trust's electronic patient record " + new string('x', 30), TokenScope.ReadWrite, TimeProvider.System.PortalToday().AddDays(30));
            Assert.True(made.Succeeded, made.Message);
            Assert.True((await tokens.RevokeAsync(officer, made.Value!.Row.Id)).Succeeded);
            Assert.True((await tokens.CreateAsync(officer, "Nightly evidence sync from the supplier's document management system", TokenScope.Read, TimeProvider.System.PortalToday().AddDays(30))).Succeeded);
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
        var pages = Walk(awaiting, draft, pack, frameworkVersion).Select(w => (w.Person, w.Path, Then: (Func<IPage, Task>?)(w.Path switch
        {
            "/account/tokens" => tokenButtonsOnOneLine,
            _ when w.Person == "Dr Chris Morgan" && w.Path.EndsWith("/sign-off", StringComparison.Ordinal) => withConditions,
            _ => null,
        }))).ToList();

        var failures = new List<string>();
        foreach (var group in pages.GroupBy(p => p.Person))
        {
            var page = group.Key == SignedOut ? await browser.NewPageAsync() : await browser.SignedInPageAsync(group.Key);
            await page.SetViewportSizeAsync(320, 640);
            foreach (var (_, path, then) in group)
            {
                await page.GotoAsync(path);
                if (group.Key == SignedOut ? SignedOutLivePages.Contains(path) : !path.StartsWith("/api/", StringComparison.Ordinal))
                {
                    // The API guides and the sign-in, error and register pages have their own plain layout, readable
                    // without a circuit; every other page waits for its own (or for its static layout's mark).
                    await BrowserFixture.WaitForInteractiveAsync(page);
                }

                if (!(group.Key == SignedOut && path.StartsWith("/invitations/", StringComparison.Ordinal)))
                {
                    // A page that sent the walker elsewhere (to sign in, say) would be counted as walked unchecked.
                    // (A page may add to the address, as the evidence workspace names its requirement, but not leave it.)
                    Assert.Equal(path, new Uri(page.Url).AbsolutePath);
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

                // The policy's record is checked apart from axe and cleared after each page, so one page that breaks the
                // policy is named once and does not stop axe on the pages after it.
                foreach (var check in new Func<IPage, Task>[] { NarrowScreen.AssertNoSidewaysScrollAsync, NarrowScreen.AssertCellLabelsUnbrokenAsync, BrowserFixture.AssertNoPolicyViolationsAsync, BrowserFixture.AssertNoAxeViolationsAsync })
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

                await page.EvaluateAsync("() => sessionStorage.removeItem('portal-csp-violations')");
                await BrowserFixture.ScreenshotAsync(page, $"320-{group.Key.Split(' ')[^1].Trim('(', ')')}{(then is null ? "" : "-then")}{string.Concat(path.Select(c => char.IsLetterOrDigit(c) ? c : '-'))}.png", fullPage: true);
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
