using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Features;
using Portal.Features.Evidence;
using Portal.Features.EvidencePacks;
using Portal.Features.Products;
using Portal.Tests.Features.EvidencePacks;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class EvidencePackBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_supplier_shares_a_pack_with_two_trusts_and_fills_each_trusts_assessment_from_it()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var supplierCaller = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        int versionId, packId;
        using (var scope = browser.App.Services.CreateScope())
        {
            var products = scope.ServiceProvider.GetRequiredService<ProductService>();
            var packs = scope.ServiceProvider.GetRequiredService<EvidencePackService>();
            var product = await products.AddProductAsync(supplierCaller, new("CarePAS Browser Journey", null));
            versionId = (await products.AddVersionAsync(supplierCaller, product.Value!.Id, new("7.1", new DateOnly(2026, 3, 12), null))).Value!.Id;
            var pack = (await packs.CreateAsync(supplierCaller, new(versionId, null))).Value!;
            foreach (var requirement in pack.Requirements.Where(r => r.Code != "P.1"))
            {
                pack = (await packs.SaveAnswerAsync(supplierCaller, pack.Id, requirement.Code,
                    new ResponseDraft(ComplianceClaim.Meets, $"Pack answer to {requirement.Code}", null, null, null), ReadVersion.Of(pack.ConcurrencyStamp))).Value!;
            }

            packId = pack.Id;
        }

        var assessmentA = await PackTestBed.AssessmentAsync(contexts, await TestCallers.ForAsync(contexts, TestCallers.Officer), supplierCaller, versionId);
        var assessmentB = await PackTestBed.AssessmentAsync(contexts, await TestCallers.ForAsync(contexts, TestCallers.OtherOfficer), supplierCaller, versionId);

        var supplier = await browser.SignedInPageAsync("Sam Okafor");
        await supplier.GotoAsync("/products");
        await BrowserFixture.WaitForInteractiveAsync(supplier);
        await Assertions.Expect(supplier.GetByRole(AriaRole.Heading, new() { Name = "CarePAS Browser Journey" })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(supplier, "packs-products.png", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(supplier);

        // The P.1 answer through the page, then the two shares; an unknown code is said next to the field.
        await supplier.GotoAsync($"/packs/{packId}");
        await BrowserFixture.WaitForInteractiveAsync(supplier);
        await supplier.GetByLabel("How the product meets it").FillAsync("Every interface is in the NHS API catalogue.");
        await supplier.GetByRole(AriaRole.Button, new() { Name = "Save answer" }).ClickAsync();
        await Assertions.Expect(supplier.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "Saved the answer to P.1." })).ToBeVisibleAsync();
        var odsCode = supplier.GetByLabel("ODS code of the organisation");
        await odsCode.FillAsync("ZZZ9");
        await supplier.GetByRole(AriaRole.Button, new() { Name = "Share the pack" }).ClickAsync();
        await Assertions.Expect(supplier.GetByText("No NHS organisation in the portal has the ODS code ZZZ9.").First).ToBeVisibleAsync();
        foreach (var code in new[] { "XDV", "XDS" })
        {
            await odsCode.FillAsync(code);
            await supplier.GetByRole(AriaRole.Button, new() { Name = "Share the pack" }).ClickAsync();
            await Assertions.Expect(supplier.Locator("li").Filter(new() { HasTextString = $"({code})" })).ToBeVisibleAsync();
        }

        await BrowserFixture.ScreenshotAsync(supplier, "packs-pack.png", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(supplier);
        await supplier.SetViewportSizeAsync(320, 800);
        await NarrowScreen.AssertNoSidewaysScrollAsync(supplier);
        await BrowserFixture.ScreenshotAsync(supplier, "packs-pack-320.png", fullPage: true);
        await supplier.SetViewportSizeAsync(1280, 900);

        foreach (var assessment in new[] { assessmentA, assessmentB })
        {
            await supplier.GotoAsync($"/assessments/{assessment}/evidence");
            await BrowserFixture.WaitForInteractiveAsync(supplier);
            await supplier.GetByRole(AriaRole.Button, new() { Name = "Fill from pack" }).ClickAsync();
            await Assertions.Expect(supplier.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "requirements from pack v" })).ToBeVisibleAsync();
            await BrowserFixture.ScreenshotAsync(supplier, $"packs-filled-{assessment}.png", fullPage: true);
            await BrowserFixture.AssertAccessibleAsync(supplier);
        }

        await using var db = await contexts.CreateDbContextAsync();
        Assert.True(await db.RequirementResponses.AnyAsync(r => r.AssessmentId == assessmentA && r.CopiedFromPackId == packId));
        Assert.True(await db.RequirementResponses.AnyAsync(r => r.AssessmentId == assessmentB && r.CopiedFromPackId == packId));

        // Trust B's officer reads the shared pack, but not whom else it is shared with.
        var officerB = await browser.SignedInPageAsync("Priya Shah");
        await officerB.GotoAsync($"/packs/{packId}");
        await BrowserFixture.WaitForInteractiveAsync(officerB);
        await Assertions.Expect(officerB.GetByRole(AriaRole.Heading, new() { Name = "Evidence pack for CarePAS Browser Journey 7.1" })).ToBeVisibleAsync();
        await Assertions.Expect(officerB.GetByText("Demo Valley")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(officerB, "packs-read-by-trust-b.png", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(officerB);
    }
}
