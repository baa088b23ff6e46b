using Bunit;
using Portal.Features.AccessTokens;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.AccessTokens;

/// <summary>After a token is made the form is fresh again: no "Required" left over in red.</summary>
public sealed class CreateTokenFormTests : ComponentTestBase
{
    [Fact]
    public async Task After_a_token_is_made_the_name_field_is_empty_and_shows_no_error()
    {
        await SignInAsync(TestCallers.Supplier);
        AccessTokenService.CreatedToken? created = null;
        var cut = RenderWithProviders<CreateTokenForm>(p => p.Add(c => c.Created, t => created = t));

        var name = cut.FindAll("input").First(i => i.GetAttribute("type") != "date" && i.GetAttribute("type") != "radio");
        name.Change("Nightly evidence sync");
        cut.FindAll("button").Single(b => b.TextContent.Contains("Create token", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.NotNull(created));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".mud-input-error")));
        Assert.DoesNotContain("Required", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".mud-input-control.mud-input-error, .mud-error-text"));
        Assert.Equal(string.Empty, cut.FindAll("input").First(i => i.GetAttribute("type") != "date" && i.GetAttribute("type") != "radio").GetAttribute("value") ?? string.Empty);
    }

    [Fact]
    public async Task A_refused_token_shows_the_message_beside_its_field_and_keeps_what_was_typed()
    {
        await SignInAsync(TestCallers.Supplier);
        AccessTokenService.CreatedToken? created = null;
        var cut = RenderWithProviders<CreateTokenForm>(p => p.Add(c => c.Created, t => created = t));

        cut.FindAll("input").First(i => i.GetAttribute("type") != "date" && i.GetAttribute("type") != "radio").Change("Nightly evidence sync");
        cut.Find("input[type=date]").Change("2000-01-01");
        cut.FindAll("button").Single(b => b.TextContent.Contains("Create token", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.Contains("Choose an expiry date after today", cut.Markup, StringComparison.Ordinal));
        Assert.NotEmpty(cut.FindAll(".mud-input-error"));
        Assert.Null(created);
        Assert.Equal("Nightly evidence sync", cut.FindAll("input").First(i => i.GetAttribute("type") != "date" && i.GetAttribute("type") != "radio").GetAttribute("value"));
        Assert.Empty(cut.FindAll("[role=alert]"));
    }
}
