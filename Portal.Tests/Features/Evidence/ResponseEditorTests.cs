using Bunit;
using Portal.Data.Evidence;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence;

public sealed class ResponseEditorTests : ComponentTestBase
{
    [Fact]
    public async Task A_second_save_over_a_colleagues_answer_shows_both_versions_and_keeps_the_chosen_one()
    {
        var sam = await SignInAsync(TestCallers.Supplier);
        var id = await TestAssessments.InvitedAsync(Database, await TestCallers.ForAsync(Database, TestCallers.Officer));
        var workspace = Services.GetRequiredService<EvidenceWorkspaceService>();
        var first = await workspace.SaveResponseAsync(sam, id, "C.3", new(ComplianceClaim.PartiallyMeets, "Draft wording", null, null, null), null);
        var staleView = (await workspace.GetAsync(sam, id))!.Requirements.Single(r => r.Code == "C.3");
        await workspace.SaveResponseAsync(sam with { DisplayName = "Pat Colleague" }, id, "C.3", new(ComplianceClaim.Meets, "Colleague's wording", null, null, null), first.ConcurrencyStamp);

        var cut = RenderWithProviders<ResponseEditor>(p => p
            .Add(e => e.AssessmentId, id)
            .Add(e => e.Requirement, staleView)
            .Add(e => e.CanEdit, true));
        cut.Find("textarea").Input("My wording");
        cut.Find("textarea").Blur();

        cut.WaitForAssertion(() => Assert.Contains("Pat Colleague saved a different answer to C.3", cut.Markup, StringComparison.Ordinal));
        var conflict = cut.Find("[role=alert]").TextContent;
        Assert.Contains("Colleague's wording", conflict, StringComparison.Ordinal);
        Assert.Contains("My wording", conflict, StringComparison.Ordinal);

        cut.FindAll("button").Single(b => b.TextContent.Contains("Keep my version", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.Contains("Saved at", cut.Markup, StringComparison.Ordinal));
        var saved = (await workspace.GetAsync(sam, id))!.Requirements.Single(r => r.Code == "C.3").Response!;
        Assert.Equal("My wording", saved.Narrative);
        Assert.Equal(ComplianceClaim.PartiallyMeets, saved.Claim);
    }
}
