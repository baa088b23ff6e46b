using Portal.Data.Policy;

namespace Portal.Data.Assessments;

/// <summary>
/// A catalogue requirement in an assessment's scope review: why scoping brought it in, and whether the officer
/// kept it (taking one out needs a written justification) or added it by hand.
/// </summary>
public class AssessmentRequirement
{
    public int Id { get; set; }

    public int AssessmentId { get; set; }

    public int PolicyRequirementId { get; set; }

    public PolicyRequirement? PolicyRequirement { get; set; }

    public required string Code { get; set; }

    public int Order { get; set; }

    public RouteStanding? Standing { get; set; }

    public required string Reason { get; set; }

    public bool InScope { get; set; } = true;

    public bool AddedByOfficer { get; set; }

    public string? ExclusionJustification { get; set; }
}
