using Portal.Components.Shared;

namespace Portal.Tests.Components;

public sealed class CountedTests
{
    [Theory]
    [InlineData(0, "0 requirements")]
    [InlineData(1, "1 requirement")]
    [InlineData(2, "2 requirements")]
    [InlineData(96, "96 requirements")]
    public void A_count_takes_the_singular_only_for_one(int count, string expected) =>
        Assert.Equal(expected, Counted.Of(count, "requirement"));

    [Fact]
    public void An_irregular_plural_is_used_as_given() =>
        Assert.Equal("3 people", Counted.Of(3, "person", "people"));

    [Fact]
    public void A_noun_phrase_is_pluralised_as_a_whole() =>
        Assert.Equal("Send 1 clarification request", $"Send {Counted.Of(1, "clarification request")}");
}
