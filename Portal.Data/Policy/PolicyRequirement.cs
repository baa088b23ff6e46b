namespace Portal.Data.Policy;

/// <summary>One expectation of the policy, in the portal's plain English, with where it applies and what evidence shows it.</summary>
public class PolicyRequirement
{
    public int Id { get; set; }

    public int FrameworkVersionId { get; set; }

    /// <summary>The policy's own ID, e.g. "P.3", "C.4", "5.1.4.7", "202.9"; "S5.*" IDs are the portal's labels.</summary>
    public required string Code { get; set; }

    public required string SectionCode { get; set; }

    public int Order { get; set; }

    public required string Title { get; set; }

    public required string Statement { get; set; }

    public required string Guidance { get; set; }

    public EvidenceKinds Evidence { get; set; }

    public Obligation Obligation { get; set; }

    public ResponsibleActors Actors { get; set; }

    /// <summary>Section and page of the source, e.g. "OAP §3, p10".</summary>
    public required string Source { get; set; }

    public List<string> RelatedCodes { get; set; } = [];

    public RouteStanding? ProcureStanding { get; set; }

    public RouteStanding? DevelopStanding { get; set; }

    public RouteStanding? UpgradeStanding { get; set; }

    /// <summary>The item applies only when at least one of these holds; none means it always applies.</summary>
    public ScopeConditions Conditions { get; set; }

    public RouteStanding? StandingOn(AssessmentRoute route) => route switch
    {
        AssessmentRoute.Procure => ProcureStanding,
        AssessmentRoute.Develop => DevelopStanding,
        AssessmentRoute.Upgrade => UpgradeStanding,
        _ => throw new ArgumentOutOfRangeException(nameof(route), route, "Unknown route."),
    };
}
