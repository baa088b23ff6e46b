namespace Portal.Data.Assessments;

/// <summary>Where an assessment is in its life, from the officer's draft to sign-off.</summary>
public enum AssessmentStatus
{
    Draft,
    AwaitingSupplier,
    Submitted,
    UnderReview,
    ClarificationRequested,
    AwaitingSignOff,
    SignedOff,
    SignedOffWithConditions,
    Rejected,
    Withdrawn,
}
