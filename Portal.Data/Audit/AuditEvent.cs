namespace Portal.Data.Audit;

/// <summary>
/// One recorded change: who did what, when, with a summary of before and after. Written in the same
/// transaction as the change it records, and only ever appended.
/// </summary>
public class AuditEvent
{
    public long Id { get; set; }

    public DateTime OccurredAt { get; set; }

    public int? ActorUserId { get; set; }

    public required string ActorName { get; set; }

    public string? ActorRole { get; set; }

    /// <summary>What happened, in the domain's words, e.g. "CatalogueVersionPublished".</summary>
    public required string Action { get; set; }

    public required string EntityType { get; set; }

    public required string EntityId { get; set; }

    public required string Summary { get; set; }

    public string? Before { get; set; }

    public string? After { get; set; }

    /// <summary>The assessment the event belongs to, so its timeline is one indexed query.</summary>
    public int? AssessmentId { get; set; }
}
