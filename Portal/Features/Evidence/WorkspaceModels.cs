using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Policy;

namespace Portal.Features.Evidence;

public sealed record EvidenceView(
    int Id, EvidenceItemKind Kind, string Title, string? Url, string? FileName, long? SizeBytes, string? Sha256, DateOnly EvidenceDate, DateOnly? ValidUntil)
{
    public bool IsDocument => FileName is not null;
}

public sealed record ResponseView(
    ComplianceClaim? Claim,
    string? Narrative,
    string? NotApplicableJustification,
    DateOnly? PlannedDate,
    string? Plan,
    DateTime UpdatedAt,
    string UpdatedBy,
    Guid ConcurrencyStamp,
    bool IsAnswered,
    IReadOnlyList<EvidenceView> Evidence,
    string? CopiedFrom = null,
    string? CarriedForwardFrom = null,
    string? ReopenedReason = null);

public sealed record WorkspaceRequirement(
    string Code,
    string SectionCode,
    string Title,
    string Statement,
    string Guidance,
    EvidenceKinds EvidenceHints,
    Obligation Obligation,
    RouteStanding? Standing,
    ResponseView? Response,
    string? Clarification = null,
    bool Editable = false,
    string? SectionTitle = null)
{
    public bool IsAnswered => Response?.IsAnswered == true;
}

public sealed record WorkspaceFunction(int Id, string Name, string? Description, string? ApiOperation, string? DocumentationUrl, Guid ConcurrencyStamp)
{
    public bool IsAnswered => !string.IsNullOrWhiteSpace(ApiOperation);
}

public sealed record WorkspaceView(
    int AssessmentId,
    string Reference,
    string SystemName,
    string OrganisationName,
    string SupplierName,
    AssessmentStatus Status,
    DateOnly? ResponseDueDate,
    bool CanEdit,
    IReadOnlyList<WorkspaceRequirement> Requirements,
    IReadOnlyList<WorkspaceFunction> Functions)
{
    public bool CanSubmit => CanEdit && Status is AssessmentStatus.AwaitingSupplier or AssessmentStatus.ClarificationRequested;

    public bool IsSignedOff => Status is AssessmentStatus.SignedOff or AssessmentStatus.SignedOffWithConditions;

    public int Answered => Requirements.Count(r => r.IsAnswered) + Functions.Count(f => f.IsAnswered);

    public int Total => Requirements.Count + Functions.Count;
}

/// <summary>What a supplier types for one requirement.</summary>
public sealed record ResponseDraft(ComplianceClaim? Claim, string? Narrative, string? NotApplicableJustification, DateOnly? PlannedDate, string? Plan);

/// <summary>Evidence added to or removed from an answer: the answer as it is now, and the item added (none when removed).</summary>
public sealed record EvidenceChange(WorkspaceRequirement Requirement, EvidenceView? Item);

public sealed record MissingAnswer(string Code, string Title);

public sealed record EvidenceInput(EvidenceItemKind Kind, string? Title, string? Url, DateOnly? EvidenceDate, DateOnly? ValidUntil);

public sealed record DocumentDownload(Stream Content, string FileName, string ContentType);

/// <summary>One requirement chosen for a bulk change, with the version of its answer the person last read.</summary>
public sealed record BulkTarget(string Code, ReadVersion Read);

/// <summary>A requirement a bulk change left as it was, and why, in words for the person.</summary>
public sealed record BulkSkip(string Code, string Reason);

/// <summary>What a bulk change did: the requirements it answered and those it skipped.</summary>
public sealed record BulkResult(IReadOnlyList<string> Saved, IReadOnlyList<BulkSkip> Skipped);
