using System.Globalization;

namespace Portal.Features.Reassessments;

/// <summary>What happens to one in-scope requirement of a reassessment.</summary>
public enum CarryForwardKind
{
    /// <summary>Not answered in the reassessed assessment: a plain new requirement.</summary>
    New,

    /// <summary>The answer, evidence and review outcome carry forward with their provenance.</summary>
    CarryForward,

    /// <summary>The old answer is kept as a starting point, but it needs a fresh answer and a fresh review.</summary>
    Reopen,
}

/// <summary>One piece of the reassessed assessment's evidence for the requirement, as it stands now.</summary>
/// <param name="HashAtSignOff">The content hash the last readable check before sign-off found (links only).</param>
/// <param name="CurrentHash">The content hash the latest readable check found (links only).</param>
/// <param name="Drift">What the latest check found worse than before (no longer public, gone, changed since sign-off).</param>
/// <param name="Unreadable">A document the store could not give back intact, so it cannot be copied forward.</param>
public sealed record EvidenceFact(
    string Title, bool IsDocument, DateTime AddedAt, DateOnly? ValidUntil, string? HashAtSignOff = null, string? CurrentHash = null, string? Drift = null,
    bool Unreadable = false);

/// <summary>
/// Facts about one requirement code in scope of the reassessment.
/// </summary>
/// <param name="Answered">The reassessed assessment has a complete answer to the same code.</param>
/// <param name="WordingChanged">The requirement's statement in the reassessment's catalogue version differs from the reassessed one's.</param>
/// <param name="PlanPassed">The date of a "will meet by" plan not yet closed, when it has passed: the promise is due, not carried.</param>
public sealed record RequirementFacts(string Code, bool Answered, bool WordingChanged, DateOnly? PlanPassed, IReadOnlyList<EvidenceFact> Evidence)
{
    public RequirementFacts(string code, bool answered, bool wordingChanged, IReadOnlyList<EvidenceFact> evidence)
        : this(code, answered, wordingChanged, null, evidence)
    {
    }
}

public sealed record CarryForwardDecision(string Code, CarryForwardKind Kind, IReadOnlyList<string> Reasons)
{
    public string? ReasonText => Reasons.Count == 0 ? null : string.Join(" ", Reasons);
}

/// <summary>
/// Which requirements of a reassessment carry forward from the signed-off assessment it reassesses, and which reopen
/// and why: only what changed (a link's content is not what was checked at sign-off, a document added or replaced
/// after sign-off), what expired, or what the catalogue reworded. No I/O.
/// </summary>
public static class CarryForwardRules
{
    public static CarryForwardDecision Decide(RequirementFacts facts, DateTime signedOffAt, DateOnly today)
    {
        if (!facts.Answered)
        {
            return new(facts.Code, CarryForwardKind.New, []);
        }

        var reasons = new List<string>();
        if (facts.WordingChanged)
        {
            reasons.Add("The catalogue's wording of this requirement changed since the last assessment.");
        }

        if (facts.PlanPassed is { } planned)
        {
            reasons.Add($"The plan to meet it by {planned.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)} is past its date and was not closed.");
        }

        foreach (var evidence in facts.Evidence)
        {
            if (evidence.Unreadable)
            {
                reasons.Add($"Evidence missing: the document \u201c{evidence.Title}\u201d could not be read intact from the signed-off assessment, so it was not carried forward. Upload it again.");
            }
            else if (evidence.AddedAt > signedOffAt)
            {
                reasons.Add($"Evidence changed: \u201c{evidence.Title}\u201d was {(evidence.IsDocument ? "uploaded" : "added")} on {Day(evidence.AddedAt)}, after sign-off.");
            }
            else if (evidence.HashAtSignOff is { } before && evidence.CurrentHash is { } now && !string.Equals(before, now, StringComparison.OrdinalIgnoreCase))
            {
                reasons.Add($"Evidence changed: the content at \u201c{evidence.Title}\u201d is not what was checked at sign-off.");
            }
            else if (evidence.Drift is { } drift)
            {
                reasons.Add($"Evidence changed: \u201c{evidence.Title}\u201d: {drift.TrimEnd('.')}.");
            }

            if (evidence.ValidUntil is { } until && until < today)
            {
                reasons.Add($"Evidence expired: \u201c{evidence.Title}\u201d was valid until {until.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}.");
            }
        }

        return new(facts.Code, reasons.Count == 0 ? CarryForwardKind.CarryForward : CarryForwardKind.Reopen, reasons);
    }

    /// <summary>The provenance line shown with a carried-forward or reopened answer.</summary>
    public static string Provenance(string reference, DateTime? signedOffAt) =>
        $"from {reference}{(signedOffAt is { } at ? $", signed off {Day(at)}" : "")}";

    private static string Day(DateTime at) => at.ToString("d MMMM yyyy", CultureInfo.InvariantCulture);
}
