using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Reviews;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>The CCIO's sign-off page for a Red assessment: nothing chosen for them, the status in words, and no quiet approval.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignOffBrowserTests(BrowserFixture browser)
{
    private const string Reason = "The contract obliges the supplier to publish the API within 90 days.";

    /// <summary>Awaiting sign-off with P.3, a "must" requirement, rejected at review: Red with 1 unmet "must" requirement.</summary>
    private async Task<int> RedAwaitingSignOffAsync()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", "sign-off-browser-evidence"));
        var id = await journey.SubmittedAsync(officer, supplier);
        await journey.Reviews.StartAsync(officer, id);
        await journey.Reviews.DecideAsync(officer, id, (await journey.CodesAsync(id)).Where(c => c != "P.3").ToList(), ReviewOutcome.Accepted, null, TestVersions.Any);
        await journey.Reviews.DecideAsync(officer, id, ["P.3"], ReviewOutcome.Rejected, "The API is not listed anywhere public.", TestVersions.Any);
        Assert.True((await journey.Reviews.SendForSignOffAsync(officer, id)).Succeeded);
        return id;
    }

    [Fact]
    public async Task A_red_assessment_is_approved_only_with_an_acknowledgement_and_a_reason_and_nothing_is_chosen_beforehand()
    {
        var id = await RedAwaitingSignOffAsync();
        var ccio = await browser.SignedInPageAsync("Dr Chris Morgan");
        await ccio.GotoAsync($"/assessments/{id}/sign-off");
        await BrowserFixture.WaitForInteractiveAsync(ccio);

        // The status in words, the scores, and the unmet "must" requirement linked to its review.
        await Assertions.Expect(ccio.GetByRole(AriaRole.Heading, new() { Name = "Status: Red" })).ToBeVisibleAsync();
        await Assertions.Expect(ccio.GetByText("1 \"must\" requirement is not met.")).ToBeVisibleAsync();
        await Assertions.Expect(ccio.Locator("#sign-off-status")).ToContainTextAsync(new Regex("Overall [0-9.]+%; \"must\" [0-9.]+%; \"should\" [0-9.]+%"));
        await Assertions.Expect(ccio.GetByRole(AriaRole.Heading, new() { Name = "\"Must\" requirements not met (1)" })).ToBeVisibleAsync();
        await Assertions.Expect(ccio.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^P\\.3 ") })).ToHaveAttributeAsync("href", $"/assessments/{id}/review?requirement=P.3");

        // Nothing is chosen; recording without a choice says so beside the decision.
        foreach (var choice in new[] { "Approve", "Approve with conditions", "Reject", "Return to the reviewer" })
        {
            await Assertions.Expect(ccio.GetByRole(AriaRole.Radio, new() { Name = choice, Exact = true })).Not.ToBeCheckedAsync();
        }

        await BrowserFixture.AssertAccessibleAsync(ccio);
        await BrowserFixture.ChooseAsync(ccio.GetByRole(AriaRole.Checkbox, new() { NameRegex = new Regex("^I have reviewed this assessment") }));
        await ccio.GetByRole(AriaRole.Button, new() { Name = "Record my decision" }).ClickAsync();
        await Assertions.Expect(ccio.Locator("#sign-off-decision-error")).ToHaveTextAsync(new Regex("^Choose a decision"));
        await Assertions.Expect(ccio.Locator("#sign-off-decision")).ToHaveAttributeAsync("aria-describedby", "sign-off-decision-error");
        await BrowserFixture.AssertAccessibleAsync(ccio);

        // Approve is refused without the acknowledgement, then without a reason.
        await BrowserFixture.ChooseAsync(ccio.GetByRole(AriaRole.Radio, new() { Name = "Approve", Exact = true }));
        await Assertions.Expect(ccio.Locator("#red-approval")).ToContainTextAsync("Status: Red. 1 \"must\" requirement is not met.");
        await ccio.GetByRole(AriaRole.Button, new() { Name = "Record my decision" }).ClickAsync();
        await Assertions.Expect(ccio.Locator("#red-acknowledgement-error")).ToContainTextAsync("The status is Red");
        await BrowserFixture.ChooseAsync(ccio.GetByRole(AriaRole.Checkbox, new() { NameRegex = new Regex("^I have seen that the status is Red") }));
        await ccio.GetByRole(AriaRole.Button, new() { Name = "Record my decision" }).ClickAsync();
        await Assertions.Expect(ccio.GetByText(new Regex("^Say why you approve an assessment whose status is Red"))).ToBeVisibleAsync();
        await Assertions.Expect(ccio.GetByText("Not signed off.")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(ccio);

        // With both, it is approved and the reason is shown with the sign-off, here and on the scorecard.
        await ccio.GetByLabel("Why you approve although the status is Red").FillAsync(Reason);
        await ccio.GetByRole(AriaRole.Button, new() { Name = "Record my decision" }).ClickAsync();
        await Assertions.Expect(ccio.GetByText("Approved", new() { Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(ccio.GetByText("Approved although the status was Red, because")).ToBeVisibleAsync();
        await Assertions.Expect(ccio.GetByText(Reason)).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(ccio);

        await ccio.GotoAsync($"/assessments/{id}/scorecard");
        await Assertions.Expect(ccio.GetByText($"Approved although the status was Red, because: {Reason}")).ToBeVisibleAsync();
    }
}
