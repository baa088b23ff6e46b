using AngleSharp.Dom;
using Bunit;
using Portal.Features.Reviews;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Reviews;

/// <summary>A comment to the supplier and an internal note are two different, unmistakable actions.</summary>
public sealed class CommentThreadTests : ComponentTestBase
{
    private const string Code = "P.4";

    private async Task<int> AssessmentAsync()
    {
        var officer = await TestCallers.ForAsync(Database, TestCallers.Officer);
        return await TestAssessments.InvitedAsync(Database, officer);
    }

    private static IElement PostButton(IRenderedComponent<CommentThread> cut) => cut.Find("[data-testid=post-comment]");

    private static void Choose(IRenderedComponent<CommentThread> cut, string label) =>
        cut.FindAll("label").Single(l => l.TextContent.Trim() == label).QuerySelector("input[type=radio]")!.Click();

    [Fact]
    public async Task Nhs_staff_must_choose_the_audience_before_posting_and_the_button_names_it()
    {
        var id = await AssessmentAsync();
        await SignInAsync(TestCallers.Officer);
        var cut = RenderWithProviders<CommentThread>(p => p.Add(c => c.AssessmentId, id).Add(c => c.Code, Code));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("[data-testid=comment-audience]")));

        Assert.Empty(cut.FindAll("input[type=radio]:checked"));
        cut.Find("textarea").Change("Their last contract hid the docs behind an NDA.");
        PostButton(cut).Click();
        cut.WaitForAssertion(() => Assert.Contains("Choose who will see this", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("li.comment"));

        Choose(cut, "Internal note: NHS staff only");
        cut.WaitForAssertion(() => Assert.Equal("Save internal note (NHS staff only)", PostButton(cut).TextContent.Trim()));
        Choose(cut, "Visible to the supplier");
        cut.WaitForAssertion(() => Assert.Equal("Post to the supplier", PostButton(cut).TextContent.Trim()));
        Choose(cut, "Internal note: NHS staff only");
        cut.WaitForAssertion(() => Assert.Equal("Save internal note (NHS staff only)", PostButton(cut).TextContent.Trim()));
        PostButton(cut).Click();

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("li.comment--internal")));
        Assert.Contains("Internal note: NHS staff only", cut.Find("li.comment--internal").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("input[type=radio]:checked"));
        Assert.Equal("Post", PostButton(cut).TextContent.Trim());
        var supplier = await TestCallers.ForAsync(Database, TestCallers.Supplier);
        Assert.Empty(await Services.GetRequiredService<ReviewService>().CommentsAsync(supplier, id, Code));
    }

    [Fact]
    public async Task Suppliers_never_see_the_internal_option()
    {
        var id = await AssessmentAsync();
        await SignInAsync(TestCallers.Supplier);

        var cut = RenderWithProviders<CommentThread>(p => p.Add(c => c.AssessmentId, id).Add(c => c.Code, Code));

        cut.WaitForAssertion(() => Assert.Equal("Post comment", PostButton(cut).TextContent.Trim()));
        Assert.Empty(cut.FindAll("input[type=radio]"));
        Assert.DoesNotContain("Internal", cut.Markup, StringComparison.OrdinalIgnoreCase);
    }
}
