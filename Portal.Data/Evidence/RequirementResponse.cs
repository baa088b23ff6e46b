using Portal.Data.SignOffs;

namespace Portal.Data.Evidence;

/// <summary>What the supplier claims for one in-scope requirement.</summary>
public enum ComplianceClaim
{
    Meets,
    PartiallyMeets,
    DoesNotMeet,
    NotApplicable,
    WillMeetByDate,
}

/// <summary>
/// The supplier's answer to one requirement of an assessment: a claim, a narrative and evidence. Saved as a
/// draft as the supplier types; the concurrency stamp catches two people saving over each other.
/// </summary>
public class RequirementResponse : IClosable
{
    public int Id { get; set; }

    public int AssessmentId { get; set; }

    public int AssessmentRequirementId { get; set; }

    public ComplianceClaim? Claim { get; set; }

    public string? Narrative { get; set; }

    public string? NotApplicableJustification { get; set; }

    public DateOnly? PlannedDate { get; set; }

    public string? Plan { get; set; }

    /// <summary>
    /// Whether the procurement officer linked the plan's deadline to the assessment's contract date: the plan is then
    /// due on <see cref="Assessments.Assessment.ContractDate"/> rather than on <see cref="PlannedDate"/>.
    /// </summary>
    public bool PlanDueOnContractDate { get; set; }

    /// <summary>Closing an accepted plan: the supplier marks it done with evidence, the officer accepts or sends it back.</summary>
    public ClosureState ClosureState { get; set; }

    public string? ClosureNote { get; set; }

    public string? ClosureLink { get; set; }

    public DateTime? ClosureMarkedAt { get; set; }

    public string? ClosureMarkedBy { get; set; }

    public DateTime? ClosureDecidedAt { get; set; }

    public string? ClosureDecidedBy { get; set; }

    public string? ClosureSentBackReason { get; set; }

    public DateTime UpdatedAt { get; set; }

    public int UpdatedByUserId { get; set; }

    public string UpdatedByName { get; set; } = string.Empty;

    public Guid ConcurrencyStamp { get; set; } = Guid.NewGuid();

    /// <summary>The evidence pack this was copied from, when it was (kept if the pack is later removed: provenance, not a link).</summary>
    public int? CopiedFromPackId { get; set; }

    /// <summary>The pack's revision when copied.</summary>
    public int? CopiedFromPackRevision { get; set; }

    /// <summary>When that revision of the pack was made.</summary>
    public DateTime? CopiedFromPackRevisedAt { get; set; }

    /// <summary>The signed-off assessment this answer was carried forward (or reopened) from, when it was (provenance, not a link).</summary>
    public int? CarriedFromAssessmentId { get; set; }

    /// <summary>When that assessment was signed off.</summary>
    public DateTime? CarriedFromSignedOffAt { get; set; }

    /// <summary>
    /// Why a requirement of a reassessment was reopened rather than carried forward (evidence changed or expired, wording
    /// changed); shown to the supplier, the reviewer and the CCIO. Null when carried forward or not from a reassessment.
    /// </summary>
    public string? ReopenedReason { get; set; }

    public List<EvidenceItem> Evidence { get; set; } = [];

    /// <summary>
    /// A change to the answer or its evidence: who made it and when, and a new stamp (the API's ETag), so nobody saves
    /// over an answer they have not seen whole.
    /// </summary>
    public void Touch(DateTime now, int userId, string userName)
    {
        UpdatedAt = now;
        UpdatedByUserId = userId;
        UpdatedByName = userName;
        ConcurrencyStamp = Guid.NewGuid();
    }

    /// <summary>Complete enough to submit: a claim, and the justification or plan the claim needs.</summary>
    public bool IsAnswered => Claim switch
    {
        null => false,
        ComplianceClaim.NotApplicable => !string.IsNullOrWhiteSpace(NotApplicableJustification),
        ComplianceClaim.WillMeetByDate => PlannedDate is not null && !string.IsNullOrWhiteSpace(Plan),
        _ => true,
    };
}
