using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Features.Products;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>The officer names the product version a draft is about, on the start's system step, by keyboard and at 320 px.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ProductVersionChoiceBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task An_officer_chooses_the_suppliers_product_version_and_later_typing_does_not_undo_it()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var supplierCaller = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        using (var scope = browser.App.Services.CreateScope())
        {
            var products = scope.ServiceProvider.GetRequiredService<ProductService>();
            var product = await products.AddProductAsync(supplierCaller, new("CarePAS Version Choice", null));
            Assert.True((await products.AddVersionAsync(supplierCaller, product.Value!.Id, new("9.4", new DateOnly(2026, 5, 1), null))).Succeeded);
        }

        var officer = await browser.SignedInPageAsync("Olivia Hart");
        await BrowserFixture.StartAnAssessmentAsync(officer);
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = "What are you doing with the system?", Level = 1 })).ToBeVisibleAsync();
        await officer.SetViewportSizeAsync(320, 900);
        await BrowserFixture.ChooseAsync(officer.GetByRole(AriaRole.Radio, new() { Name = "Procuring a new system" }));
        await officer.GetByRole(AriaRole.Button, new() { Name = "Save and continue" }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = "About the system", Level = 1 })).ToBeVisibleAsync();
        var draftUrl = officer.Url;

        // Before a supplier is chosen there is nothing to choose from, and the page says why.
        await Assertions.Expect(officer.GetByText("Choose the supplier first.")).ToBeVisibleAsync();
        await officer.GetByLabel("System name").FillAsync("Patient administration");
        await officer.GetByRole(AriaRole.Combobox, new() { Name = "Supplier" }).ClickAsync();
        await officer.GetByRole(AriaRole.Option, new() { Name = "Acme Clinical Systems Ltd" }).ClickAsync();

        // The supplier's versions are offered once the supplier is saved; chosen by keyboard.
        var versions = officer.GetByRole(AriaRole.Combobox, new() { Name = "Product version (optional)" });
        await Assertions.Expect(officer.GetByText("One of the supplier's own product versions.", new() { Exact = false })).ToBeVisibleAsync();
        await versions.FocusAsync();
        await officer.Keyboard.PressAsync("Enter");
        var option = officer.GetByRole(AriaRole.Option, new() { Name = "CarePAS Version Choice 9.4" });
        await Assertions.Expect(option).ToBeVisibleAsync();
        await option.ClickAsync();
        await Assertions.Expect(versions).ToHaveTextAsync("CarePAS Version Choice 9.4");
        await Assertions.Expect(officer.GetByRole(AriaRole.Textbox, new() { Name = "Product (optional)", Exact = true })).ToHaveValueAsync("CarePAS Version Choice");
        await Assertions.Expect(officer.GetByRole(AriaRole.Textbox, new() { Name = "Version (optional)", Exact = true })).ToHaveValueAsync("9.4");

        // Typing elsewhere on the step saves the step again; the chosen product and version stay.
        await officer.GetByLabel("Description (optional)").FillAsync("Outpatient booking and admissions.");
        await officer.GetByLabel("Procurement reference (optional)").FillAsync("PAS-2027");
        await officer.GetByLabel("Procurement reference (optional)").PressAsync("Tab");
        await BrowserFixture.AssertAccessibleAsync(officer);
        Assert.True(await officer.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The system step scrolls sideways at 320 px.");
        await BrowserFixture.ScreenshotAsync(officer, "start-product-version-320.png", fullPage: true);

        await officer.GotoAsync(draftUrl);
        await BrowserFixture.WaitForInteractiveAsync(officer);
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Name = "About the system", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Combobox, new() { Name = "Product version (optional)" })).ToHaveTextAsync("CarePAS Version Choice 9.4");
        await Assertions.Expect(officer.GetByRole(AriaRole.Textbox, new() { Name = "Product (optional)", Exact = true })).ToHaveValueAsync("CarePAS Version Choice");
        await Assertions.Expect(officer.GetByLabel("Description (optional)")).ToHaveValueAsync("Outpatient booking and admissions.");
    }
}
