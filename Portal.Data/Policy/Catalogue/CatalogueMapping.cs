namespace Portal.Data.Policy.Catalogue;

/// <summary>Turns a catalogue file into a draft framework version, and a stored version back into the file's shape.</summary>
public static class CatalogueMapping
{
    public static FrameworkVersion ToDraftVersion(CatalogueDocument document, int frameworkId, string importedBy, DateTime now) => new()
    {
        PolicyFrameworkId = frameworkId,
        Label = document.Version,
        Summary = document.Summary,
        ImportedAt = now,
        ImportedBy = importedBy,
        ContentHash = CatalogueJson.ContentHash(document),
        Sections = document.Sections.Select((s, i) => new PolicySection
        {
            Code = s.Code,
            Title = s.Title,
            Source = s.Source,
            Summary = s.Summary,
            Order = i + 1,
        }).ToList(),
        Requirements = document.Requirements.Select((r, i) => new PolicyRequirement
        {
            Code = r.Id,
            SectionCode = r.Section,
            Order = i + 1,
            Title = r.Title,
            Statement = r.Statement,
            Guidance = r.Guidance,
            Evidence = r.Evidence,
            Obligation = r.Obligation,
            Actors = r.Actors,
            Source = r.Source,
            RelatedCodes = [.. r.Related],
            ProcureStanding = r.Routes.TryGetValue(AssessmentRoute.Procure, out var procure) ? procure : null,
            DevelopStanding = r.Routes.TryGetValue(AssessmentRoute.Develop, out var develop) ? develop : null,
            UpgradeStanding = r.Routes.TryGetValue(AssessmentRoute.Upgrade, out var upgrade) ? upgrade : null,
            Conditions = r.Conditions,
        }).ToList(),
    };

    public static CatalogueDocument ToDocument(PolicyFramework framework, FrameworkVersion version, IEnumerable<PolicySection> sections, IEnumerable<PolicyRequirement> requirements) => new(
        new CatalogueFramework(framework.Key, framework.Name, framework.Publisher, framework.Source),
        version.Label,
        version.Summary,
        sections.OrderBy(s => s.Order).Select(s => new CatalogueSection(s.Code, s.Title, s.Source, s.Summary)).ToList(),
        requirements.OrderBy(r => r.Order).Select(r => new CatalogueRequirement(
            r.Code,
            r.SectionCode,
            r.Title,
            r.Statement,
            r.Guidance,
            r.Evidence,
            r.Obligation,
            r.Actors,
            r.Source,
            r.RelatedCodes,
            Enum.GetValues<AssessmentRoute>()
                .Where(route => r.StandingOn(route) is not null)
                .ToDictionary(route => route, route => r.StandingOn(route)!.Value),
            r.Conditions)).ToList());
}
