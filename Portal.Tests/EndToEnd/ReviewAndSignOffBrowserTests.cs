using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class ReviewAndSignOffBrowserTests(BrowserFixture browser)
{
    private static ILocator Heading(IPage page, string name) => page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 });

    private static async Task GoAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await BrowserFixture.WaitForInteractiveAsync(page);
    }

    private static async Task AnswerAsync(IPage supplier, string code, string claim = "Meets")
    {
        var item = supplier.Locator(".requirement-nav__item").Filter(new() { Has = supplier.Locator(".requirement-nav__code", new() { HasTextString = code }) }).First;
        await item.ClickAsync();
        await Assertions.Expect(supplier.GetByRole(AriaRole.Heading, new() { Level = 2, NameRegex = new Regex($"^{Regex.Escape(code)} ") })).ToBeVisibleAsync();
        await BrowserFixture.ChooseAsync(supplier.GetByRole(AriaRole.Radio, new() { Name = claim, Exact = true }));
        await Assertions.Expect(supplier.GetByText(new Regex("^Saved at"))).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Officer_supplier_and_ccio_take_an_assessment_through_clarification_and_sign_off_and_a_later_edit_voids_it()
    {
        var officer = await browser.SignedInPageAsync("Olivia Hart");
        var supplier = await browser.SignedInPageAsync("Sam Okafor");
        var ccio = await browser.SignedInPageAsync("Dr Chris Morgan");

        // The officer starts (developing a system, no special conditions) and invites the supplier.
        await BrowserFixture.StartAnAssessmentAsync(officer);
        await BrowserFixture.ChooseAsync(officer.GetByRole(AriaRole.Radio, new() { Name = "Developing a system" }));
        await officer.GetByRole(AriaRole.Button, new() { Name = "Save and continue" }).ClickAsync();
        await officer.GetByLabel("System name").FillAsync("Bed management system");
        await officer.GetByRole(AriaRole.Combobox, new() { Name = "Supplier" }).ClickAsync();
        await officer.GetByRole(AriaRole.Option, new() { Name = "Acme Clinical Systems Ltd" }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Combobox, new() { Name = "Supplier" })).ToHaveTextAsync("Acme Clinical Systems Ltd");
        await officer.GetByLabel("Response due").FillAsync(DateTime.UtcNow.AddDays(14).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await officer.GetByRole(AriaRole.Button, new() { Name = "Save and continue" }).ClickAsync();
        await Assertions.Expect(Heading(officer, "What is true of the system?")).ToBeVisibleAsync();
        await officer.GetByRole(AriaRole.Button, new() { Name = "Save and continue" }).ClickAsync();
        await officer.GetByLabel("Function 1", new() { Exact = true }).FillAsync("Allocate a bed");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Save and continue" }).ClickAsync();
        await officer.GetByRole(AriaRole.Button, new() { Name = "Confirm this scope and continue" }).ClickAsync();
        await officer.GetByRole(AriaRole.Button, new() { Name = "Confirm and create the assessment" }).ClickAsync();
        await Assertions.Expect(Heading(officer, "Bed management system")).ToBeVisibleAsync();
        var id = Regex.Match(officer.Url, @"/assessments/(\d+)").Groups[1].Value;
        await officer.GetByLabel("Account manager's e-mail address").FillAsync("sam.okafor@acme-clinical.example");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Assertions.Expect(officer.GetByText("Invitation e-mailed to sam.okafor@acme-clinical.example")).ToBeVisibleAsync();

        // The supplier answers everything and submits.
        await GoAsync(supplier, $"/assessments/{id}/evidence");
        await supplier.GetByLabel("API operation for Allocate a bed").FillAsync("POST /Encounter/$allocate-bed");
        await supplier.GetByRole(AriaRole.Button, new() { Name = "Save the answer for Allocate a bed" }).ClickAsync();
        var codes = await supplier.Locator(".requirement-nav__code").AllInnerTextsAsync();
        foreach (var code in codes)
        {
            await AnswerAsync(supplier, code);
        }

        await supplier.GetByRole(AriaRole.Button, new() { Name = "Submit answers" }).ClickAsync();
        await Assertions.Expect(supplier.GetByText(new Regex("is submitted to Demo Valley NHS Foundation Trust"))).ToBeVisibleAsync();

        // The officer asks for clarification on C.3.
        await GoAsync(officer, $"/assessments/{id}/review");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Start the review" }).ClickAsync();
        await Assertions.Expect(officer.GetByText("Under review", new() { Exact = true })).ToBeVisibleAsync();
        await officer.Locator(".requirement-nav__item").Filter(new() { HasTextString = "C.3" }).First.ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Heading, new() { Level = 2, NameRegex = new Regex(@"^C\.3 ") })).ToBeVisibleAsync();
        await officer.GetByLabel("Question for the supplier, or reason for rejecting").FillAsync("Please link the published error-code catalogue.");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Request clarification on C.3" }).ClickAsync();
        await Assertions.Expect(officer.GetByText("1 with a clarification request")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(officer);
        await officer.GetByRole(AriaRole.Button, new() { Name = "Send 1 clarification request to the supplier" }).ClickAsync();
        await Assertions.Expect(officer.GetByText("Clarification requested", new() { Exact = true }).First).ToBeVisibleAsync();

        // The supplier answers the clarification and resubmits.
        await GoAsync(supplier, $"/assessments/{id}/evidence");
        await Assertions.Expect(supplier.GetByText("asks for clarification on 1 requirement. Answer it, then submit again.", new() { Exact = false })).ToBeVisibleAsync();
        await supplier.Locator(".requirement-nav__item").Filter(new() { HasTextString = "Clarification requested" }).ClickAsync();
        await Assertions.Expect(supplier.GetByText("Clarification requested: Please link the published error-code catalogue.").First).ToBeVisibleAsync();
        await supplier.GetByLabel("Narrative").FillAsync("Error codes: https://developer.acme.example/errors");
        await supplier.GetByLabel("Narrative").BlurAsync();
        await Assertions.Expect(supplier.GetByText(new Regex("^Saved at"))).ToBeVisibleAsync();
        await supplier.GetByRole(AriaRole.Button, new() { Name = "Submit answers" }).ClickAsync();
        await Assertions.Expect(supplier.GetByText(new Regex("is submitted to Demo Valley NHS Foundation Trust"))).ToBeVisibleAsync();

        // The officer accepts everything and sends it for sign-off.
        await GoAsync(officer, $"/assessments/{id}/review");
        await officer.GetByRole(AriaRole.Button, new() { Name = "Start the review" }).ClickAsync();
        await officer.GetByRole(AriaRole.Button, new() { Name = "Choose all undecided" }).ClickAsync();
        await officer.GetByRole(AriaRole.Button, new() { NameRegex = new Regex(@"^Accept chosen \(\d+\)") }).ClickAsync();
        await Assertions.Expect(officer.GetByText($"{codes.Count} of {codes.Count} requirements decided")).ToBeVisibleAsync();
        await officer.GetByRole(AriaRole.Button, new() { Name = "Send for CCIO sign-off" }).ClickAsync();
        await Assertions.Expect(officer.GetByText("Awaiting sign-off", new() { Exact = true }).First).ToBeVisibleAsync();

        // The CCIO approves with a condition.
        await GoAsync(ccio, $"/assessments/{id}/sign-off");
        await Assertions.Expect(Heading(ccio, "Sign-off: Bed management system")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(ccio);
        await ccio.GetByLabel("DCB0160 hazard log reference").FillAsync("HL-2026-031");
        await BrowserFixture.ChooseAsync(ccio.GetByRole(AriaRole.Radio, new() { Name = "Approve with conditions" }));
        await ccio.GetByLabel("Condition 1", new() { Exact = true }).FillAsync("Publish the interface change log");
        await ccio.GetByLabel("Owner of condition 1").FillAsync("Acme integration lead");
        await BrowserFixture.ChooseAsync(ccio.GetByRole(AriaRole.Radio, new() { Name = "The supplier, Acme Clinical Systems Ltd" }));
        await ccio.GetByLabel("Named person for condition 1 (optional)").SelectOptionAsync(new SelectOptionValue { Label = "Sam Okafor, Supplier account manager" });
        await ccio.GetByLabel("Due date of condition 1").FillAsync(DateTime.UtcNow.AddDays(90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await ccio.GetByRole(AriaRole.Button, new() { Name = "Record my decision" }).ClickAsync();
        await Assertions.Expect(ccio.GetByText("Confirm the attestation statement to record your decision.")).ToBeVisibleAsync();
        await BrowserFixture.ChooseAsync(ccio.GetByRole(AriaRole.Checkbox, new() { NameRegex = new Regex("^I have reviewed this assessment") }));
        await ccio.GetByRole(AriaRole.Button, new() { Name = "Record my decision" }).ClickAsync();
        await Assertions.Expect(ccio.GetByText("Approved with conditions", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(ccio.GetByText("Publish the interface change log (owner: Acme integration lead (supplier: Sam Okafor); due")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(ccio);

        // Everyone can see the scorecard; with every answer accepted as met it is Green, and it carries the sign-off.
        await GoAsync(ccio, $"/assessments/{id}/scorecard");
        await Assertions.Expect(ccio.GetByRole(AriaRole.Heading, new() { Name = "Status: Green", Level = 2 })).ToBeVisibleAsync();
        await Assertions.Expect(ccio.GetByText("Approved with conditions by Dr Chris Morgan", new() { Exact = false })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(ccio);
        await ccio.GetByRole(AriaRole.Link, new() { Name = "How scores are worked out" }).ClickAsync();
        await Assertions.Expect(Heading(ccio, "How scores are worked out")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(ccio);

        // The officer issues the PDF scorecard with the button (a preview link records nothing); the CCIO checks that copy on the verify page.
        await GoAsync(officer, $"/assessments/{id}/scorecard");
        var download = await officer.RunAndWaitForDownloadAsync(() => officer.GetByRole(AriaRole.Button, new() { Name = "Issue PDF scorecard" }).ClickAsync());
        var pdf = await File.ReadAllBytesAsync((await download.PathAsync())!);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf, 0, 5), StringComparison.Ordinal);
        await GoAsync(ccio, "/scorecards/verify");
        await BrowserFixture.AssertAccessibleAsync(ccio);
        await BrowserFixture.ChooseFileAsync(ccio.Locator("input.scorecard-file-input"), new FilePayload { Name = "scorecard.pdf", MimeType = "application/pdf", Buffer = pdf });
        await Assertions.Expect(ccio.GetByRole(AriaRole.Heading, new() { Name = "Genuine: issued by the portal", Level = 2 })).ToBeVisibleAsync();
        await Assertions.Expect(ccio.GetByText("NHS England Open API Architecture Policy, version 2014-05")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(ccio);
        await ccio.GetByLabel("Verification code").FillAsync("not a code");
        await ccio.GetByRole(AriaRole.Button, new() { Name = "Check the code" }).ClickAsync();
        await Assertions.Expect(ccio.GetByText(new Regex("^A verification code is 64 letters and digits"))).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(ccio);

        // A later supplier edit voids the sign-off.
        await GoAsync(supplier, $"/assessments/{id}/evidence");
        await Assertions.Expect(supplier.GetByText("any change voids the sign-off")).ToBeVisibleAsync();
        await AnswerAsync(supplier, codes[0], "Partially meets");
        await GoAsync(ccio, $"/assessments/{id}/sign-off");
        await Assertions.Expect(ccio.GetByText("Sign-off void")).ToBeVisibleAsync();
        await Assertions.Expect(ccio.GetByText($"Sam Okafor changed the answer to {codes[0]}").First).ToBeVisibleAsync();

        // The timeline shows it all and the chain verifies.
        await GoAsync(ccio, $"/assessments/{id}/timeline");
        await Assertions.Expect(ccio.GetByText(new Regex("^Sign-off void: Sam Okafor changed the answer to"))).ToBeVisibleAsync();
        await ccio.GetByRole(AriaRole.Button, new() { Name = "Verify integrity" }).ClickAsync();
        await Assertions.Expect(ccio.GetByText(new Regex("^The audit trail is intact"))).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(ccio);
    }
}
