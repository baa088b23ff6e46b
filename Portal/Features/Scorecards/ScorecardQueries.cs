using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Policy;

namespace Portal.Features.Scorecards;

/// <summary>
/// What a scorecard is worked out from, read for one assessment or many at once, so that a scorecard and a
/// comparison of bids score by exactly the same data: each assessment's heading and framework rules, and the
/// calculator's inputs for its in-scope requirements.
/// </summary>
internal static class ScorecardQueries
{
    public sealed record Heading(
        int Id,
        string SystemName,
        string Organisation,
        string? Supplier,
        AssessmentRoute Route,
        AssessmentStatus Status,
        int FrameworkVersionId,
        string Framework,
        string Version,
        ScoringRules Rules);

    public sealed record Input(int AssessmentId, int Order, ScoringInput Scoring);

    /// <summary>Drift the latest finished check of one evidence link found, with the requirement the evidence is for.</summary>
    public sealed record DriftRow(string Code, string EvidenceTitle, Data.Evidence.EvidenceItemKind Kind, string Text, DateTime CheckedAt);

    /// <summary>Assessments whose start has chosen a route, which is all a scorecard needs.</summary>
    public static IQueryable<Heading> Headings(IQueryable<Assessment> assessments) =>
        assessments
            .Where(a => a.Route != null)
            .Select(a => new Heading(
                a.Id,
                a.SystemName,
                a.NhsOrganisation!.Name,
                a.Supplier == null ? null : a.Supplier.Name,
                a.Route!.Value,
                a.Status,
                a.FrameworkVersionId,
                a.FrameworkVersion!.PolicyFramework!.Name,
                a.FrameworkVersion.Label,
                new ScoringRules(a.FrameworkVersion.PolicyFramework.MustWeight, a.FrameworkVersion.PolicyFramework.ShouldWeight,
                    a.FrameworkVersion.PolicyFramework.ShouldThresholdPercent)));

    /// <summary>
    /// In one SQL query, each in-scope requirement's claim, review decision, planned date and the earliest "valid until"
    /// of its evidence.
    /// </summary>
    public static IQueryable<Input> Inputs(PortalDbContext db, IQueryable<AssessmentRequirement> requirements) =>
        requirements
            .Where(r => r.InScope)
            .OrderBy(r => r.AssessmentId).ThenBy(r => r.Order)
            .Select(r => new Input(r.AssessmentId, r.Order, new ScoringInput(
                r.Code,
                r.PolicyRequirement!.Title,
                r.PolicyRequirement.SectionCode,
                r.PolicyRequirement.Obligation,
                db.RequirementResponses.Where(x => x.AssessmentRequirementId == r.Id).Select(x => x.Claim).FirstOrDefault(),
                db.ReviewDecisions.Where(d => d.AssessmentRequirementId == r.Id).Select(d => (Data.Reviews.ReviewOutcome?)d.Outcome).FirstOrDefault(),
                // A plan's deadline: its own date, or the contract date where the officer linked it (PlanDeadline).
                db.RequirementResponses.Where(x => x.AssessmentRequirementId == r.Id)
                    .Select(x => x.PlanDueOnContractDate && db.Assessments.Any(a => a.Id == r.AssessmentId && a.ContractDate != null)
                        ? db.Assessments.Where(a => a.Id == r.AssessmentId).Select(a => a.ContractDate).First()
                        : x.PlannedDate)
                    .FirstOrDefault(),
                db.EvidenceItems.Where(e => e.AssessmentId == r.AssessmentId && e.ValidUntil != null
                        && db.RequirementResponses.Any(x => x.Id == e.RequirementResponseId && x.AssessmentRequirementId == r.Id))
                    .Min(e => e.ValidUntil),
                db.RequirementResponses.Any(x => x.AssessmentRequirementId == r.Id && x.ClosureState == Data.SignOffs.ClosureState.Accepted))));

    /// <summary>
    /// In one SQL query, the evidence links of an assessment whose latest finished check found drift (documentation no
    /// longer public, a sandbox gone, a specification changed since sign-off). A later check that no longer finds it
    /// is the latest, so the drift is no longer listed.
    /// </summary>
    public static IQueryable<DriftRow> Drift(PortalDbContext db, int assessmentId) =>
        db.LinkChecks
            .Where(c => c.AssessmentId == assessmentId && c.Drift != null
                && c.Id == db.LinkChecks.Where(o => o.EvidenceItemId == c.EvidenceItemId && o.CheckedAt != null)
                    .OrderByDescending(o => o.CheckedAt).ThenByDescending(o => o.Id).Select(o => o.Id).First())
            .Join(db.EvidenceItems, c => c.EvidenceItemId, e => e.Id, (c, e) => new { Check = c, Evidence = e })
            .Join(db.RequirementResponses, x => x.Evidence.RequirementResponseId, r => r.Id, (x, r) => new { x.Check, x.Evidence, r.AssessmentRequirementId })
            .Join(db.AssessmentRequirements, x => x.AssessmentRequirementId, q => q.Id,
                (x, q) => new DriftRow(q.Code, x.Evidence.Title, x.Evidence.Kind, x.Check.Drift!, x.Check.CheckedAt!.Value));
}
