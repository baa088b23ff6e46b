using Portal.Data.Policy;

namespace Portal.Features.Policy;

public sealed record SectionSummary(string Code, string Title, string Source, string Summary);

public sealed record VersionSummary(
    int Id,
    string FrameworkKey,
    string FrameworkName,
    string Publisher,
    string Label,
    FrameworkVersionStatus Status,
    DateTime ImportedAt,
    DateTime? PublishedAt,
    int RequirementCount,
    IReadOnlyList<SectionSummary> Sections);

public sealed record VersionRow(
    int Id,
    string FrameworkName,
    string Label,
    FrameworkVersionStatus Status,
    DateTime ImportedAt,
    string ImportedBy,
    DateTime? PublishedAt,
    DateTime? RetiredAt,
    int RequirementCount,
    string FrameworkKey);

/// <summary>A requirement as the library lists it and the scoping guide works from.</summary>
public sealed record RequirementListItem(
    string Code,
    string SectionCode,
    int Order,
    string Title,
    string Statement,
    string Guidance,
    Obligation Obligation,
    ResponsibleActors Actors,
    EvidenceKinds Evidence,
    RouteStanding? ProcureStanding,
    RouteStanding? DevelopStanding,
    RouteStanding? UpgradeStanding,
    ScopeConditions Conditions)
{
    public RouteStanding? StandingOn(AssessmentRoute route) => route switch
    {
        AssessmentRoute.Procure => ProcureStanding,
        AssessmentRoute.Develop => DevelopStanding,
        AssessmentRoute.Upgrade => UpgradeStanding,
        _ => null,
    };
}

public sealed record RelatedRequirement(string Code, string Title);

public sealed record RequirementDetail(
    int VersionId,
    string VersionLabel,
    FrameworkVersionStatus VersionStatus,
    string FrameworkName,
    RequirementListItem Requirement,
    string SectionTitle,
    string Source,
    IReadOnlyList<RelatedRequirement> Related);

public sealed record ApplicableRequirement(RequirementListItem Requirement, ScopeDecision Decision);
