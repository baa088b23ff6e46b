using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Features.EvidencePacks;
using Portal.Features.Products;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>The supplier uploads a document to a pack's answer on the pack page; a disguised file is refused there, beside the button.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PackDocumentBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task The_supplier_uploads_a_document_to_the_pack_and_a_disguised_file_is_refused()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var supplierCaller = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        int packId;
        using (var scope = browser.App.Services.CreateScope())
        {
            var products = scope.ServiceProvider.GetRequiredService<ProductService>();
            var product = await products.AddProductAsync(supplierCaller, new("CarePAS Pack Documents", null));
            var version = (await products.AddVersionAsync(supplierCaller, product.Value!.Id, new("3.0", new DateOnly(2026, 4, 1), null))).Value!.Id;
            packId = (await scope.ServiceProvider.GetRequiredService<EvidencePackService>().CreateAsync(supplierCaller, new(version, null))).Value!.Id;
        }

        var supplier = await browser.SignedInPageAsync("Sam Okafor");
        await supplier.GotoAsync($"/packs/{packId}");
        await BrowserFixture.WaitForInteractiveAsync(supplier);
        var upload = supplier.Locator("input.evidence-file-input:not(.d-none)");

        await BrowserFixture.ChooseFileAsync(upload, new FilePayload { Name = "installer.pdf", MimeType = "application/pdf", Buffer = SampleDocuments.Executable() });
        await Assertions.Expect(supplier.GetByRole(AriaRole.Alert).Filter(new() { HasTextString = "installer.pdf is named as a PDF" })).ToBeVisibleAsync();

        await supplier.GetByLabel("Title").FillAsync("Interface specification");
        // As a person does on the way to the upload button: leaving the field gives the page its value.
        await supplier.GetByLabel("Title").PressAsync("Tab");
        await BrowserFixture.ChooseFileAsync(upload, new FilePayload { Name = "interface-spec.pdf", MimeType = "application/pdf", Buffer = SampleDocuments.Pdf() });
        var listed = supplier.GetByRole(AriaRole.Link, new() { Name = "Interface specification (interface-spec.pdf)" });
        await Assertions.Expect(listed).ToBeVisibleAsync();
        await Assertions.Expect(supplier.GetByLabel("Title")).ToHaveValueAsync("");
        await BrowserFixture.AssertAccessibleAsync(supplier);
        await BrowserFixture.ScreenshotAsync(supplier, "pack-document.png", fullPage: true);

        // The stored bytes are the file's, read back through the download link.
        var href = await listed.GetAttributeAsync("href");
        var download = await supplier.APIRequest.GetAsync(href!);
        Assert.Equal(200, download.Status);
        Assert.Equal(SampleDocuments.Pdf(), await download.BodyAsync());
    }
}
