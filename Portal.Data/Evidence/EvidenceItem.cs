namespace Portal.Data.Evidence;

public enum EvidenceItemKind
{
    Documentation,
    OpenApiSpecification,
    FhirCapabilityStatement,
    TestEnvironment,
    ContractOrLicence,
    ServiceLevel,
    Other,
}

/// <summary>
/// One piece of evidence for a response: a typed web link or an uploaded document. Documents are stored outside
/// the web root under a generated name, with the SHA-256 of their bytes.
/// </summary>
public class EvidenceItem
{
    public int Id { get; set; }

    public int AssessmentId { get; set; }

    public int RequirementResponseId { get; set; }

    public EvidenceItemKind Kind { get; set; }

    public required string Title { get; set; }

    public string? Url { get; set; }

    public string? StoredName { get; set; }

    public string? FileName { get; set; }

    public string? ContentType { get; set; }

    public long? SizeBytes { get; set; }

    public string? Sha256 { get; set; }

    public DateOnly EvidenceDate { get; set; }

    public DateOnly? ValidUntil { get; set; }

    public DateTime AddedAt { get; set; }

    public int AddedByUserId { get; set; }

    /// <summary>The evidence pack this was copied from, when it was (kept if the pack is later removed: provenance, not a link).</summary>
    public int? CopiedFromPackId { get; set; }

    /// <summary>The pack's revision when copied.</summary>
    public int? CopiedFromPackRevision { get; set; }

    /// <summary>When that revision of the pack was made.</summary>
    public DateTime? CopiedFromPackRevisedAt { get; set; }

    /// <summary>The signed-off assessment this was carried forward from, when it was (provenance, not a link).</summary>
    public int? CarriedFromAssessmentId { get; set; }

    public bool IsDocument => StoredName is not null;
}
