using Portal.Data.Evidence;
using Portal.Data.Reviews;

namespace Portal.Features.Audit;

/// <summary>
/// The words the audit trail records for a claim, a review decision or a person's access, in its before and after and
/// its summaries, as the pages that changed them say them. Events recorded before 3 December 2026 hold the code's names
/// ("PartiallyMeets", "ClarificationRequested", "True"); they cannot be rewritten (the trail is hash-chained), so
/// <see cref="Readable"/> shows them in the same words.
/// </summary>
public static class AuditValues
{
    public static string Claim(ComplianceClaim? claim) => claim switch
    {
        ComplianceClaim.Meets => "Meets",
        ComplianceClaim.PartiallyMeets => "Partially meets",
        ComplianceClaim.DoesNotMeet => "Does not meet",
        ComplianceClaim.NotApplicable => "Not applicable",
        ComplianceClaim.WillMeetByDate => "Will meet by a date",
        _ => "No claim yet",
    };

    public static string Decision(ReviewOutcome outcome) => outcome switch
    {
        ReviewOutcome.Accepted => "Accepted",
        ReviewOutcome.ClarificationRequested => "Clarification requested",
        _ => "Rejected",
    };

    /// <summary>A person's access, before and after an administrator deactivates or reactivates them.</summary>
    public static string Access(bool active) => active ? "Active" : "Deactivated";

    /// <summary>A value recorded by <paramref name="action"/>, in words: an older event's code name becomes what it means.</summary>
    public static string? Readable(string action, string? value) => (action, value) switch
    {
        (_, null) => null,
        ("ResponseSaved" or "EvidencePackAnswerSaved", _) when Enum.GetNames<ComplianceClaim>().Contains(value, StringComparer.Ordinal) =>
            Claim(Enum.Parse<ComplianceClaim>(value)),
        ("ReviewDecisionRecorded", _) when Enum.GetNames<ReviewOutcome>().Contains(value, StringComparer.Ordinal) =>
            Decision(Enum.Parse<ReviewOutcome>(value)),
        ("PersonDeactivated" or "PersonReactivated", "True" or "False") => Access(value == "True"),
        _ => value,
    };

    /// <summary>
    /// The code names older events hold for the words <paramref name="words"/> is part of, so a search for
    /// "partially meets" finds them too.
    /// </summary>
    public static IReadOnlyList<string> CodeNamesFor(string words) =>
    [
        .. Enum.GetValues<ComplianceClaim>().Where(c => Claim(c).Contains(words, StringComparison.OrdinalIgnoreCase)).Select(c => c.ToString()),
        .. Enum.GetValues<ReviewOutcome>().Where(o => Decision(o).Contains(words, StringComparison.OrdinalIgnoreCase)).Select(o => o.ToString()),
    ];
}
