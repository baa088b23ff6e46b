using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Performance;

/// <summary>
/// Two answered and reviewed assessments of the demo trust for the same supplier, one small (10 requirements with
/// 1 evidence item each) and one large (60 requirements with 20 each), so a page's data load can be compared at
/// both sizes. Made once for the budget tests, which only read.
/// </summary>
public sealed class AnsweredAssessments : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = default!;

    public Caller Officer { get; private set; } = default!;

    public Caller Supplier { get; private set; } = default!;

    public int Small { get; private set; }

    public int Large { get; private set; }

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Officer = await TestCallers.ForAsync(Database, TestCallers.Officer);
        Supplier = await TestCallers.ForAsync(Database, TestCallers.Supplier);
        Small = await AnsweredAsync(await TestAssessments.InvitedAsync(Database, Officer), requirements: 10, evidenceEach: 1);
        Large = await AnsweredAsync(await TestAssessments.InvitedAsync(Database, Officer), requirements: 60, evidenceEach: 20);
        // Their stored scores, as the score worker leaves them a moment after the review.
        await TestScoreWorker.For(Database).RunOnceAsync();
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();

    /// <summary>
    /// Shapes the scope to exactly <paramref name="requirements"/> (the officer adds catalogue requirements by ID or
    /// takes some out), then answers each with evidence and accepts it, as after a finished review.
    /// </summary>
    private async Task<int> AnsweredAsync(int assessmentId, int requirements, int evidenceEach)
    {
        await using var db = Database.CreateDbContext();
        var assessment = await db.Assessments.Include(a => a.Requirements).SingleAsync(a => a.Id == assessmentId);
        var inScope = assessment.Requirements.Where(r => r.InScope).OrderBy(r => r.Order).ToList();
        var scopedCodes = assessment.Requirements.Select(r => r.Code).ToHashSet();
        var addable = await db.PolicyRequirements.AsNoTracking()
            .Where(r => r.FrameworkVersionId == assessment.FrameworkVersionId && !scopedCodes.Contains(r.Code))
            .OrderBy(r => r.Order)
            .Take(Math.Max(0, requirements - inScope.Count))
            .ToListAsync();
        foreach (var added in addable)
        {
            var requirement = new AssessmentRequirement
            {
                PolicyRequirementId = added.Id, Code = added.Code, Order = added.Order, Reason = "Added by the procurement officer.", AddedByOfficer = true,
            };
            assessment.Requirements.Add(requirement);
            inScope.Add(requirement);
        }

        foreach (var excluded in inScope.Skip(requirements))
        {
            excluded.InScope = false;
            excluded.ExclusionJustification = "Not needed for this deployment.";
        }

        assessment.MoveTo(AssessmentStatus.UnderReview, DateTime.UtcNow);
        await db.SaveChangesAsync();

        var today = TimeProvider.System.PortalToday();
        foreach (var requirement in inScope.Take(requirements))
        {
            db.RequirementResponses.Add(new RequirementResponse
            {
                AssessmentId = assessmentId,
                AssessmentRequirementId = requirement.Id,
                Claim = ComplianceClaim.Meets,
                Narrative = $"Met through the published API for {requirement.Code}.",
                UpdatedAt = DateTime.UtcNow,
                UpdatedByUserId = Supplier.UserId,
                UpdatedByName = Supplier.DisplayName,
                Evidence = Enumerable.Range(1, evidenceEach).Select(n => new EvidenceItem
                {
                    AssessmentId = assessmentId,
                    Kind = EvidenceItemKind.Documentation,
                    Title = $"{requirement.Code} reference {n}",
                    Url = $"https://developer.acme.example/{requirement.Code}/{n}",
                    EvidenceDate = today,
                    ValidUntil = today.AddYears(1),
                    AddedAt = DateTime.UtcNow,
                    AddedByUserId = Supplier.UserId,
                }).ToList(),
            });
            db.ReviewDecisions.Add(new ReviewDecision
            {
                AssessmentId = assessmentId,
                AssessmentRequirementId = requirement.Id,
                Outcome = ReviewOutcome.Accepted,
                DecidedByUserId = Officer.UserId,
                DecidedByName = Officer.DisplayName,
                DecidedAt = DateTime.UtcNow,
            });
        }

        await db.SaveChangesAsync();
        return assessmentId;
    }
}
