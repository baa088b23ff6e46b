namespace Portal.Data.Audit;

/// <summary>
/// Where every audit chain had reached at one moment, written where the portal cannot rewrite it (see the digest
/// stores in the portal's Audit feature). Verification checks the chains in the database against these.
/// </summary>
public sealed record AuditDigest(DateTime RecordedAt, IReadOnlyList<AuditChain.Head> Heads);
