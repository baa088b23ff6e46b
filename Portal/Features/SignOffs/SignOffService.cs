using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Reviews;
using Portal.Data.SignOffs;
using Portal.Data.Users;
using Portal.Features.Assessments;
using Portal.Features.Audit;
using Portal.Features.Notifications;
using Portal.Features.Scorecards;

namespace Portal.Features.SignOffs;

/// <summary>
/// CCIO sign-off: the result so far on one page, the clinical safety context, a decision with an attestation,
/// and a seal over a snapshot of the assessment. The person who reviewed an assessment cannot sign it off.
/// </summary>
public sealed class SignOffService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public const string AttestationText =
        "I have reviewed this assessment and the clinical safety context of the integrations it describes, and my decision reflects my professional judgement as the organisation's sign-off reviewer.";

    public enum Choice
    {
        Approve,
        ApproveWithConditions,
        Reject,
        ReturnToReviewer,
    }

    public sealed record ConditionInput(string? Text, string? Owner, DateOnly? DueDate);

    /// <summary>
    /// A decision. <paramref name="Choice"/> is null until the person chooses: nothing is chosen for them. Approving a
    /// Red assessment needs <paramref name="RedAcknowledged"/> and a written <paramref name="RedApprovalReason"/>.
    /// </summary>
    public sealed record Input(
        Choice? Choice, bool Attested, string? HazardLogReference, string? ClinicalSafetyNotes, string? Reasons, IReadOnlyList<ConditionInput> Conditions,
        bool RedAcknowledged = false, string? RedApprovalReason = null);

    /// <summary>The shortest reason for approving a Red assessment that can say something.</summary>
    public const int RedApprovalReasonMinimum = 20;

    public sealed record UnmetItem(string Code, string Title, string Result, string Why);

    public sealed record ConditionView(string Text, string Owner, DateOnly DueDate);

    public sealed record SignOffView(
        SignOffDecision Decision, string SignedBy, string Role, DateTime SignedAt, string? HazardLogReference, string? ClinicalSafetyNotes,
        string? Reasons, string Seal, bool IsVoid, DateTime? VoidedAt, string? VoidReason, IReadOnlyList<ConditionView> Conditions,
        string? RedApprovalReason = null);

    /// <summary>
    /// The sign-off page's data. The status, scores and unmet "must" requirements come from the assessment's
    /// <see cref="Scorecard"/>, worked out as the scorecard page does, so the two never disagree.
    /// </summary>
    public sealed record Summary(
        int AssessmentId, string Reference, string SystemName, string SupplierName, AssessmentStatus Status,
        int InScope, int Accepted, int Rejected, int OpenClarifications,
        IReadOnlyList<UnmetItem> UnmetMust, IReadOnlyList<(string Name, string? ApiOperation)> Functions,
        SignOffView? Latest, bool CanSignOff, string? WhyNot, Scorecard Card)
    {
        /// <summary>Approving needs an explicit acknowledgement and a reason while the status is Red.</summary>
        public bool ApprovalNeedsAcknowledgement => Card.Rag == Rag.Red;
    }

    public async Task<Summary?> GetAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.AsNoTracking().Include(a => a.Supplier).Include(a => a.Functions)
            .SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null || !AssessmentVisibility.IsNhsStaffOf(caller, assessment.NhsOrganisationId))
        {
            return null;
        }

        var rules = await db.Assessments.AsNoTracking().Where(a => a.Id == assessmentId)
            .Select(a => new ScoringRules(a.FrameworkVersion!.PolicyFramework!.MustWeight, a.FrameworkVersion.PolicyFramework.ShouldWeight,
                a.FrameworkVersion.PolicyFramework.ShouldThresholdPercent))
            .SingleAsync(cancellationToken);
        var rows = (await ScorecardQueries.Inputs(db, db.AssessmentRequirements.AsNoTracking().Where(r => r.AssessmentId == assessmentId))
            .ToListAsync(cancellationToken)).ConvertAll(r => r.Scoring);
        var card = ScorecardCalculator.Calculate(rows, assessment.Route ?? AssessmentRoute.Procure, rules, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        var unmet = card.UnmetMust.Select(r => new UnmetItem(r.Input.Code, r.Input.Title, ScorecardService.ResultName(r.Result), r.Explanation)).ToList();
        var latest = await db.SignOffs.AsNoTracking().Include(s => s.Conditions)
            .Where(s => s.AssessmentId == assessmentId).OrderByDescending(s => s.SignedAt).FirstOrDefaultAsync(cancellationToken);
        var reviewed = await HasReviewedAsync(db, caller, assessmentId, cancellationToken);
        string? whyNot = null;
        if (!caller.IsInRole(PortalRoles.CcioReviewer))
        {
            whyNot = "Only a CCIO sign-off reviewer can sign off an assessment.";
        }
        else if (assessment.Status != AssessmentStatus.AwaitingSignOff)
        {
            whyNot = $"The assessment is {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}, not awaiting sign-off.";
        }
        else if (reviewed)
        {
            whyNot = "You reviewed this assessment, so another CCIO sign-off reviewer must sign it off (segregation of duties).";
        }

        return new Summary(
            assessmentId, assessment.Reference, assessment.SystemName, assessment.Supplier?.Name ?? string.Empty, assessment.Status,
            rows.Count, rows.Count(r => r.Decision == ReviewOutcome.Accepted), rows.Count(r => r.Decision == ReviewOutcome.Rejected),
            rows.Count(r => r.Decision == ReviewOutcome.ClarificationRequested), unmet,
            assessment.Functions.OrderBy(f => f.Order).Select(f => (f.Name, f.ApiOperation)).ToList(),
            latest is null ? null : new SignOffView(latest.Decision, latest.SignedByName, latest.SignedByRole, latest.SignedAt, latest.HazardLogReference,
                latest.ClinicalSafetyNotes, latest.Reasons, latest.Seal, latest.IsVoid, latest.VoidedAt, latest.VoidReason,
                latest.Conditions.Select(c => new ConditionView(c.Text, c.Owner, c.DueDate)).ToList(), latest.RedApprovalReason),
            whyNot is null,
            whyNot,
            card);
    }

    public async Task<CommandResult> DecideAsync(Caller caller, int assessmentId, Input input, CancellationToken cancellationToken = default)
    {
        var summary = await GetAsync(caller, assessmentId, cancellationToken);
        if (summary is null || !summary.CanSignOff)
        {
            return CommandResult.Refused(summary?.WhyNot ?? "Only a CCIO sign-off reviewer of the assessing organisation can sign this off.");
        }

        if (input.Choice is not { } choice)
        {
            return CommandResult.Refused("Choose a decision: approve, approve with conditions, reject, or return to the reviewer.", "decision");
        }

        var approving = choice is Choice.Approve or Choice.ApproveWithConditions;
        var redApprovalReason = approving && summary.ApprovalNeedsAcknowledgement ? TypedText.Tidy(input.RedApprovalReason, 4000) : null;
        if (approving && summary.ApprovalNeedsAcknowledgement)
        {
            if (!input.RedAcknowledged)
            {
                return CommandResult.Refused(
                    $"The status is Red: {ScorecardCalculator.UnmetMustWords(summary.Card.UnmetMust.Count)}. To approve it all the same, confirm that you have seen this.",
                    "redAcknowledgement");
            }

            if (redApprovalReason is null || redApprovalReason.Length < RedApprovalReasonMinimum)
            {
                return CommandResult.Refused(
                    $"Say why you approve an assessment whose status is Red (at least {RedApprovalReasonMinimum} characters); it is kept with the sign-off and sealed.",
                    "redApprovalReason");
            }
        }

        if (!input.Attested)
        {
            return CommandResult.Refused("Confirm the attestation statement to record your decision.", "attestation");
        }

        var reasons = TypedText.Tidy(input.Reasons, 4000);
        if (choice is Choice.Reject or Choice.ReturnToReviewer && (reasons is null || reasons.Length < 10))
        {
            return CommandResult.Refused(choice == Choice.Reject ? "Give the reasons for rejecting (at least 10 characters)." : "Say what the reviewer should look at again (at least 10 characters).", "reasons");
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var conditions = input.Conditions.Where(c => !string.IsNullOrWhiteSpace(c.Text) || !string.IsNullOrWhiteSpace(c.Owner) || c.DueDate is not null).ToList();
        if (choice == Choice.ApproveWithConditions)
        {
            if (conditions.Count == 0)
            {
                return CommandResult.Refused("Add at least one condition, with its owner and due date.", "conditions");
            }

            if (conditions.Any(c => string.IsNullOrWhiteSpace(c.Text) || string.IsNullOrWhiteSpace(c.Owner) || c.DueDate is null))
            {
                return CommandResult.Refused("Every condition needs what must be done, who owns it and a due date.", "conditions");
            }

            if (conditions.Any(c => c.DueDate < today))
            {
                return CommandResult.Refused("A condition's due date cannot be in the past.", "conditions");
            }
        }

        var action = choice switch
        {
            Choice.Approve => WorkflowAction.SignOff,
            Choice.ApproveWithConditions => WorkflowAction.SignOffWithConditions,
            Choice.Reject => WorkflowAction.Reject,
            _ => WorkflowAction.ReturnToReviewer,
        };
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.SingleAsync(a => a.Id == assessmentId, cancellationToken);
        var decision = AssessmentWorkflow.Decide(assessment.Status, action, caller.Roles);
        if (!decision.Allowed)
        {
            return CommandResult.Refused(decision.Refusal!);
        }

        var before = assessment.Status;
        assessment.Status = decision.To!.Value;
        assessment.Touch(now);
        string? seal = null;
        if (choice != Choice.ReturnToReviewer)
        {
            var signOffDecision = choice switch { Choice.Approve => SignOffDecision.Approved, Choice.ApproveWithConditions => SignOffDecision.ApprovedWithConditions, _ => SignOffDecision.Rejected };
            var statement = new AssessmentSnapshot.Statement(signOffDecision.ToString(), summary.Card.StatusName, summary.Card.StatusReason,
                summary.Card.UnmetMust.Select(r => r.Input.Code).ToList(), redApprovalReason);
            var snapshot = await AssessmentSnapshot.BuildAsync(db, assessmentId, statement, cancellationToken);
            seal = AssessmentSnapshot.Seal(snapshot);
            db.SignOffs.Add(new SignOff
            {
                AssessmentId = assessmentId,
                Decision = signOffDecision,
                SignedByUserId = caller.UserId,
                SignedByName = caller.DisplayName,
                SignedByRole = PortalRoles.DisplayName(PortalRoles.CcioReviewer),
                SignedAt = now,
                HazardLogReference = TypedText.Tidy(input.HazardLogReference, 200),
                ClinicalSafetyNotes = TypedText.Tidy(input.ClinicalSafetyNotes, 4000),
                Reasons = reasons,
                RedApprovalReason = redApprovalReason,
                Attestation = AttestationText,
                Snapshot = snapshot,
                Seal = seal,
                Conditions = choice == Choice.ApproveWithConditions
                    ? conditions.Select(c => new SignOffCondition { Text = c.Text!.Trim(), Owner = c.Owner!.Trim(), DueDate = c.DueDate!.Value }).ToList()
                    : [],
            });
        }

        AuditTrail.Record(db, caller, now, choice == Choice.ReturnToReviewer ? "ReturnedToReviewer" : "AssessmentSignedOff", nameof(Assessment), assessment.Reference,
            $"{caller.DisplayName} ({PortalRoles.DisplayName(PortalRoles.CcioReviewer)}): {AssessmentWorkflow.StatusName(assessment.Status)}"
            + (redApprovalReason is null ? "" : $", approved although the status was Red ({summary.Card.UnmetMust.Count} \"must\" not met) because: {redApprovalReason}")
            + $"{(seal is null ? "" : $", seal {seal}")}.",
            AssessmentWorkflow.StatusName(before), AssessmentWorkflow.StatusName(assessment.Status), assessmentId);
        var message = $"{assessment.Reference} ({assessment.SystemName}): {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()} by {caller.DisplayName}.";
        await NotificationService.NotifyAsync(db, now, assessmentId, message, $"/assessments/{assessmentId}", assessment.NhsOrganisationId, null, NotificationService.Officers, null, cancellationToken);
        if (choice != Choice.ReturnToReviewer)
        {
            await NotificationService.NotifyAsync(db, now, assessmentId, message, $"/assessments/{assessmentId}", null, assessment.SupplierId, NotificationService.Suppliers, null, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return CommandResult.Done($"{assessment.Reference} is {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}.");
    }

    /// <summary>
    /// A material change after sign-off (an answer or its evidence) voids the sign-off and says what changed. The
    /// changed requirement's review decision no longer stands (it was about the old answer), so the assessment goes
    /// back to the procurement officer, who reviews the change before the CCIO sees it again. Called inside the
    /// change's own unit of work.
    /// </summary>
    public static async Task VoidAfterChangeAsync(
        PortalDbContext db, Caller caller, Assessment assessment, int? changedRequirementId, string whatChanged, DateTime now, CancellationToken cancellationToken)
    {
        var decision = AssessmentWorkflow.Decide(assessment.Status, WorkflowAction.VoidSignOff, caller.Roles);
        if (!decision.Allowed)
        {
            return;
        }

        var signOff = await db.SignOffs.Where(s => s.AssessmentId == assessment.Id && !s.IsVoid).OrderByDescending(s => s.SignedAt).FirstOrDefaultAsync(cancellationToken);
        if (signOff is not null)
        {
            signOff.IsVoid = true;
            signOff.VoidedAt = now;
            signOff.VoidReason = whatChanged;
        }

        var withdrawn = changedRequirementId is { } requirementId
            ? await db.ReviewDecisions.Where(d => d.AssessmentId == assessment.Id && d.AssessmentRequirementId == requirementId).ToListAsync(cancellationToken)
            : [];
        db.ReviewDecisions.RemoveRange(withdrawn);
        var before = assessment.Status;
        assessment.Status = decision.To!.Value;
        assessment.Touch(now);
        var reviewAgain = withdrawn.Count > 0 ? " Its review decision is withdrawn: the procurement officer reviews the change before a new sign-off." : " The procurement officer reviews it before a new sign-off.";
        AuditTrail.Record(db, caller, now, "SignOffVoided", nameof(Assessment), assessment.Reference,
            $"Sign-off void: {whatChanged}{reviewAgain}", AssessmentWorkflow.StatusName(before), AssessmentWorkflow.StatusName(assessment.Status), assessment.Id);
        var text = $"{assessment.Reference}: sign-off void because {whatChanged}{reviewAgain}";
        await NotificationService.NotifyAsync(db, now, assessment.Id, text, $"/assessments/{assessment.Id}", assessment.NhsOrganisationId, null,
            [PortalRoles.ProcurementOfficer, PortalRoles.CcioReviewer], null, cancellationToken);
    }

    private static async Task<bool> HasReviewedAsync(PortalDbContext db, Caller caller, int assessmentId, CancellationToken cancellationToken) =>
        await db.AuditEvents.AnyAsync(e => e.AssessmentId == assessmentId && e.ActorUserId == caller.UserId && e.Action == "ReviewDecisionRecorded", cancellationToken);
}
