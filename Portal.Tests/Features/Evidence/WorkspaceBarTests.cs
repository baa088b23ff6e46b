using Bunit;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence;

/// <summary>
/// The bar's count covers requirements and significant functions, its position only requirements: a tester read
/// "0 of 93 answered; requirement 2 of 91" as a mistake, so the bar says what the 93 is made of.
/// </summary>
public sealed class WorkspaceBarTests : ComponentTestBase
{
    [Fact]
    public void The_count_says_how_many_of_the_answers_are_significant_functions()
    {
        var cut = RenderWithProviders<WorkspaceBar>(p => p
            .Add(c => c.Answered, 0).Add(c => c.Total, 93).Add(c => c.Functions, 2).Add(c => c.Position, "; requirement 2 of 91"));

        Assert.Equal("0 of 93 answered (91 requirements and 2 significant functions); requirement 2 of 91",
            cut.Find(".workspace-bar__progress").TextContent.Trim());
    }

    [Theory]
    [InlineData(0, "3 of 91 answered")]
    [InlineData(1, "3 of 91 answered (90 requirements and 1 significant function)")]
    public void Without_functions_nothing_is_added_and_one_function_is_singular(int functions, string expected)
    {
        var cut = RenderWithProviders<WorkspaceBar>(p => p.Add(c => c.Answered, 3).Add(c => c.Total, 91).Add(c => c.Functions, functions));

        Assert.Equal(expected, cut.Find(".workspace-bar__progress").TextContent.Trim());
    }
}
