using Bunit;
using MudBlazor;
using MudBlazor.Services;

namespace Portal.Tests.Components;

/// <summary>
/// Pages write MudBlazor's markup in place of its components that only lay out (MudText, MudPaper, MudStack, MudGrid,
/// MudItem, MudLink, MudButton with Href): each component is held in every live circuit (README "Memory per circuit").
/// These render the components as MudBlazor does today and fail when an upgrade changes the tag or classes the pages
/// copy, so the copies are brought up to date with it rather than drifting silently.
/// </summary>
public sealed class MudMarkupTests : BunitContext
{
    public MudMarkupTests() => Services.AddMudServices();

    private static string[] Classes(AngleSharp.Dom.IElement element) => [.. element.ClassList.Order(StringComparer.Ordinal)];

    private static string[] Expected(string classes) => [.. classes.Split(' ').Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData(Typo.h1, "h1")]
    [InlineData(Typo.h2, "h2")]
    [InlineData(Typo.h3, "h3")]
    [InlineData(Typo.h4, "h4")]
    [InlineData(Typo.body1, "p")]
    [InlineData(Typo.body2, "p")]
    [InlineData(Typo.overline, "span")]
    public void Text_is_the_element_and_typography_classes_the_pages_write(Typo typo, string tag)
    {
        var text = Render<MudText>(p => p.Add(t => t.Typo, typo).Add(t => t.Class, "mb-2").AddChildContent("Words"));

        var element = text.Find(tag);
        Assert.Equal(Expected($"mud-typography mud-typography-{typo} mb-2"), Classes(element));
    }

    [Fact]
    public void Error_coloured_text_carries_the_error_class_the_pages_write()
    {
        var text = Render<MudText>(p => p.Add(t => t.Typo, Typo.body2).Add(t => t.Color, Color.Error).AddChildContent("Wrong"));

        Assert.Equal(Expected("mud-typography mud-typography-body2 mud-error-text"), Classes(text.Find("p")));
    }

    [Fact]
    public void An_outlined_paper_is_a_div_with_the_paper_classes()
    {
        var paper = Render<MudPaper>(p => p.Add(x => x.Outlined, true).Add(x => x.Class, "pa-4"));

        Assert.Equal(Expected("mud-paper mud-paper-outlined pa-4"), Classes(paper.Find("div")));
    }

    [Fact]
    public void A_row_stack_is_a_group_of_flex_classes_with_its_gap_and_the_default_gap_is_3()
    {
        var row = Render<MudStack>(p => p.Add(x => x.Row, true).Add(x => x.Spacing, 2).Add(x => x.Wrap, Wrap.Wrap)
            .Add(x => x.AlignItems, AlignItems.Center).Add(x => x.Justify, Justify.SpaceBetween));
        var column = Render<MudStack>();

        Assert.Equal("group", row.Find("div").GetAttribute("role"));
        Assert.Equal(Expected("d-flex flex-row align-center justify-space-between flex-wrap gap-2"), Classes(row.Find("div")));
        Assert.Equal(Expected("d-flex flex-column gap-3"), Classes(column.Find("div")));
    }

    [Fact]
    public void A_grid_and_its_items_are_divs_with_the_grid_classes()
    {
        var grid = Render<MudGrid>(p => p.Add(x => x.Spacing, 4));
        var item = Render<MudItem>(p => p.Add(x => x.xs, 12).Add(x => x.sm, 6).Add(x => x.md, 7));

        Assert.Equal(Expected("mud-grid mud-grid-spacing-xs-4 justify-start"), Classes(grid.Find("div")));
        Assert.Equal(Expected("mud-grid-item mud-grid-item-xs-12 mud-grid-item-sm-6 mud-grid-item-md-7"), Classes(item.Find("div")));
    }

    [Fact]
    public void A_link_is_an_anchor_with_the_link_classes()
    {
        var link = Render<MudLink>(p => p.Add(x => x.Href, "/policy").AddChildContent("Policy"));

        Assert.Equal(Expected("mud-typography mud-link mud-primary-text mud-link-underline-hover"), Classes(link.Find("a")));
    }

    [Theory]
    [InlineData(Variant.Filled, Color.Primary, "mud-button-filled mud-button-filled-primary mud-button-filled-size-medium")]
    [InlineData(Variant.Outlined, Color.Primary, "mud-button-outlined mud-button-outlined-primary mud-button-outlined-size-medium")]
    [InlineData(Variant.Text, Color.Primary, "mud-button-text mud-button-text-primary mud-button-text-size-medium")]
    [InlineData(Variant.Text, Color.Default, "mud-button-text mud-button-text-default mud-button-text-size-medium")]
    public void A_button_with_an_address_is_an_anchor_with_a_label_span(Variant variant, Color color, string variantClasses)
    {
        var button = Render<MudButton>(p => p.Add(x => x.Href, "/assessments/1/review").Add(x => x.Variant, variant).Add(x => x.Color, color).AddChildContent("Review"));

        var anchor = button.Find("a");
        Assert.Equal(Expected($"mud-button-root mud-button {variantClasses} mud-ripple"), Classes(anchor));
        Assert.Equal("Review", anchor.QuerySelector("span.mud-button-label")?.TextContent);
    }
}
