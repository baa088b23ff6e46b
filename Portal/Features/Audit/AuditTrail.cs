using Portal.Auth;
using Portal.Data;
using Portal.Data.Audit;

namespace Portal.Features.Audit;

/// <summary>
/// Adds an audit event to the same unit of work as the change it records, so both commit or neither does.
/// </summary>
public static class AuditTrail
{
    public static void Record(
        PortalDbContext db,
        Caller caller,
        DateTime now,
        string action,
        string entityType,
        string entityId,
        string summary,
        string? before = null,
        string? after = null,
        int? assessmentId = null) =>
        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = now,
            ActorUserId = caller.UserId,
            ActorName = caller.DisplayName,
            ActorRole = caller.PrimaryRole,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            Summary = summary,
            Before = before,
            After = after,
            AssessmentId = assessmentId,
        });
}
