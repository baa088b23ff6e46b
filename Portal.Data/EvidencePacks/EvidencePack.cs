using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Products;

namespace Portal.Data.EvidencePacks;

/// <summary>
/// A supplier's answers and evidence for one product version against one catalogue version, kept in one place and
/// shared with NHS organisations one by one. Every change makes a new revision, so an assessment filled from the pack
/// can say which revision it came from ("from pack v3, 12 March").
/// </summary>
public class EvidencePack
{
    public int Id { get; set; }

    public int ProductVersionId { get; set; }

    public ProductVersion? ProductVersion { get; set; }

    public int FrameworkVersionId { get; set; }

    public FrameworkVersion? FrameworkVersion { get; set; }

    /// <summary>1 when made; one more with each change to an answer or its evidence.</summary>
    public int Revision { get; set; } = 1;

    public DateTime RevisedAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public Guid ConcurrencyStamp { get; set; } = Guid.NewGuid();

    public List<EvidencePackAnswer> Answers { get; set; } = [];

    public List<EvidencePackShare> Shares { get; set; } = [];

    /// <summary>A change to the pack: a new revision and a new stamp, so two editors never save over each other.</summary>
    public void Revise(DateTime now)
    {
        Revision++;
        RevisedAt = now;
        ConcurrencyStamp = Guid.NewGuid();
    }
}

/// <summary>The pack's answer to one requirement of its catalogue version: a claim, a narrative and evidence.</summary>
public class EvidencePackAnswer
{
    public int Id { get; set; }

    public int EvidencePackId { get; set; }

    /// <summary>The requirement's code in the pack's catalogue version, for example "P.1".</summary>
    public required string Code { get; set; }

    public ComplianceClaim? Claim { get; set; }

    public string? Narrative { get; set; }

    public string? NotApplicableJustification { get; set; }

    public DateOnly? PlannedDate { get; set; }

    public string? Plan { get; set; }

    public DateTime UpdatedAt { get; set; }

    public string UpdatedByName { get; set; } = string.Empty;

    public List<EvidencePackItem> Evidence { get; set; } = [];

    public bool HasAnswer => Claim is not null;
}

/// <summary>
/// A link or document of a pack's answer. A document is stored through the evidence store like an assessment's, with
/// its SHA-256; a fill copies its bytes through the store, so each assessment owns its own copy.
/// </summary>
public class EvidencePackItem
{
    public int Id { get; set; }

    public int EvidencePackId { get; set; }

    public int EvidencePackAnswerId { get; set; }

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
}

/// <summary>
/// The supplier's act of sharing a pack with one NHS organisation. Withdrawal keeps the row (who shared, who withdrew,
/// when) and takes effect at once: a withdrawn share lets nobody see or fill from the pack.
/// </summary>
public class EvidencePackShare
{
    public int Id { get; set; }

    public int EvidencePackId { get; set; }

    public int NhsOrganisationId { get; set; }

    public Organisations.NhsOrganisation? NhsOrganisation { get; set; }

    public DateTime SharedAt { get; set; }

    public int SharedByUserId { get; set; }

    public DateTime? WithdrawnAt { get; set; }

    public int? WithdrawnByUserId { get; set; }

    public bool IsActive => WithdrawnAt is null;
}
