using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Portal.Components.Shared;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Components;

/// <summary>
/// The boundary around the parts of live pages: a part that throws is replaced by what stopped, in the person's words,
/// and the rest of the page carries on (islands show the same notice themselves: WithdrawAssessmentTests).
/// </summary>
public sealed class FeatureErrorBoundaryTests : ComponentTestBase
{
    private sealed class Part : ComponentBase
    {
        [Parameter] public Func<bool> Fails { get; set; } = () => false;

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            if (Fails())
            {
                throw new InvalidOperationException("The part failed.");
            }

            builder.AddMarkupContent(0, "<p class=\"the-part\">The part</p>");
        }
    }

    private IRenderedComponent<FeatureErrorBoundary> Render(Func<bool> fails) =>
        Render<FeatureErrorBoundary>(p => p.Add(b => b.Area, "The list of requirements").Add(b => b.ChildContent, (RenderFragment)(builder =>
        {
            builder.OpenComponent<Part>(0);
            builder.AddComponentParameter(1, nameof(Part.Fails), fails);
            builder.CloseComponent();
        })));

    [Fact]
    public void On_a_live_page_the_failed_part_says_what_stopped_and_try_again_shows_it_again()
    {
        Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var fails = true;

        var cut = Render(() => fails);

        var notice = cut.Find("[role=alert]");
        Assert.Equal("The list of requirements stopped working", notice.QuerySelector("h2")!.TextContent);
        Assert.StartsWith("The rest of the page still works.", notice.QuerySelector("p")!.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".the-part"));

        fails = false;
        cut.Find("button:contains('Try again')").Click();
        Assert.Single(cut.FindAll(".the-part"));
        Assert.Empty(cut.FindAll("[role=alert]"));
    }

    [Fact]
    public void Without_a_circuit_the_notice_offers_a_full_reload_instead_of_buttons_nothing_would_answer()
    {
        Renderer.SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var cut = Render(() => true);

        Assert.Empty(cut.FindAll("button"));
        var reload = cut.Find("a:contains('Reload the page')");
        Assert.Equal("false", reload.GetAttribute("data-enhance-nav"));
    }
}
