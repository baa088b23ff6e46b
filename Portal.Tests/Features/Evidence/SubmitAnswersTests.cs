using Bunit;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence;

/// <summary>The "still needed" message follows the answers: it shrinks as they are saved and goes when none is left.</summary>
public sealed class SubmitAnswersTests : ComponentTestBase
{
    [Fact]
    public async Task The_still_needed_message_follows_the_answers_and_goes_when_everything_is_answered()
    {
        var officer = await TestCallers.ForAsync(Database, TestCallers.Officer);
        var id = await TestAssessments.InvitedAsync(Database, officer);
        var sam = await SignInAsync(TestCallers.Supplier);
        var view = (await Services.GetRequiredService<EvidenceWorkspaceService>().GetAsync(sam, id))!;
        var cut = RenderWithProviders<SubmitAnswers>(p => p.Add(c => c.AssessmentId, id).Add(c => c.View, view));

        cut.FindAll("button").Single(b => b.TextContent.Contains("Submit answers", StringComparison.Ordinal)).Click();
        cut.WaitForAssertion(() => Assert.Contains($"{view.Total} answers are still needed", cut.Markup, StringComparison.Ordinal));

        cut.Render(p => p.Add(c => c.View, view with { Requirements = [view.Requirements[0]], Functions = [] }));
        Assert.Contains("1 answer is still needed", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain($"{view.Total} answers", cut.Markup, StringComparison.Ordinal);

        cut.Render(p => p.Add(c => c.View, view with { Requirements = [], Functions = [] }));
        Assert.DoesNotContain("still needed", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[role=alert]"));
    }
}
