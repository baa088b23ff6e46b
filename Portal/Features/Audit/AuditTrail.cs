using Portal.Auth;
using Portal.Data;
using Portal.Data.Audit;

namespace Portal.Features.Audit;

/// <summary>
/// Adds an audit event to the same unit of work as the change it records, so both commit or neither does.
/// </summary>
public static class AuditTrail
{
    /// <summary>The column limits of <see cref="AuditEvent"/> (AuditEventConfiguration): SQL Server refuses a longer value.</summary>
    public const int SummaryLength = 1000, EntityIdLength = 100, ActorNameLength = 200;

    /// <summary>
    /// Records the event. Text longer than its column is shortened with an ellipsis here, once for every caller: a summary
    /// that lists many requirement codes, or an entity named after a long product name, must never fail the change it
    /// records on SQL Server (SQLite does not enforce lengths, so tests alone would not show it).
    /// </summary>
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
            ActorName = Fit(caller.DisplayName, ActorNameLength),
            ActorRole = caller.PrimaryRole,
            Action = action,
            EntityType = entityType,
            EntityId = Fit(entityId, EntityIdLength),
            Summary = Fit(summary, SummaryLength),
            Before = before,
            After = after,
            AssessmentId = assessmentId,
        });

    public static string Fit(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "\u2026");
}
