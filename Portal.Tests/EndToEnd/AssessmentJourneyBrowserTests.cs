using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class AssessmentJourneyBrowserTests(BrowserFixture browser)
{
    private static ILocator Heading(IPage page, string name) => page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 });

    private static async Task ContinueAsync(IPage page, string nextHeading, string button = "Save and continue")
    {
        await page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
        await Assertions.Expect(Heading(page, nextHeading)).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task An_officer_starts_an_assessment_and_the_supplier_answers_uploads_evidence_and_submits()
    {
        var officer = await browser.SignedInPageAsync("Olivia Hart");
        await BrowserFixture.StartAnAssessmentAsync(officer);

        // 1. Route.
        await Assertions.Expect(Heading(officer, "What are you doing with the system?")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(officer);
        await officer.GetByRole(AriaRole.Button, new() { Name = "Save and continue" }).ClickAsync();
        await Assertions.Expect(officer.GetByText("Choose whether you are procuring, developing or upgrading the system.")).ToBeVisibleAsync();
        await BrowserFixture.ChooseAsync(officer.GetByRole(AriaRole.Radio, new() { Name = "Procuring a new system" }));
        await ContinueAsync(officer, "About the system");

        // 2. The system: a missing field is named, and what was typed stays.
        await officer.GetByLabel("System name").FillAsync("Electronic patient record");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Save and continue" }).ClickAsync();
        await Assertions.Expect(officer.GetByText("Choose the supplier whose system this is.").First).ToBeVisibleAsync();
        await Assertions.Expect(officer.GetByLabel("System name")).ToHaveValueAsync("Electronic patient record");
        await officer.GetByRole(AriaRole.Combobox, new() { Name = "Supplier" }).ClickAsync();
        await officer.GetByRole(AriaRole.Option, new() { Name = "Acme Clinical Systems Ltd" }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Combobox, new() { Name = "Supplier" })).ToHaveTextAsync("Acme Clinical Systems Ltd");
        await officer.GetByLabel("Procurement reference (optional)").FillAsync("EPR-2026");
        await officer.GetByLabel("Response due").FillAsync(DateTime.UtcNow.AddDays(28).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await ContinueAsync(officer, "What is true of the system?");

        // 3. Conditions.
        await BrowserFixture.ChooseAsync(officer.GetByRole(AriaRole.Checkbox, new() { Name = "The system holds confidential patient data" }));
        await ContinueAsync(officer, "Significant business functions");

        // 4. Significant functions.
        await officer.GetByLabel("Function 1", new() { Exact = true }).FillAsync("Register a new patient");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Add a function" }).ClickAsync();
        await officer.GetByLabel("Function 2", new() { Exact = true }).FillAsync("Admit, transfer and discharge");
        await ContinueAsync(officer, "Requirements in scope");

        // 5. Scope: P.6 applies because of patient data; C.7 is taken out with a reason.
        await Assertions.Expect(officer.GetByText("Applies because the system holds confidential patient data").First).ToBeVisibleAsync();
        await officer.GetByRole(AriaRole.Button, new() { Name = "Take out C.7" }).ClickAsync();
        await officer.GetByLabel("Why C.7 does not apply").FillAsync("The trust's integration engine enforces usage limits for this system.");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Confirm taking C.7 out" }).ClickAsync();
        await Assertions.Expect(officer.GetByText("Taken out: The trust's integration engine enforces usage limits")).ToBeVisibleAsync();
        await ContinueAsync(officer, "Check and confirm", "Confirm this scope and continue");

        // 6. Confirm, then invite the supplier.
        await officer.GetByRole(AriaRole.Button, new() { Name = "Confirm and create the assessment" }).ClickAsync();
        await Assertions.Expect(Heading(officer, "Electronic patient record")).ToBeVisibleAsync();
        await officer.GetByLabel("Account manager's e-mail address").FillAsync("sam.okafor@acme-clinical.example");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Assertions.Expect(officer.GetByText("Invitation e-mailed to sam.okafor@acme-clinical.example")).ToBeVisibleAsync();
        await Assertions.Expect(officer.GetByText("Awaiting supplier").First).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(officer);

        // The supplier accepts the invitation from their home page.
        var reference = $"OAP-{int.Parse(Regex.Match(officer.Url, @"/assessments/(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture):D5}";
        var supplier = await browser.SignedInPageAsync("Sam Okafor");
        await supplier.GetByRole(AriaRole.Button, new() { Name = $"Accept the invitation to answer {reference}" }).ClickAsync();
        await Assertions.Expect(Heading(supplier, "Evidence for Electronic patient record")).ToBeVisibleAsync();
        await BrowserFixture.WaitForInteractiveAsync(supplier);
        await BrowserFixture.AssertAccessibleAsync(supplier);

        // Significant functions.
        await supplier.GetByLabel("API operation for Register a new patient").FillAsync("POST /Patient");
        await supplier.GetByRole(AriaRole.Button, new() { Name = "Save the answer for Register a new patient" }).ClickAsync();
        await supplier.GetByLabel("API operation for Admit, transfer and discharge").FillAsync("POST /Encounter");
        await supplier.GetByLabel("Documentation link for Admit, transfer and discharge").FillAsync("https://developer.acme.example/encounter");
        await supplier.GetByRole(AriaRole.Button, new() { Name = "Save the answer for Admit, transfer and discharge" }).ClickAsync();
        await Assertions.Expect(supplier.GetByText("Saved", new() { Exact = true })).ToHaveCountAsync(2);

        // Evidence on the first requirement: a real PDF is kept; disguised files are refused.
        await supplier.Locator(".requirement-nav__item").First.ClickAsync();
        await supplier.GetByLabel("Title", new() { Exact = true }).FillAsync("Interface specification");
        await BrowserFixture.ChooseFileAsync(supplier.Locator("input.evidence-file-input:not(.d-none)"), new FilePayload { Name = "interface-spec.pdf", MimeType = "application/pdf", Buffer = SampleDocuments.Pdf() });
        await Assertions.Expect(supplier.GetByText("interface-spec.pdf uploaded.")).ToBeVisibleAsync();
        await Assertions.Expect(supplier.GetByRole(AriaRole.Link, new() { Name = "interface-spec.pdf (download)" })).ToBeVisibleAsync();
        await BrowserFixture.ChooseFileAsync(supplier.Locator("input.evidence-file-input:not(.d-none)"), new FilePayload { Name = "installer.pdf", MimeType = "application/pdf", Buffer = SampleDocuments.Executable() });
        await Assertions.Expect(supplier.GetByText("installer.pdf is named as a PDF but its contents are not one")).ToBeVisibleAsync();
        await BrowserFixture.ChooseFileAsync(supplier.Locator("input.evidence-file-input:not(.d-none)"), new FilePayload { Name = "page.pdf", MimeType = "application/pdf", Buffer = SampleDocuments.Html() });
        await Assertions.Expect(supplier.GetByText("page.pdf is named as a PDF but its contents are not one")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(supplier);

        // Submitting early lists what is missing.
        await supplier.GetByRole(AriaRole.Button, new() { Name = "Submit answers" }).ClickAsync();
        await Assertions.Expect(supplier.GetByText(new Regex(@"\d+ answers are still needed before you can submit"))).ToBeVisibleAsync();

        // Answer every requirement.
        var items = supplier.Locator(".requirement-nav__item");
        var count = await items.CountAsync();
        Assert.True(count > 60, $"Expected the procure route with patient data to bring in more than 60 requirements, got {count}.");
        for (var i = 0; i < count; i++)
        {
            var code = await items.Nth(i).Locator(".requirement-nav__code").InnerTextAsync();
            await items.Nth(i).ClickAsync();
            await Assertions.Expect(supplier.GetByRole(AriaRole.Heading, new() { Level = 2, NameRegex = new Regex($"^{Regex.Escape(code)} ") })).ToBeVisibleAsync();
            await BrowserFixture.ChooseAsync(supplier.GetByRole(AriaRole.Radio, new() { Name = "Meets", Exact = true }));
            await Assertions.Expect(supplier.GetByText(new Regex("^Saved at"))).ToBeVisibleAsync();
        }

        await Assertions.Expect(supplier.GetByRole(AriaRole.Status).Filter(new() { HasTextString = $"{count + 2} of {count + 2} answered" }).First).ToBeVisibleAsync();
        await supplier.GetByRole(AriaRole.Button, new() { Name = "Submit answers" }).ClickAsync();
        await Assertions.Expect(supplier.GetByText(new Regex("is submitted to Demo Valley NHS Foundation Trust"))).ToBeVisibleAsync();
        await Assertions.Expect(supplier.GetByText("so the answers cannot be changed now")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(supplier);

        // The officer sees it submitted.
        await officer.ReloadAsync();
        await Assertions.Expect(officer.GetByText("Submitted", new() { Exact = true }).First).ToBeVisibleAsync();
    }
}
