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

    public sealed record Input(Choice Choice, bool Attested, string? HazardLogReference, string? ClinicalSafetyNotes, string? Reasons, IReadOnlyList<ConditionInput> Conditions);

    public sealed record UnmetItem(string Code, string Title, string Why);

    public sealed record ConditionView(string Text, string Owner, DateOnly DueDate);

    public sealed record SignOffView(
        SignOffDecision Decision, string SignedBy, string Role, DateTime SignedAt, string? HazardLogReference, string? ClinicalSafetyNotes,
        string? Reasons, string Seal, bool IsVoid, DateTime? VoidedAt, string? VoidReason, IReadOnlyList<ConditionView> Conditions);

    public sealed record Summary(
        int AssessmentId, string Reference, string SystemName, string SupplierName, AssessmentStatus Status,
        int InScope, int Accepted, int Rejected, int OpenClarifications,
        IReadOnlyList<UnmetItem> UnmetMust, IReadOnlyList<(string Name, string? ApiOperation)> Functions,
        SignOffView? Latest, bool CanSignOff, string? WhyNot);

    public async Task<Summary?> GetAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.AsNoTracking().Include(a => a.Supplier).Include(a => a.Functions)
            .SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null || !AssessmentVisibility.IsNhsStaffOf(caller, assessment.NhsOrganisationId))
        {
            return null;
        }

        var rows = await db.AssessmentRequirements.AsNoTracking()
            .Where(r => r.AssessmentId == assessmentId && r.InScope)
            .OrderBy(r => r.Order)
            .Select(r => new
            {
                r.Code,
                r.PolicyRequirement!.Title,
                r.PolicyRequirement.Obligation,
                Claim = db.RequirementResponses.Where(x => x.AssessmentRequirementId == r.Id).Select(x => x.Claim).FirstOrDefault(),
                Outcome = db.ReviewDecisions.Where(d => d.AssessmentRequirementId == r.Id).Select(d => (ReviewOutcome?)d.Outcome).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var unmet = rows
            .Where(r => r.Obligation == Obligation.Must && (r.Outcome == ReviewOutcome.Rejected || r.Claim is ComplianceClaim.DoesNotMeet or ComplianceClaim.PartiallyMeets or ComplianceClaim.WillMeetByDate))
            .Select(r => new UnmetItem(r.Code, r.Title, r.Outcome == ReviewOutcome.Rejected ? "answer rejected at review" : ClaimWords(r.Claim)))
            .ToList();
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
            rows.Count, rows.Count(r => r.Outcome == ReviewOutcome.Accepted), rows.Count(r => r.Outcome == ReviewOutcome.Rejected),
            rows.Count(r => r.Outcome == ReviewOutcome.ClarificationRequested), unmet,
            assessment.Functions.OrderBy(f => f.Order).Select(f => (f.Name, f.ApiOperation)).ToList(),
            latest is null ? null : new SignOffView(latest.Decision, latest.SignedByName, latest.SignedByRole, latest.SignedAt, latest.HazardLogReference,
                latest.ClinicalSafetyNotes, latest.Reasons, latest.Seal, latest.IsVoid, latest.VoidedAt, latest.VoidReason,
                latest.Conditions.Select(c => new ConditionView(c.Text, c.Owner, c.DueDate)).ToList()),
            whyNot is null,
            whyNot);
    }

    public async Task<CommandResult> DecideAsync(Caller caller, int assessmentId, Input input, CancellationToken cancellationToken = default)
    {
        var summary = await GetAsync(caller, assessmentId, cancellationToken);
        if (summary is null || !summary.CanSignOff)
        {
            return CommandResult.Refused(summary?.WhyNot ?? "Only a CCIO sign-off reviewer of the assessing organisation can sign this off.");
        }

        if (!input.Attested)
        {
            return CommandResult.Refused("Confirm the attestation statement to record your decision.", "attestation");
        }

        var reasons = TypedText.Tidy(input.Reasons, 4000);
        if (input.Choice is Choice.Reject or Choice.ReturnToReviewer && (reasons is null || reasons.Length < 10))
        {
            return CommandResult.Refused(input.Choice == Choice.Reject ? "Give the reasons for rejecting (at least 10 characters)." : "Say what the reviewer should look at again (at least 10 characters).", "reasons");
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var conditions = input.Conditions.Where(c => !string.IsNullOrWhiteSpace(c.Text) || !string.IsNullOrWhiteSpace(c.Owner) || c.DueDate is not null).ToList();
        if (input.Choice == Choice.ApproveWithConditions)
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

        var action = input.Choice switch
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
        if (input.Choice != Choice.ReturnToReviewer)
        {
            var snapshot = await AssessmentSnapshot.BuildAsync(db, assessmentId, cancellationToken);
            seal = AssessmentSnapshot.Seal(snapshot);
            db.SignOffs.Add(new SignOff
            {
                AssessmentId = assessmentId,
                Decision = input.Choice switch { Choice.Approve => SignOffDecision.Approved, Choice.ApproveWithConditions => SignOffDecision.ApprovedWithConditions, _ => SignOffDecision.Rejected },
                SignedByUserId = caller.UserId,
                SignedByName = caller.DisplayName,
                SignedByRole = PortalRoles.DisplayName(PortalRoles.CcioReviewer),
                SignedAt = now,
                HazardLogReference = TypedText.Tidy(input.HazardLogReference, 200),
                ClinicalSafetyNotes = TypedText.Tidy(input.ClinicalSafetyNotes, 4000),
                Reasons = reasons,
                Attestation = AttestationText,
                Snapshot = snapshot,
                Seal = seal,
                Conditions = input.Choice == Choice.ApproveWithConditions
                    ? conditions.Select(c => new SignOffCondition { Text = c.Text!.Trim(), Owner = c.Owner!.Trim(), DueDate = c.DueDate!.Value }).ToList()
                    : [],
            });
        }

        AuditTrail.Record(db, caller, now, input.Choice == Choice.ReturnToReviewer ? "ReturnedToReviewer" : "AssessmentSignedOff", nameof(Assessment), assessment.Reference,
            $"{caller.DisplayName} ({PortalRoles.DisplayName(PortalRoles.CcioReviewer)}): {AssessmentWorkflow.StatusName(assessment.Status)}{(seal is null ? "" : $", seal {seal}")}.",
            AssessmentWorkflow.StatusName(before), AssessmentWorkflow.StatusName(assessment.Status), assessmentId);
        var message = $"{assessment.Reference} ({assessment.SystemName}): {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()} by {caller.DisplayName}.";
        await NotificationService.NotifyAsync(db, now, assessmentId, message, $"/assessments/{assessmentId}", assessment.NhsOrganisationId, null, NotificationService.Officers, null, cancellationToken);
        if (input.Choice != Choice.ReturnToReviewer)
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

    private static string ClaimWords(ComplianceClaim? claim) => claim switch
    {
        ComplianceClaim.DoesNotMeet => "supplier says it does not meet it",
        ComplianceClaim.PartiallyMeets => "supplier says it partially meets it",
        ComplianceClaim.WillMeetByDate => "supplier plans to meet it by a date",
        _ => "not met",
    };
}
