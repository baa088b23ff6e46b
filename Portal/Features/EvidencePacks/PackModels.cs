using System.Globalization;
using Portal.Data.Evidence;

namespace Portal.Features.EvidencePacks;

/// <summary>Where a copied answer or piece of evidence came from, in the words every page and the API use.</summary>
public static class PackProvenance
{
    public static string? Text(int? revision, DateTime? revisedAt) =>
        revision is { } r ? $"from pack v{r}{(revisedAt is { } at ? ", " + at.InPortalTime().ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("en-GB")) : "")}" : null;
}

public sealed record PackEvidenceView(
    int Id, EvidenceItemKind Kind, string Title, string? Url, string? FileName, long? SizeBytes, string? Sha256, DateOnly EvidenceDate, DateOnly? ValidUntil)
{
    public bool IsDocument => FileName is not null;
}

public sealed record PackAnswerView(
    ComplianceClaim? Claim, string? Narrative, string? NotApplicableJustification, DateOnly? PlannedDate, string? Plan,
    DateTime UpdatedAt, string UpdatedBy, IReadOnlyList<PackEvidenceView> Evidence);

public sealed record PackRequirement(string Code, string SectionCode, string Title, string Statement, PackAnswerView? Answer)
{
    public bool IsAnswered => Answer?.Claim is not null;
}

/// <summary>An NHS organisation a pack is, or was, shared with. Only the supplier who owns the pack sees these.</summary>
public sealed record PackShareView(string OdsCode, string OrganisationName, DateTime SharedAt, DateTime? WithdrawnAt)
{
    public bool IsActive => WithdrawnAt is null;
}

/// <summary>
/// A pack as its reader may see it. The supplier who owns it sees everything and may change it; an NHS organisation it
/// is shared with sees the answers and evidence only (never whom else it is shared with).
/// </summary>
public sealed record PackView(
    int Id,
    string SupplierName,
    string ProductName,
    string VersionLabel,
    string CatalogueLabel,
    int Revision,
    DateTime RevisedAt,
    Guid ConcurrencyStamp,
    bool CanEdit,
    IReadOnlyList<PackRequirement> Requirements,
    IReadOnlyList<PackShareView> Shares)
{
    public string Name => $"{ProductName} {VersionLabel}";

    public string RevisionText => PackProvenance.Text(Revision, RevisedAt)!["from ".Length..];
}

public sealed record PackSummary(int Id, string SupplierName, string ProductName, string VersionLabel, string CatalogueLabel, int Revision, DateTime RevisedAt, int Answered)
{
    public string Name => $"{ProductName} {VersionLabel}";
}

/// <summary>A pack an assessment can be filled from, as the supplier's workspace offers it.</summary>
public sealed record FillOffer(int PackId, string Name, int Revision, DateTime RevisedAt, bool SameCatalogue)
{
    public string RevisionText => PackProvenance.Text(Revision, RevisedAt)!;
}

public sealed record FillGap(string Code, string Title);

/// <summary>What a fill did: which requirements it filled, which it left because they were already answered, and which still need an answer.</summary>
public sealed record FillResult(int PackId, int Revision, DateTime RevisedAt, IReadOnlyList<string> Filled, IReadOnlyList<string> Kept, IReadOnlyList<FillGap> ToAnswer);
