using Portal.Data.Assessments;

namespace Portal.Data.Scorecards;

public enum RagStatus
{
    Red,
    Amber,
    Green,
}

/// <summary>
/// An assessment's score as the scorecard last worked it out, kept so that dashboards can count assessments by
/// RAG status in the database instead of scoring thousands of assessments on every visit. It is derived data:
/// the scorecard itself is always worked out afresh, and this row only says what it was and when it may change.
/// </summary>
/// <remarks>
/// <see cref="StaleScoreMarker"/> gives <see cref="InputsStamp"/> a new value whenever something the score is
/// worked out from changes, in the same save as the change. Whoever recalculates records the stamp it read in
/// <see cref="CalculatedFromStamp"/>; the two differ until the score has been worked out from the latest inputs,
/// so a change that lands while a recalculation is running leaves the row stale rather than wrongly fresh.
/// </remarks>
public class AssessmentScore
{
    public int AssessmentId { get; set; }

    public Assessment? Assessment { get; set; }

    /// <summary>Null while no requirement has an accepted or rejected review decision: not yet scored.</summary>
    public RagStatus? Rag { get; set; }

    public decimal? OverallPercent { get; set; }

    /// <summary>
    /// The first day on which time alone could change the score (a plan's date or evidence's "valid until"
    /// passing); null when only a change to the assessment can.
    /// </summary>
    public DateOnly? ReviewOn { get; set; }

    public Guid InputsStamp { get; set; } = Guid.NewGuid();

    public Guid? CalculatedFromStamp { get; set; }

    public DateTime? CalculatedAt { get; set; }
}
