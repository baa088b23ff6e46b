using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Evidence;
using Portal.Data.Users;
using Portal.Features.Assessments;

namespace Portal.Features.Audit;

/// <summary>An assessment's timeline from the audit trail: NHS staff see all of it, the supplier the events on its own answers.</summary>
public sealed class TimelineService(IDbContextFactory<PortalDbContext> contexts, AuditDigests digests)
{
    public sealed record Entry(long Sequence, DateTime OccurredAt, string Actor, string? Role, string Action, string Summary, string? Before, string? After);

    private static readonly string[] SupplierEntityTypes = [nameof(RequirementResponse), nameof(EvidenceItem), nameof(Data.Assessments.SignificantFunction)];
    private static readonly string[] SupplierActions = ["AssessmentSubmitted", "InvitationAccepted"];

    public async Task<IReadOnlyList<Entry>?> GetAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.AsNoTracking().VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return null;
        }

        var supplierView = AssessmentVisibility.IsSupplierOf(caller, assessment) && caller.NhsOrganisationId is null;
        return await db.AuditEvents.AsNoTracking()
            .Where(e => e.AssessmentId == assessmentId)
            .Where(e => !supplierView || SupplierEntityTypes.Contains(e.EntityType) || SupplierActions.Contains(e.Action))
            .OrderByDescending(e => e.Id)
            .Take(1000)
            .Select(e => new Entry(e.Sequence, e.OccurredAt, e.ActorName, e.ActorRole, e.Action, e.Summary, e.Before, e.After))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Checks every audit chain against the digests kept outside the database; NHS staff only, since it reads every organisation's events.</summary>
    public async Task<AuditChain.Verification> VerifyAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        if (!AssessmentVisibility.IsNhsStaff(caller))
        {
            throw new AccessDeniedException("Only NHS staff can verify the audit trail.");
        }

        return await digests.VerifyAsync(cancellationToken);
    }
}
