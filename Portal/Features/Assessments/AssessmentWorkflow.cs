using Portal.Data.Assessments;
using Portal.Data.Users;

namespace Portal.Features.Assessments;

/// <summary>Something a person does that moves an assessment from one status to another.</summary>
public enum WorkflowAction
{
    InviteSupplier,
    Submit,
    StartReview,
    RequestClarification,
    SendForSignOff,
    SignOff,
    SignOffWithConditions,
    Reject,
    ReturnToReviewer,
    VoidSignOff,
    Withdraw,
}

/// <summary>
/// Whether a transition may happen. A refusal is either the caller's role (<see cref="RoleRefused"/>: forbidden) or
/// the assessment's status (a conflict with its current state).
/// </summary>
public sealed record WorkflowDecision(bool Allowed, AssessmentStatus? To, string? Refusal, bool RoleRefused = false)
{
    public static WorkflowDecision Allow(AssessmentStatus to) => new(true, to, null);

    public static WorkflowDecision Refuse(string message, bool roleRefused = false) => new(false, null, message, roleRefused);
}

/// <summary>
/// The whole assessment workflow in one place: which transitions exist and which role may make each. Pages,
/// services and the API ask this class; nothing else decides a transition.
/// </summary>
public static class AssessmentWorkflow
{
    private sealed record Transition(AssessmentStatus From, WorkflowAction Action, AssessmentStatus To, string Role);

    private static readonly AssessmentStatus[] Open =
    [
        AssessmentStatus.Draft, AssessmentStatus.AwaitingSupplier, AssessmentStatus.Submitted, AssessmentStatus.UnderReview,
        AssessmentStatus.ClarificationRequested, AssessmentStatus.AwaitingSignOff,
    ];

    private static readonly Transition[] Transitions =
    [
        new(AssessmentStatus.Draft, WorkflowAction.InviteSupplier, AssessmentStatus.AwaitingSupplier, PortalRoles.ProcurementOfficer),
        new(AssessmentStatus.AwaitingSupplier, WorkflowAction.Submit, AssessmentStatus.Submitted, PortalRoles.SupplierAccountManager),
        new(AssessmentStatus.ClarificationRequested, WorkflowAction.Submit, AssessmentStatus.Submitted, PortalRoles.SupplierAccountManager),
        new(AssessmentStatus.Submitted, WorkflowAction.StartReview, AssessmentStatus.UnderReview, PortalRoles.ProcurementOfficer),
        new(AssessmentStatus.UnderReview, WorkflowAction.RequestClarification, AssessmentStatus.ClarificationRequested, PortalRoles.ProcurementOfficer),
        new(AssessmentStatus.UnderReview, WorkflowAction.SendForSignOff, AssessmentStatus.AwaitingSignOff, PortalRoles.ProcurementOfficer),
        new(AssessmentStatus.AwaitingSignOff, WorkflowAction.SignOff, AssessmentStatus.SignedOff, PortalRoles.CcioReviewer),
        new(AssessmentStatus.AwaitingSignOff, WorkflowAction.SignOffWithConditions, AssessmentStatus.SignedOffWithConditions, PortalRoles.CcioReviewer),
        new(AssessmentStatus.AwaitingSignOff, WorkflowAction.Reject, AssessmentStatus.Rejected, PortalRoles.CcioReviewer),
        new(AssessmentStatus.AwaitingSignOff, WorkflowAction.ReturnToReviewer, AssessmentStatus.UnderReview, PortalRoles.CcioReviewer),
        // A material change after sign-off voids it, whoever makes the change: the officer reviews the change before the
        // assessment goes back for a new sign-off.
        new(AssessmentStatus.SignedOff, WorkflowAction.VoidSignOff, AssessmentStatus.UnderReview, PortalRoles.SupplierAccountManager),
        new(AssessmentStatus.SignedOff, WorkflowAction.VoidSignOff, AssessmentStatus.UnderReview, PortalRoles.ProcurementOfficer),
        new(AssessmentStatus.SignedOffWithConditions, WorkflowAction.VoidSignOff, AssessmentStatus.UnderReview, PortalRoles.SupplierAccountManager),
        new(AssessmentStatus.SignedOffWithConditions, WorkflowAction.VoidSignOff, AssessmentStatus.UnderReview, PortalRoles.ProcurementOfficer),
        .. Open.Select(from => new Transition(from, WorkflowAction.Withdraw, AssessmentStatus.Withdrawn, PortalRoles.ProcurementOfficer)),
    ];

    public static WorkflowDecision Decide(AssessmentStatus from, WorkflowAction action, IReadOnlySet<string> roles)
    {
        var candidates = Transitions.Where(t => t.From == from && t.Action == action).ToList();
        if (candidates.Count == 0)
        {
            return WorkflowDecision.Refuse($"You cannot {ActionName(action)} an assessment that is {StatusName(from).ToLowerInvariant()}.");
        }

        var allowed = candidates.FirstOrDefault(t => roles.Contains(t.Role));
        return allowed is not null
            ? WorkflowDecision.Allow(allowed.To)
            : WorkflowDecision.Refuse($"Only a {string.Join(" or ", candidates.Select(t => RoleInSentence(t.Role)).Distinct())} can {ActionName(action)} this assessment.", roleRefused: true);
    }

    /// <summary>The actions the holder of these roles can take from this status, for the page to offer.</summary>
    public static IReadOnlyList<WorkflowAction> ActionsFor(AssessmentStatus from, IReadOnlySet<string> roles) =>
        Transitions.Where(t => t.From == from && roles.Contains(t.Role)).Select(t => t.Action).Distinct().ToList();

    public static bool IsOpen(AssessmentStatus status) => Open.Contains(status);

    private static string RoleInSentence(string role) => role == PortalRoles.CcioReviewer ? "CCIO sign-off reviewer" : PortalRoles.DisplayName(role).ToLowerInvariant();

    public static string StatusName(AssessmentStatus status) => status switch
    {
        AssessmentStatus.Draft => "Draft",
        AssessmentStatus.AwaitingSupplier => "Awaiting supplier",
        AssessmentStatus.Submitted => "Submitted",
        AssessmentStatus.UnderReview => "Under review",
        AssessmentStatus.ClarificationRequested => "Clarification requested",
        AssessmentStatus.AwaitingSignOff => "Awaiting sign-off",
        AssessmentStatus.SignedOff => "Signed off",
        AssessmentStatus.SignedOffWithConditions => "Signed off with conditions",
        AssessmentStatus.Rejected => "Rejected",
        AssessmentStatus.Withdrawn => "Withdrawn",
        _ => status.ToString(),
    };

    public static string ActionName(WorkflowAction action) => action switch
    {
        WorkflowAction.InviteSupplier => "invite a supplier to",
        WorkflowAction.Submit => "submit",
        WorkflowAction.StartReview => "start reviewing",
        WorkflowAction.RequestClarification => "request clarification on",
        WorkflowAction.SendForSignOff => "send for sign-off",
        WorkflowAction.SignOff => "sign off",
        WorkflowAction.SignOffWithConditions => "sign off with conditions",
        WorkflowAction.Reject => "reject",
        WorkflowAction.ReturnToReviewer => "return to the reviewer",
        WorkflowAction.VoidSignOff => "void the sign-off of",
        WorkflowAction.Withdraw => "withdraw",
        _ => action.ToString(),
    };
}
