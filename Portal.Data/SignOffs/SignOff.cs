namespace Portal.Data.SignOffs;

public enum SignOffDecision
{
    Approved,
    ApprovedWithConditions,
    Rejected,
}

/// <summary>
/// A CCIO's sign-off: who, in what role, when, the decision, the clinical safety context, and a SHA-256 seal over
/// a canonical snapshot of the assessment. A material change afterwards voids it.
/// </summary>
public class SignOff
{
    public int Id { get; set; }

    public int AssessmentId { get; set; }

    public SignOffDecision Decision { get; set; }

    public int SignedByUserId { get; set; }

    public required string SignedByName { get; set; }

    public required string SignedByRole { get; set; }

    public DateTime SignedAt { get; set; }

    /// <summary>The DCB0160 hazard log reference for the deployment.</summary>
    public string? HazardLogReference { get; set; }

    public string? ClinicalSafetyNotes { get; set; }

    public string? Reasons { get; set; }

    /// <summary>
    /// Why the sign-off reviewer approved although the scorecard's status was Red, written when they acknowledged it;
    /// null for any other decision. It is part of the sealed snapshot.
    /// </summary>
    public string? RedApprovalReason { get; set; }

    public required string Attestation { get; set; }

    public required string Snapshot { get; set; }

    public required string Seal { get; set; }

    public bool IsVoid { get; set; }

    public DateTime? VoidedAt { get; set; }

    public string? VoidReason { get; set; }

    public List<SignOffCondition> Conditions { get; set; } = [];
}

/// <summary>
/// Something the CCIO's sign-off depends on, owned by the NHS organisation or the supplier (and optionally a named
/// person), closed when its owner marks it done and the procurement officer accepts. Closing it never touches the sealed
/// snapshot: the condition is the sign-off's, not the assessment's.
/// </summary>
public class SignOffCondition : IClosable
{
    public int Id { get; set; }

    public int SignOffId { get; set; }

    public required string Text { get; set; }

    /// <summary>The owner in words (a team or role), as the CCIO wrote it.</summary>
    public required string Owner { get; set; }

    /// <summary>Which side owns it, who may mark it done and who is reminded.</summary>
    public FollowUpParty OwnerParty { get; set; }

    /// <summary>The named person who owns it, when there is one: they alone are reminded and they (or their side) may mark it done.</summary>
    public int? OwnerUserId { get; set; }

    public DateOnly DueDate { get; set; }

    public ClosureState ClosureState { get; set; }

    public string? ClosureNote { get; set; }

    public string? ClosureLink { get; set; }

    public DateTime? ClosureMarkedAt { get; set; }

    public string? ClosureMarkedBy { get; set; }

    public DateTime? ClosureDecidedAt { get; set; }

    public string? ClosureDecidedBy { get; set; }

    public string? ClosureSentBackReason { get; set; }
}
