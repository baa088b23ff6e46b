using Portal.Data.Policy;
using Portal.Data.Policy.Catalogue;
using Portal.Data.Seed;

namespace Portal.Tests.Features.Policy;

public sealed class CatalogueReaderTests
{
    private const string ValidFile = """
        framework:
          key: test-framework
          name: Test framework
          publisher: Test publisher
          source: Test source
        version: "1.0"
        summary: A small framework.
        sections:
          - code: P
            title: Principles
            source: "§1"
            summary: The principles.
        requirements:
          - id: P.1
            section: P
            title: First
            statement: The first statement.
            guidance: The first guidance.
            evidence: [Document]
            obligation: Must
            actors: [Producer]
            source: "§1, p1"
            related: [P.2]
            routes:
              Procure: ContractRequirement
            conditions: []
          - id: P.2
            section: P
            title: Second
            statement: The second statement.
            guidance: The second guidance.
            evidence: [WebLink, ApiSpecification]
            obligation: Should
            actors: [Host, Consumer]
            source: "§1, p2"
            related: [P.1]
            routes:
              Upgrade: NegotiationGuidance
              Develop: Expectation
            conditions: [ChargeableUse]
        """;

    [Fact]
    public void A_well_formed_file_is_read_in_full()
    {
        var result = CatalogueReader.Read(ValidFile);

        Assert.True(result.IsValid, string.Join("; ", result.Problems));
        var second = result.Document!.Requirements[1];
        Assert.Equal("P.2", second.Id);
        Assert.Equal(EvidenceKinds.WebLink | EvidenceKinds.ApiSpecification, second.Evidence);
        Assert.Equal(ResponsibleActors.Host | ResponsibleActors.Consumer, second.Actors);
        Assert.Equal(RouteStanding.Expectation, second.Routes[AssessmentRoute.Develop]);
        Assert.Equal(ScopeConditions.ChargeableUse, second.Conditions);
    }

    [Theory]
    [InlineData("duplicate ID", "- id: P.2\n    section", "- id: P.1\n    section", 27, "requirement.id", "Requirement ID 'P.1' is used twice (first on line 14)")]
    [InlineData("unknown route", "Upgrade: NegotiationGuidance", "Upgrayde: NegotiationGuidance", 38, "requirement 'P.2' routes", "Route 'Upgrayde' is unknown")]
    [InlineData("unknown standing", "Procure: ContractRequirement", "Procure: Mandatory", 25, "requirement 'P.1' routes", "Standing 'Mandatory' on route Procure is unknown")]
    [InlineData("unknown condition", "conditions: [ChargeableUse]", "conditions: [PatientData]", 40, "requirement 'P.2' conditions", "'PatientData' is not a known value")]
    [InlineData("missing title", "    title: Second\n", "", 27, "requirement 'P.2' title", "The 'title' field is missing")]
    [InlineData("empty title", "title: Second", "title: \"\"", 29, "requirement 'P.2' title", "The 'title' field is empty")]
    [InlineData("link to unknown ID", "related: [P.1]", "related: [P.9]", 36, "requirement 'P.2' related", "Links to 'P.9', which is not a requirement in this file")]
    [InlineData("unknown obligation", "obligation: Should", "obligation: Optional", 33, "requirement 'P.2' obligation", "Obligation 'Optional' is unknown; use Must or Should")]
    [InlineData("unknown actor", "actors: [Host, Consumer]", "actors: [Host, Vendor]", 34, "requirement 'P.2' actors", "'Vendor' is not a known value")]
    [InlineData("unknown field", "    guidance: The first guidance.\n", "    guidance: The first guidance.\n    priority: High\n", 19, "requirement", "Unknown field 'priority'")]
    [InlineData("unknown section", "    section: P\n    title: Second", "    section: Q\n    title: Second", 28, "requirement 'P.2' section", "Section 'Q' is not one of the file's sections")]
    [InlineData("no routes", "    routes:\n      Procure: ContractRequirement\n", "    routes: {}\n", 24, "requirement 'P.1' routes", "Name at least one route")]
    public void A_malformed_file_is_refused_with_the_line_and_field_at_fault(
        string problem, string find, string replace, long line, string field, string message)
    {
        Assert.Contains(find, ValidFile, StringComparison.Ordinal);
        var text = ReplaceFirst(ValidFile, find, replace);

        var result = CatalogueReader.Read(text);

        Assert.False(result.IsValid, $"The {problem} was accepted.");
        Assert.True(
            result.Problems.Any(p => p.Line == line && p.Field == field && p.Message.Contains(message, StringComparison.Ordinal)),
            $"Expected line {line}, {field}: {message}; got: {string.Join(" | ", result.Problems)}");
    }

    [Fact]
    public void A_file_that_is_not_yaml_or_json_is_refused_with_the_line()
    {
        var result = CatalogueReader.Read("framework:\n  key: a\n   name: b\nversion: 1");

        var problem = Assert.Single(result.Problems);
        Assert.Equal("file", problem.Field);
        Assert.NotNull(problem.Line);
        Assert.Contains("cannot be read as YAML or JSON", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        var result = CatalogueReader.Read("");

        Assert.Contains("empty or is not a catalogue", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_written_from_a_catalogue_reads_back_to_the_same_catalogue()
    {
        var seeded = PortalSeeder.ReadSeededCatalogue();

        var json = CatalogueJson.Write(seeded);
        var reread = CatalogueReader.Read(json);

        Assert.True(reread.IsValid, string.Join("; ", reread.Problems));
        Assert.Equal(json, CatalogueJson.Write(reread.Document!));
        Assert.Equal(CatalogueJson.ContentHash(seeded), CatalogueJson.ContentHash(reread.Document!));
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        var index = text.IndexOf(find, StringComparison.Ordinal);
        return text[..index] + replace + text[(index + find.Length)..];
    }
}
