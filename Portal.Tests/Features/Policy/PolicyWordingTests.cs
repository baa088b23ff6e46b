using Portal.Data.Evidence;
using Portal.Features.Policy;

namespace Portal.Tests.Features.Policy;

public sealed class PolicyWordingTests
{
    public static TheoryData<EvidenceItemKind> EvidenceKinds => [.. Enum.GetValues<EvidenceItemKind>()];

    [Theory]
    [MemberData(nameof(EvidenceKinds))]
    public void Every_kind_of_evidence_is_named_in_sentence_case_in_words_not_its_code_name(EvidenceItemKind kind)
    {
        var name = PolicyWording.EvidenceItemKindName(kind);

        Assert.True(char.IsUpper(name[0]), $"\"{name}\" should start with a capital letter.");
        Assert.True(kind is EvidenceItemKind.Documentation or EvidenceItemKind.Other || name != kind.ToString(), $"{kind} is shown as its code name.");
    }

    [Fact]
    public void Documentation_is_shown_as_documentation_with_a_capital() =>
        Assert.Equal("Documentation", PolicyWording.EvidenceItemKindName(EvidenceItemKind.Documentation));
}
