using Portal.Features.Audit;

namespace Portal.Tests.Features.Audit;

public sealed class AuditTextTests
{
    private const string Hash = "3f8c3bb9ae27d02087716d47c71c9cd4982ce48fc3037d3816870d34fdd810a7";

    [Fact]
    public void A_hash_inside_a_sentence_is_picked_out_whole_between_the_words_around_it()
    {
        var parts = AuditText.Parts($"PDF scorecard issued (Red), verification code {Hash}.").ToList();

        Assert.Equal([("PDF scorecard issued (Red), verification code ", false), (Hash, true), (".", false)], parts);
    }

    [Theory]
    [InlineData("Accepted")]
    [InlineData("https://example.nhs.uk/spec")]
    [InlineData("3f8c3bb9ae27d02087716d47c71c9cd4982ce48fc3037d3816870d34fdd810a7ff")]
    public void Text_that_is_not_exactly_a_sha_256_hash_stays_as_it_is(string value) =>
        Assert.Equal([(value, false)], AuditText.Parts(value));

    [Fact]
    public void No_value_has_no_parts() => Assert.Empty(AuditText.Parts(null));
}
