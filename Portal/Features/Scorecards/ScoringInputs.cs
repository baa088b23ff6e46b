using Portal.Data;
using Portal.Data.Assessments;

namespace Portal.Features.Scorecards;

/// <summary>
/// The calculator's inputs for the in-scope requirements of one or many assessments, read in one SQL query: the
/// claim, the review decision, the planned date and the earliest "valid until" of the evidence of each.
/// </summary>
internal static class ScoringInputs
{
    public sealed record Row(int AssessmentId, int Order, ScoringInput Input);

    public static IQueryable<Row> Of(PortalDbContext db, IQueryable<AssessmentRequirement> requirements) =>
        requirements
            .Where(r => r.InScope)
            .OrderBy(r => r.AssessmentId).ThenBy(r => r.Order)
            .Select(r => new Row(r.AssessmentId, r.Order, new ScoringInput(
                r.Code,
                r.PolicyRequirement!.Title,
                r.PolicyRequirement.SectionCode,
                r.PolicyRequirement.Obligation,
                db.RequirementResponses.Where(x => x.AssessmentRequirementId == r.Id).Select(x => x.Claim).FirstOrDefault(),
                db.ReviewDecisions.Where(d => d.AssessmentRequirementId == r.Id).Select(d => (Data.Reviews.ReviewOutcome?)d.Outcome).FirstOrDefault(),
                db.RequirementResponses.Where(x => x.AssessmentRequirementId == r.Id).Select(x => x.PlannedDate).FirstOrDefault(),
                db.EvidenceItems.Where(e => e.AssessmentId == r.AssessmentId && e.ValidUntil != null
                        && db.RequirementResponses.Any(x => x.Id == e.RequirementResponseId && x.AssessmentRequirementId == r.Id))
                    .Min(e => e.ValidUntil))));
}
