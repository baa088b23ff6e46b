using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Policy;
using Portal.Data.SignOffs;
using Portal.Features.Assessments;

namespace Portal.Features.Scorecards;

/// <summary>An assessment's scorecard for anyone who may see the assessment: NHS staff of the organisation and the supplier.</summary>
public sealed class ScorecardService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public sealed record SignOffBlock(SignOffDecision Decision, string SignedBy, string Role, DateTime SignedAt, string Seal, bool IsVoid, string? VoidReason);

    public sealed record FunctionLine(string Name, string? ApiOperation, string? DocumentationUrl);

    public sealed record Report(
        int AssessmentId,
        string Reference,
        string SystemName,
        string OrganisationName,
        string SupplierName,
        AssessmentRoute Route,
        AssessmentStatus Status,
        string FrameworkName,
        string VersionLabel,
        DateTime GeneratedAt,
        ScoringRules Rules,
        IReadOnlyDictionary<string, string> SectionTitles,
        IReadOnlyList<FunctionLine> Functions,
        SignOffBlock? SignOff,
        Scorecard Card);

    public async Task<Report?> GetAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var a = await db.Assessments.AsNoTracking().VisibleTo(caller)
            .Where(x => x.Id == assessmentId && x.Route != null)
            .Select(x => new
            {
                x.Id,
                x.SystemName,
                Organisation = x.NhsOrganisation!.Name,
                Supplier = x.Supplier!.Name,
                Route = x.Route!.Value,
                x.Status,
                x.FrameworkVersionId,
                Framework = x.FrameworkVersion!.PolicyFramework!.Name,
                x.FrameworkVersion.PolicyFramework.MustWeight,
                x.FrameworkVersion.PolicyFramework.ShouldWeight,
                x.FrameworkVersion.PolicyFramework.ShouldThresholdPercent,
                Version = x.FrameworkVersion.Label,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (a is null)
        {
            return null;
        }

        var inputs = await db.AssessmentRequirements.AsNoTracking()
            .Where(r => r.AssessmentId == assessmentId && r.InScope)
            .OrderBy(r => r.Order)
            .Select(r => new ScoringInput(
                r.Code,
                r.PolicyRequirement!.Title,
                r.PolicyRequirement.SectionCode,
                r.PolicyRequirement.Obligation,
                db.RequirementResponses.Where(x => x.AssessmentRequirementId == r.Id).Select(x => x.Claim).FirstOrDefault(),
                db.ReviewDecisions.Where(d => d.AssessmentRequirementId == r.Id).Select(d => (Data.Reviews.ReviewOutcome?)d.Outcome).FirstOrDefault(),
                db.RequirementResponses.Where(x => x.AssessmentRequirementId == r.Id).Select(x => x.PlannedDate).FirstOrDefault(),
                db.EvidenceItems.Where(e => e.AssessmentId == assessmentId && e.ValidUntil != null
                        && db.RequirementResponses.Any(x => x.Id == e.RequirementResponseId && x.AssessmentRequirementId == r.Id))
                    .Min(e => e.ValidUntil)))
            .ToListAsync(cancellationToken);
        var sections = await db.PolicySections.AsNoTracking()
            .Where(s => s.FrameworkVersionId == a.FrameworkVersionId)
            .OrderBy(s => s.Order)
            .ToDictionaryAsync(s => s.Code, s => s.Title, cancellationToken);
        var functions = await db.SignificantFunctions.AsNoTracking()
            .Where(f => f.AssessmentId == assessmentId).OrderBy(f => f.Order)
            .Select(f => new FunctionLine(f.Name, f.ApiOperation, f.DocumentationUrl))
            .ToListAsync(cancellationToken);
        var signOff = await db.SignOffs.AsNoTracking()
            .Where(s => s.AssessmentId == assessmentId).OrderByDescending(s => s.SignedAt)
            .Select(s => new SignOffBlock(s.Decision, s.SignedByName, s.SignedByRole, s.SignedAt, s.Seal, s.IsVoid, s.VoidReason))
            .FirstOrDefaultAsync(cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        var rules = new ScoringRules(a.MustWeight, a.ShouldWeight, a.ShouldThresholdPercent);
        var card = ScorecardCalculator.Calculate(inputs, a.Route, rules, DateOnly.FromDateTime(now));
        return new Report(a.Id, $"OAP-{a.Id:D5}", a.SystemName, a.Organisation, a.Supplier, a.Route, a.Status, a.Framework, a.Version, now, rules,
            sections, functions, signOff, card);
    }

    public static string ResultName(RequirementResult result) => result switch
    {
        RequirementResult.Met => "Met",
        RequirementResult.PartlyMet => "Partly met",
        RequirementResult.Planned => "Planned",
        RequirementResult.NotMet => "Not met",
        RequirementResult.ExpiredEvidence => "Evidence expired",
        RequirementResult.AwaitingReview => "Awaiting review",
        _ => "Not applicable",
    };
}
