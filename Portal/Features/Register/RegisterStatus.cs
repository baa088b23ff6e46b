using System.Globalization;
using Portal.Data.SignOffs;

namespace Portal.Features.Register;

/// <summary>What the public register says of one published assessment, in the fewest words that are true.</summary>
public enum RegisterStatusKind
{
    /// <summary>Signed off outright, with no open work-off plan.</summary>
    Meets,

    /// <summary>Signed off outright, with plans accepted at review still to be done by their dates.</summary>
    MeetsWithPlan,

    /// <summary>Signed off with conditions (the conditions themselves are never published).</summary>
    SignedOffWithConditions,

    /// <summary>
    /// Signed off although the scorecard was Red: the CCIO accepted unmet "must" requirements, so "meets the policy"
    /// would not be true.
    /// </summary>
    SignedOffWithUnmetMust,
}

/// <summary>One register entry's status: its kind, and for a work-off plan the latest date it runs to.</summary>
public sealed record RegisterStatus(RegisterStatusKind Kind, DateOnly? PlanDate, bool PlanOverdue)
{
    /// <summary>The status in words, the same on the page, in the JSON and in the CSV.</summary>
    public string Text => Kind switch
    {
        RegisterStatusKind.Meets => "Meets the policy",
        RegisterStatusKind.MeetsWithPlan => $"Meets with a work-off plan to {PlanDate!.Value.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)}"
            + (PlanOverdue ? " (overdue)" : string.Empty),
        RegisterStatusKind.SignedOffWithConditions => "Signed off with conditions",
        _ => "Signed off with \"must\" requirements not met",
    };

    /// <summary>The stable code open data carries, for programs to compare rather than the words.</summary>
    public string Code => Kind switch
    {
        RegisterStatusKind.Meets => "meets",
        RegisterStatusKind.MeetsWithPlan => "meets-with-plan",
        RegisterStatusKind.SignedOffWithConditions => "signed-off-with-conditions",
        _ => "signed-off-with-unmet-must",
    };
}

/// <summary>
/// Works out a published assessment's register status from its sign-off and its plans, with no I/O. Conditions come
/// first (the sign-off depends on them whatever else is true); then a Red approval, which the CCIO made knowing "must"
/// requirements were unmet; then open work-off plans (accepted at review, not yet accepted as done), by the latest
/// deadline (<see cref="Reminders.PlanDeadline"/>); otherwise it meets the policy.
/// </summary>
public static class RegisterRules
{
    public static RegisterStatus Decide(SignOffDecision decision, bool approvedWhileRed, DateOnly? latestOpenPlanDeadline, DateOnly today)
    {
        if (decision == SignOffDecision.Rejected)
        {
            throw new ArgumentException("A rejected assessment is never on the register.", nameof(decision));
        }

        if (decision == SignOffDecision.ApprovedWithConditions)
        {
            return new(RegisterStatusKind.SignedOffWithConditions, null, false);
        }

        if (approvedWhileRed)
        {
            return new(RegisterStatusKind.SignedOffWithUnmetMust, null, false);
        }

        return latestOpenPlanDeadline is { } due
            ? new(RegisterStatusKind.MeetsWithPlan, due, due < today)
            : new(RegisterStatusKind.Meets, null, false);
    }
}
