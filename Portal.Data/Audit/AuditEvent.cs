namespace Portal.Data.Audit;

/// <summary>
/// One recorded change: who did what, when, with a summary of before and after. Written in the same
/// transaction as the change it records, and only ever appended. Events form hash chains, one per assessment: each
/// stores the hash of the event before it, so a changed, deleted, inserted or reordered event breaks the chain.
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

    /// <summary>
    /// Which chain the event is linked into: its assessment's own (<c>assessment/{id}</c>), or the portal's for events
    /// that belong to no assessment and for every event recorded before chains were split. Set as the event is saved.
    /// </summary>
    public string Chain { get; set; } = AuditChain.PortalChain;

    /// <summary>Position in its chain, 1 for the first event; set by <see cref="AuditChain"/> as the event is saved.</summary>
    public long Sequence { get; set; }

    /// <summary>The hash of the event before this one (empty for the first event).</summary>
    public string PreviousHash { get; set; } = string.Empty;

    /// <summary>SHA-256 over this event's content and <see cref="PreviousHash"/>.</summary>
    public string Hash { get; set; } = string.Empty;
}
