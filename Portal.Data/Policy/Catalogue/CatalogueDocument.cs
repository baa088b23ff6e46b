namespace Portal.Data.Policy.Catalogue;

/// <summary>
/// A framework version as a file: what the seeded catalogue, an administrator's import and the JSON export share.
/// Requirement order is the order a procurement officer works through them.
/// </summary>
public sealed record CatalogueDocument(
    CatalogueFramework Framework,
    string Version,
    string Summary,
    IReadOnlyList<CatalogueSection> Sections,
    IReadOnlyList<CatalogueRequirement> Requirements);

public sealed record CatalogueFramework(string Key, string Name, string Publisher, string Source);

public sealed record CatalogueSection(string Code, string Title, string Source, string Summary);

public sealed record CatalogueRequirement(
    string Id,
    string Section,
    string Title,
    string Statement,
    string Guidance,
    EvidenceKinds Evidence,
    Obligation Obligation,
    ResponsibleActors Actors,
    string Source,
    IReadOnlyList<string> Related,
    IReadOnlyDictionary<AssessmentRoute, RouteStanding> Routes,
    ScopeConditions Conditions);

/// <summary>A problem found in a catalogue file, with the line (when known) and the field it is about.</summary>
public sealed record CatalogueProblem(long? Line, string Field, string Message)
{
    public override string ToString() => Line is null ? $"{Field}: {Message}" : $"Line {Line}, {Field}: {Message}";
}
