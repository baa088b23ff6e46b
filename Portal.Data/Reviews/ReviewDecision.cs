namespace Portal.Data.Reviews;

public enum ReviewOutcome
{
    Accepted,
    ClarificationRequested,
    Rejected,
}

/// <summary>The NHS reviewer's current decision on one requirement's answer. Earlier decisions live in the audit trail.</summary>
public class ReviewDecision
{
    public int Id { get; set; }

    public int AssessmentId { get; set; }

    public int AssessmentRequirementId { get; set; }

    public ReviewOutcome Outcome { get; set; }

    /// <summary>The question for a clarification, or the reason for a rejection.</summary>
    public string? Note { get; set; }

    public int DecidedByUserId { get; set; }

    public required string DecidedByName { get; set; }

    public DateTime DecidedAt { get; set; }

    /// <summary>
    /// The signed-off assessment whose decision this was carried forward from (a reassessment); null once a reviewer of
    /// this assessment decides again.
    /// </summary>
    public int? CarriedFromAssessmentId { get; set; }
}
