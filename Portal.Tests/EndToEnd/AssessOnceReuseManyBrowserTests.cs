using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Policy;
using Portal.Features.Assessments;
using Portal.Features.Products;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// Issue 18 walked end to end in one browser: the supplier builds a pack and shares it with two organisations, fills each
/// one's assessment from it, and each reviews on its own; one signs off and publishes, a signed-out browser sees only the
/// status, the other organisation sees nothing of the first one's review or sign-off, and a withdrawn share stops at once.
/// The assessments' drafts and invitations are made through the services (an officer's start is covered elsewhere); every
/// act this journey is about is a click in the browser, with axe on every page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AssessOnceReuseManyBrowserTests(BrowserFixture browser)
{
    private const string Product = "Reuse Journey PAS";
    private const string Version = "2.0";
    private const string TrustAName = "Demo Valley NHS Foundation Trust";
    private const string TrustBName = "NHS Demo Shire Integrated Care Board";

    // Text only trust A writes: none of it may reach trust B's pages or the public register.
    private const string NoteA = "TRUST-A-INTERNAL-NOTE-4K";
    private const string HazardsA = "TRUST-A-HAZARDS-9W";
    private const string HazardLogA = "HL-TRUST-A-77";
    private const string QuestionB = "Trust B asks: which error-code catalogue applies?";

    // Small scopes keep the journey short: the pack answers P.1 and P.2, the supplier answers C.3 in each assessment.
    private static readonly string[] PackCodes = ["P.1", "P.2"];
    private static readonly string[] Scope = ["P.1", "P.2", "C.3"];

    [Fact]
    public async Task A_pack_shared_with_two_trusts_fills_both_and_each_trust_reviews_signs_off_and_publishes_alone()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

        // The supplier adds the product and version, starts its pack, answers two requirements and shares it with both trusts.
        var supplier = await browser.SignedInPageAsync("Sam Okafor");
        await GoAsync(supplier, "/products");
        await supplier.GetByLabel("Product name").FillAsync(Product);
        await supplier.GetByRole(AriaRole.Button, new() { Name = "Add product", Exact = true }).ClickAsync();
        var versionForm = supplier.Locator("fieldset").Filter(new() { HasTextString = $"Add a version of {Product}" });
        await versionForm.GetByLabel("Version", new() { Exact = true }).FillAsync(Version);
        await versionForm.GetByRole(AriaRole.Button, new() { Name = $"Add version of {Product}" }).ClickAsync();
        await CheckAsync(supplier, "journey-1-products.png");
        await supplier.GetByRole(AriaRole.Button, new() { Name = $"Start a pack for {Product} {Version}" }).ClickAsync();
        await supplier.WaitForURLAsync(new Regex(@"/packs/\d+$"));
        await BrowserFixture.WaitForInteractiveAsync(supplier);
        var packId = int.Parse(Regex.Match(supplier.Url, @"/packs/(\d+)$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        foreach (var code in PackCodes)
        {
            await supplier.GetByRole(AriaRole.Navigation, new() { Name = "Requirements of the pack" })
                .GetByRole(AriaRole.Button, new() { NameRegex = new Regex($"^{Regex.Escape(code)} ") }).ClickAsync();
            await Assertions.Expect(supplier.GetByRole(AriaRole.Heading, new() { Level = 2, NameRegex = new Regex($"^{Regex.Escape(code)} ") })).ToBeVisibleAsync();
            await supplier.GetByRole(AriaRole.Combobox, new() { Name = "Claim" }).ClickAsync();
            await supplier.GetByRole(AriaRole.Option, new() { Name = "Meets", Exact = true }).ClickAsync();
            await Assertions.Expect(supplier.GetByRole(AriaRole.Combobox, new() { Name = "Claim" })).ToHaveTextAsync("Meets");
            await supplier.GetByLabel("How the product meets it").FillAsync($"Pack answer to {code}: documented in the public API reference.");
            await supplier.GetByRole(AriaRole.Button, new() { Name = "Save answer" }).ClickAsync();
            await Assertions.Expect(supplier.GetByRole(AriaRole.Status).Filter(new() { HasTextString = $"Saved the answer to {code}." })).ToBeVisibleAsync();
        }

        // An unknown code is said next to the field; then the two shares.
        await supplier.GetByLabel("ODS code of the organisation").FillAsync("ZZZ9");
        await supplier.GetByRole(AriaRole.Button, new() { Name = "Share the pack" }).ClickAsync();
        await Assertions.Expect(supplier.GetByText("No NHS organisation in the portal has the ODS code ZZZ9.").First).ToBeVisibleAsync();
        foreach (var ods in new[] { "XDV", "XDS" })
        {
            await supplier.GetByLabel("ODS code of the organisation").FillAsync(ods);
            await supplier.GetByRole(AriaRole.Button, new() { Name = "Share the pack" }).ClickAsync();
            await Assertions.Expect(supplier.Locator("li").Filter(new() { HasTextString = $"({ods})" })).ToBeVisibleAsync();
        }

        await CheckAsync(supplier, "journey-2-pack-shared.png");
        var wide = supplier.ViewportSize!;
        await supplier.SetViewportSizeAsync(320, 800);
        await NarrowScreen.AssertNoSidewaysScrollAsync(supplier);
        await supplier.SetViewportSizeAsync(wide.Width, wide.Height);

        // Each trust's officer names the version in an assessment scoped to three requirements; trust B has a second one
        // still waiting for the supplier, to show withdrawal at the end.
        int versionId;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            versionId = await db.ProductVersions.Where(v => v.Label == Version && v.Product!.Name == Product).Select(v => v.Id).SingleAsync();
        }

        var supplierCaller = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var officerA = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var officerB = await TestCallers.ForAsync(contexts, TestCallers.OtherOfficer);
        var assessmentA = await ScopedAssessmentAsync(contexts, officerA, supplierCaller, versionId);
        var assessmentB = await ScopedAssessmentAsync(contexts, officerB, supplierCaller, versionId);
        var laterB = await ScopedAssessmentAsync(contexts, officerB, supplierCaller, versionId);

        // The supplier fills each from the pack, answers what the pack lacks and submits.
        foreach (var (assessment, organisation) in new[] { (assessmentA, TrustAName), (assessmentB, TrustBName) })
        {
            await GoAsync(supplier, $"/assessments/{assessment}/evidence");
            await supplier.GetByRole(AriaRole.Button, new() { Name = "Fill from pack" }).ClickAsync();
            await Assertions.Expect(supplier.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "requirements from pack v" })).ToBeVisibleAsync();
            // The requirement open in the editor (P.1, the first unanswered) shows the answer the pack just gave it.
            await Assertions.Expect(supplier.GetByRole(AriaRole.Radio, new() { Name = "Meets", Exact = true })).ToBeCheckedAsync();
            await Assertions.Expect(supplier.GetByLabel("Narrative")).ToHaveValueAsync("Pack answer to P.1: documented in the public API reference.");
            await CheckAsync(supplier, $"journey-3-filled-{assessment}.png");
            await AnswerAsync(supplier, "C.3");
            await supplier.GetByLabel("API operation for Register a new patient").FillAsync("POST /Patient");
            await supplier.GetByRole(AriaRole.Button, new() { Name = "Save the answer for Register a new patient" }).ClickAsync();
            await Assertions.Expect(supplier.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new Regex("^Saved$") })).ToBeVisibleAsync();
            await supplier.GetByRole(AriaRole.Button, new() { Name = "Submit answers" }).ClickAsync();
            await Assertions.Expect(supplier.GetByText(new Regex($"is submitted to {Regex.Escape(organisation)}")).First).ToBeVisibleAsync();
        }

        // Trust A's officer keeps an internal note, accepts everything and sends it for sign-off.
        var reviewerA = await browser.SignedInPageAsync("Olivia Hart");
        await GoAsync(reviewerA, $"/assessments/{assessmentA}/review");
        await reviewerA.GetByRole(AriaRole.Button, new() { Name = "Start the review" }).ClickAsync();
        await Assertions.Expect(reviewerA.GetByText("Under review", new() { Exact = true })).ToBeVisibleAsync();
        await ReviewItemAsync(reviewerA, "P.1");
        await Assertions.Expect(reviewerA.GetByText(new Regex("^Copied by the supplier from pack v"))).ToBeVisibleAsync();
        await BrowserFixture.ChooseAsync(reviewerA.GetByRole(AriaRole.Radio, new() { Name = "Internal note: NHS staff only" }));
        await reviewerA.GetByLabel("Comment or internal note on P.1").FillAsync(NoteA);
        await reviewerA.GetByRole(AriaRole.Button, new() { Name = "Save internal note (NHS staff only)" }).ClickAsync();
        await Assertions.Expect(reviewerA.GetByText(NoteA)).ToBeVisibleAsync();
        await reviewerA.GetByRole(AriaRole.Button, new() { Name = "Choose all undecided" }).ClickAsync();
        await reviewerA.GetByRole(AriaRole.Button, new() { Name = $"Accept chosen ({Scope.Length})" }).ClickAsync();
        await Assertions.Expect(reviewerA.GetByText($"{Scope.Length} of {Scope.Length} requirements decided")).ToBeVisibleAsync();
        await CheckAsync(reviewerA, "journey-4-review-a.png");
        await reviewerA.GetByRole(AriaRole.Button, new() { Name = "Send for CCIO sign-off" }).ClickAsync();
        await Assertions.Expect(reviewerA.GetByText("Awaiting sign-off", new() { Exact = true }).First).ToBeVisibleAsync();

        // Trust A's CCIO signs off and publishes the status to the register.
        var ccioA = await browser.SignedInPageAsync("Dr Chris Morgan");
        await GoAsync(ccioA, $"/assessments/{assessmentA}/sign-off");
        await ccioA.GetByLabel("DCB0160 hazard log reference").FillAsync(HazardLogA);
        await ccioA.GetByLabel("Hazards the integrations introduce").FillAsync(HazardsA);
        await BrowserFixture.ChooseAsync(ccioA.GetByRole(AriaRole.Radio, new() { Name = "Approve", Exact = true }));
        await BrowserFixture.ChooseAsync(ccioA.GetByRole(AriaRole.Checkbox, new() { NameRegex = new Regex("^I have reviewed this assessment") }));
        await ccioA.GetByRole(AriaRole.Button, new() { Name = "Record my decision" }).ClickAsync();
        await ccioA.GetByRole(AriaRole.Button, new() { Name = "Publish to the register" }).ClickAsync();
        await Assertions.Expect(ccioA.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "is on the public register" })).ToBeVisibleAsync();
        await CheckAsync(ccioA, "journey-5-signed-off-and-published.png");

        // Trust B's officer reviews on their own: a clarification on C.3, sent back to the supplier.
        var reviewerB = await browser.SignedInPageAsync("Priya Shah");
        await GoAsync(reviewerB, $"/assessments/{assessmentB}/review");
        await reviewerB.GetByRole(AriaRole.Button, new() { Name = "Start the review" }).ClickAsync();
        await Assertions.Expect(reviewerB.GetByText("Under review", new() { Exact = true })).ToBeVisibleAsync();
        await ReviewItemAsync(reviewerB, "P.1");
        await Assertions.Expect(reviewerB.GetByText("No comments yet.")).ToBeVisibleAsync();
        await ReviewItemAsync(reviewerB, "C.3");
        await reviewerB.GetByLabel("Question for the supplier, or reason for rejecting").FillAsync(QuestionB);
        await reviewerB.GetByRole(AriaRole.Button, new() { Name = "Request clarification on C.3" }).ClickAsync();
        await Assertions.Expect(reviewerB.GetByText("1 with a clarification request")).ToBeVisibleAsync();
        await reviewerB.GetByRole(AriaRole.Button, new() { Name = "Send 1 clarification request to the supplier" }).ClickAsync();
        await Assertions.Expect(reviewerB.GetByText("Clarification requested", new() { Exact = true }).First).ToBeVisibleAsync();
        await CheckAsync(reviewerB, "journey-6-review-b.png");
        // Trust B's officer reads the pack shared with them, but not whom else it is shared with.
        await GoAsync(reviewerB, $"/packs/{packId}");
        await Assertions.Expect(reviewerB.GetByRole(AriaRole.Heading, new() { Name = $"Evidence pack for {Product} {Version}" })).ToBeVisibleAsync();
        await Assertions.Expect(reviewerB.GetByText("Demo Valley")).ToHaveCountAsync(0);
        await CheckAsync(reviewerB, "journey-6-pack-read-by-trust-b.png");

        // A signed-out browser finds trust A's status for the version, and nothing else of either trust.
        var visitor = await browser.NewPageAsync();
        await visitor.GotoAsync($"/register?search={Uri.EscapeDataString(Product)}");
        var entry = visitor.GetByRole(AriaRole.Region, new() { Name = $"{Product} {Version} by Acme Clinical Systems Ltd" });
        await Assertions.Expect(entry).ToContainTextAsync(TrustAName);
        await Assertions.Expect(entry).ToContainTextAsync("Meets the policy");
        await Assertions.Expect(visitor.GetByText($"1 entry matches \u201c{Product}\u201d; page 1 of 1.")).ToBeVisibleAsync();
        await AssertNothingOfTrustAAsync(visitor, alsoHide: [TrustBName, QuestionB, "Pack answer to", "Dr Chris Morgan", "Olivia Hart"]);
        await CheckAsync(visitor, "journey-7-register.png");

        // Trust B's officer sees nothing of trust A's review, note or sign-off on any page of their assessment.
        foreach (var page in new[] { "", "/review", "/scorecard", "/timeline", "/sign-off" })
        {
            await GoAsync(reviewerB, $"/assessments/{assessmentB}{page}");
            await Assertions.Expect(reviewerB.GetByRole(AriaRole.Heading, new() { Level = 1 }).First).ToBeVisibleAsync();
            await AssertNothingOfTrustAAsync(reviewerB, alsoHide: [TrustAName, "Dr Chris Morgan", "Olivia Hart"]);
            await CheckAsync(reviewerB, $"journey-8-trust-b{page.Replace('/', '-')}.png");
        }

        // The supplier withdraws trust B's share: an offer already on screen fills nothing, and is gone on the next look.
        var staleOffer = await supplier.Context.NewPageAsync();
        await GoAsync(staleOffer, $"/assessments/{laterB}/evidence");
        await Assertions.Expect(staleOffer.GetByRole(AriaRole.Button, new() { Name = "Fill from pack" })).ToBeVisibleAsync();
        await GoAsync(supplier, $"/packs/{packId}");
        await supplier.GetByRole(AriaRole.Button, new() { Name = $"Withdraw from {TrustBName}" }).ClickAsync();
        await Assertions.Expect(supplier.Locator("li").Filter(new() { HasTextString = "(XDS)" })).ToHaveCountAsync(0);
        await Assertions.Expect(supplier.Locator("li").Filter(new() { HasTextString = "(XDV)" })).ToBeVisibleAsync();
        await CheckAsync(supplier, "journey-9-withdrawn.png");
        await staleOffer.GetByRole(AriaRole.Button, new() { Name = "Fill from pack" }).ClickAsync();
        await Assertions.Expect(staleOffer.GetByRole(AriaRole.Alert).Filter(new() { HasTextString = $"No evidence pack for this product version is shared with {TrustBName}" })).ToBeVisibleAsync();
        await GoAsync(staleOffer, $"/assessments/{laterB}/evidence");
        await Assertions.Expect(staleOffer.GetByRole(AriaRole.Heading, new() { Level = 1 }).First).ToBeVisibleAsync();
        await Assertions.Expect(staleOffer.GetByRole(AriaRole.Button, new() { Name = "Fill from pack" })).ToHaveCountAsync(0);
        await CheckAsync(staleOffer, "journey-10-no-offer.png");
        await GoAsync(reviewerB, $"/packs/{packId}");
        await Assertions.Expect(reviewerB.GetByRole(AriaRole.Heading, new() { Name = "Evidence pack not found" })).ToBeVisibleAsync();
        await CheckAsync(reviewerB, "journey-11-pack-gone-for-trust-b.png");
    }

    private static async Task GoAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await BrowserFixture.WaitForInteractiveAsync(page);
    }

    private static async Task CheckAsync(IPage page, string screenshot)
    {
        await BrowserFixture.ScreenshotAsync(page, screenshot, fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    private static async Task AssertNothingOfTrustAAsync(IPage page, string[] alsoHide)
    {
        var html = await page.ContentAsync();
        foreach (var text in new[] { NoteA, HazardsA, HazardLogA }.Concat(alsoHide))
        {
            Assert.False(html.Contains(text, StringComparison.Ordinal), $"{page.Url} shows “{text}”.");
        }
    }

    private static async Task AnswerAsync(IPage supplier, string code)
    {
        await supplier.Locator(".requirement-nav__item").Filter(new() { Has = supplier.Locator(".requirement-nav__code", new() { HasTextString = code }) }).First.ClickAsync();
        await Assertions.Expect(supplier.GetByRole(AriaRole.Heading, new() { Level = 2, NameRegex = new Regex($"^{Regex.Escape(code)} ") })).ToBeVisibleAsync();
        await BrowserFixture.ChooseAsync(supplier.GetByRole(AriaRole.Radio, new() { Name = "Meets", Exact = true }));
        await Assertions.Expect(supplier.GetByText(new Regex("^Saved at"))).ToBeVisibleAsync();
    }

    private static async Task ReviewItemAsync(IPage reviewer, string code)
    {
        await reviewer.Locator(".requirement-nav__item").Filter(new() { HasTextString = code }).First.ClickAsync();
        await Assertions.Expect(reviewer.GetByRole(AriaRole.Heading, new() { Level = 2, NameRegex = new Regex($"^{Regex.Escape(code)} ") })).ToBeVisibleAsync();
    }

    /// <summary>An assessment by the officer's organisation of Acme's system, naming the version, scoped to <see cref="Scope"/>, waiting for the supplier.</summary>
    private static async Task<int> ScopedAssessmentAsync(IDbContextFactory<PortalDbContext> contexts, Caller officer, Caller supplier, int versionId)
    {
        var start = new AssessmentStartService(contexts, TimeProvider.System);
        var id = (await start.CreateDraftAsync(officer)).Value!.Summary.Id;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            var acme = await db.Suppliers.Where(s => s.Name == "Acme Clinical Systems Ltd").Select(s => s.Id).SingleAsync();
            await start.SaveRouteAsync(officer, id, AssessmentRoute.Procure);
            await start.SaveSystemAsync(officer, id, new AssessmentStartService.SystemDetails(
                "Patient administration system", acme, null, null, null, null,
                TimeProvider.System.PortalToday().AddDays(30), TimeProvider.System.PortalToday().AddDays(90)));
        }

        var chosen = await new ProductService(contexts, TimeProvider.System).ChooseVersionAsync(officer, id, versionId);
        Assert.True(chosen.Succeeded, chosen.Message);
        await start.SaveConditionsAsync(officer, id, ScopeConditions.None);
        await start.SaveFunctionsAsync(officer, id, [new("Register a new patient", null)]);
        List<string> others;
        await using (var db = await contexts.CreateDbContextAsync())
        {
            others = await db.AssessmentRequirements.Where(r => r.AssessmentId == id && r.InScope && !Scope.Contains(r.Code)).Select(r => r.Code).ToListAsync();
        }

        foreach (var code in others)
        {
            var excluded = await start.ExcludeAsync(officer, id, code, "Kept out to keep this journey to three requirements.");
            Assert.True(excluded.Succeeded, excluded.Message);
        }

        await start.ConfirmScopeAsync(officer, id);
        var confirmed = await start.ConfirmAsync(officer, id);
        Assert.True(confirmed.Succeeded, confirmed.Message);
        var invited = await new InvitationService(contexts, TimeProvider.System, new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider(),
            new Portal.Features.Evidence.LocalFolderEvidenceStore(Path.Combine(Path.GetTempPath(), "portal-tests", "no-documents")))
            .InviteAsync(officer, id, supplier.Email);
        Assert.True(invited.Succeeded, invited.Message);
        return id;
    }
}
