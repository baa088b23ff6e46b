using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Features.Audit;
using Portal.Features.Notifications;

namespace Portal.Features.Assessments;

/// <summary>A status change that happened: from, to.</summary>
public sealed record StatusMove(AssessmentStatus From, AssessmentStatus To)
{
    public string FromName => AssessmentWorkflow.StatusName(From);

    public string ToName => AssessmentWorkflow.StatusName(To);
}

/// <summary>A notification a transition sends, to the holders of <paramref name="Roles"/> in one organisation or supplier.</summary>
public sealed record TransitionNotice(string Text, string Link, int? NhsOrganisationId, int? SupplierId, IReadOnlyCollection<string> Roles);

/// <summary>
/// The one way an assessment changes status. <see cref="AssessmentWorkflow"/> decides; this sets the status, touches
/// the stamp, records the audit event and adds the notifications, all in the caller's unit of work, so they commit
/// together or not at all. No other code sets <see cref="Assessment.Status"/>.
/// </summary>
public static class AssessmentTransitions
{
    /// <param name="read">The version of the assessment the person acted on; a later change by someone else makes the outcome stale.</param>
    /// <param name="summary">The audit event's sentence, given the move (it often names the new status).</param>
    /// <param name="notices">Who is told, given the move.</param>
    /// <param name="auditAction">The audit event's action name; by default "Assessment" and the workflow action.</param>
    public static async Task<Outcome<StatusMove>> ApplyAsync(
        PortalDbContext db,
        Caller caller,
        Assessment assessment,
        WorkflowAction action,
        DateTime now,
        ReadVersion read,
        Func<StatusMove, string> summary,
        Func<StatusMove, IEnumerable<TransitionNotice>>? notices = null,
        string? auditAction = null,
        CancellationToken cancellationToken = default)
    {
        if (!read.Permits(assessment.ConcurrencyStamp, somethingToLose: false))
        {
            return Outcome.Stale(
                $"{assessment.Reference} changed since you opened it (it is now {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}). "
                + "Look at it again before you decide.");
        }

        var decision = AssessmentWorkflow.Decide(assessment.Status, action, caller.Roles);
        if (!decision.Allowed)
        {
            return decision.RoleRefused ? Outcome.Forbidden(decision.Refusal!) : Outcome.Conflict(decision.Refusal!);
        }

        var move = new StatusMove(assessment.Status, decision.To!.Value);
        assessment.MoveTo(move.To, now);
        AuditTrail.Record(db, caller, now, auditAction ?? $"Assessment{action}", nameof(Assessment), assessment.Reference, summary(move),
            move.FromName, move.ToName, assessment.Id);
        if (IsSignedOff(move.From) && !IsSignedOff(move.To))
        {
            await LeaveRegisterAsync(db, caller, assessment, move, now, cancellationToken);
        }

        foreach (var notice in notices?.Invoke(move) ?? [])
        {
            await NotificationService.NotifyAsync(db, now, assessment.Id, notice.Text, notice.Link, notice.NhsOrganisationId, notice.SupplierId,
                notice.Roles, null, cancellationToken);
        }

        return Outcome.Done(move);
    }

    private static bool IsSignedOff(AssessmentStatus status) => status is AssessmentStatus.SignedOff or AssessmentStatus.SignedOffWithConditions;

    /// <summary>
    /// An assessment that stops being signed off is withdrawn from the public register in the same unit of work: the
    /// organisation chose to publish that sign-off, not whatever a later one says, so a new sign-off is published only by
    /// choosing again.
    /// </summary>
    private static async Task LeaveRegisterAsync(PortalDbContext db, Caller caller, Assessment assessment, StatusMove move, DateTime now, CancellationToken cancellationToken)
    {
        var active = await db.RegisterPublications.Where(p => p.AssessmentId == assessment.Id && p.WithdrawnAt == null).ToListAsync(cancellationToken);
        if (active.Count == 0)
        {
            return;
        }

        foreach (var publication in active)
        {
            publication.WithdrawnAt = now;
            publication.WithdrawnByUserId = caller.UserId;
        }

        AuditTrail.Record(db, caller, now, "WithdrawnFromRegister", nameof(Assessment), assessment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{assessment.Reference} left the public register: it is {move.ToName.ToLowerInvariant()}, no longer signed off. Publish it again after a new sign-off if the organisation chooses.",
            assessmentId: assessment.Id);
    }
}
