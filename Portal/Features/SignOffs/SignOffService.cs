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

    /// <summary>A condition: what must be done, its owner in words, by when, which side owns it and (optionally) the named person who does.</summary>
    public sealed record ConditionInput(string? Text, string? Owner, DateOnly? DueDate, FollowUpParty Party = FollowUpParty.Organisation, int? OwnerUserId = null);

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

    /// <summary>A condition as signed: its owner in words, the side that owns it and the named person (null when none was named).</summary>
    public sealed record ConditionView(string Text, string Owner, DateOnly DueDate, FollowUpParty Party = FollowUpParty.Organisation, string? OwnerName = null)
    {
        public string OwnerText => FollowUpService.OwnerText(Owner, Party, OwnerName);
    }

    /// <summary>Someone who may be named as a condition's owner: an active person of the assessing organisation or of the assessment's supplier.</summary>
    public sealed record OwnerChoice(int UserId, string Name, string Role);

    /// <summary>The people of each side of one assessment, by name, for the CCIO to name a condition's owner.</summary>
    public sealed record ConditionOwners(string OrganisationName, string? SupplierName, IReadOnlyList<OwnerChoice> Organisation, IReadOnlyList<OwnerChoice> Supplier)
    {
        public IReadOnlyList<OwnerChoice> Of(FollowUpParty party) => party == FollowUpParty.Supplier ? Supplier : Organisation;
    }

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
        SignOffView? Latest, bool CanSignOff, string? WhyNot, Scorecard Card, Guid Stamp = default)
    {
        /// <summary>Approving needs an explicit acknowledgement and a reason while the status is Red.</summary>
        public bool ApprovalNeedsAcknowledgement => Card.Rag == Rag.Red;
    }

    /// <summary>The sign-off page's data: null when the caller may not see it.</summary>
    public async Task<Summary?> GetAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default) =>
        (await FindAsync(caller, assessmentId, cancellationToken)).Value;

    /// <summary>
    /// The sign-off state, or why not: not found when the caller cannot see the assessment at all; forbidden for the
    /// supplier, who sees the assessment but not the NHS's working. Reads only.
    /// </summary>
    public async Task<Outcome<Summary>> FindAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        var (summary, _) = await SummaryAsync(caller, assessmentId, cancellationToken);
        return summary;
    }

    private async Task<(Outcome<Summary> Summary, Refusal? WhyNot)> SummaryAsync(Caller caller, int assessmentId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.AsNoTracking().VisibleTo(caller).Include(a => a.Supplier).Include(a => a.Functions)
            .SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return (Outcome.NotFound($"There is no assessment {assessmentId} of your organisation to sign off."), null);
        }

        if (!AssessmentVisibility.IsNhsStaffOf(caller, assessment.NhsOrganisationId))
        {
            return (Outcome.Forbidden("Only NHS staff of the assessing organisation see the sign-off."), null);
        }

        var rules = await db.Assessments.AsNoTracking().Where(a => a.Id == assessmentId)
            .Select(a => new ScoringRules(a.FrameworkVersion!.PolicyFramework!.MustWeight, a.FrameworkVersion.PolicyFramework.ShouldWeight,
                a.FrameworkVersion.PolicyFramework.ShouldThresholdPercent))
            .SingleAsync(cancellationToken);
        var rows = (await ScorecardQueries.Inputs(db, db.AssessmentRequirements.AsNoTracking().Where(r => r.AssessmentId == assessmentId))
            .ToListAsync(cancellationToken)).ConvertAll(r => r.Scoring);
        var card = ScorecardCalculator.Calculate(rows, assessment.Route ?? AssessmentRoute.Procure, rules, clock.PortalToday());
        var unmet = card.UnmetMust.Select(r => new UnmetItem(r.Input.Code, r.Input.Title, ScorecardService.ResultName(r.Result), r.Explanation)).ToList();
        var latest = await db.SignOffs.AsNoTracking().Include(s => s.Conditions)
            .Where(s => s.AssessmentId == assessmentId).OrderByDescending(s => s.SignedAt).FirstOrDefaultAsync(cancellationToken);
        var whyNot = await WhyNotAsync(db, caller, assessment, cancellationToken);
        var ownerIds = latest?.Conditions.Where(c => c.OwnerUserId is not null).Select(c => c.OwnerUserId!.Value).ToList() ?? [];
        var ownerNames = ownerIds.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => ownerIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);

        return (Outcome.Done(new Summary(
            assessmentId, assessment.Reference, assessment.SystemName, assessment.Supplier?.Name ?? string.Empty, assessment.Status,
            rows.Count, rows.Count(r => r.Decision == ReviewOutcome.Accepted), rows.Count(r => r.Decision == ReviewOutcome.Rejected),
            rows.Count(r => r.Decision == ReviewOutcome.ClarificationRequested), unmet,
            assessment.Functions.OrderBy(f => f.Order).Select(f => (f.Name, f.ApiOperation)).ToList(),
            latest is null ? null : new SignOffView(latest.Decision, latest.SignedByName, latest.SignedByRole, latest.SignedAt, latest.HazardLogReference,
                latest.ClinicalSafetyNotes, latest.Reasons, latest.Seal, latest.IsVoid, latest.VoidedAt, latest.VoidReason,
                latest.Conditions.Select(c => new ConditionView(c.Text, c.Owner, c.DueDate, c.OwnerParty,
                    c.OwnerUserId is { } ownerId ? ownerNames.GetValueOrDefault(ownerId) : null)).ToList(), latest.RedApprovalReason),
            whyNot is null,
            whyNot?.Message,
            card,
            assessment.ConcurrencyStamp)), whyNot);
    }

    /// <summary>
    /// Who the CCIO may name as a condition's owner: the active people of the assessing organisation and of the
    /// assessment's supplier, by name. Only for a caller who may sign off this assessment now, so nobody else learns who
    /// works where; never anyone of another organisation or supplier.
    /// </summary>
    public async Task<Outcome<ConditionOwners>> ListConditionOwnersAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.AsNoTracking().VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return Outcome.NotFound($"There is no assessment {assessmentId} of your organisation to sign off.");
        }

        if (!AssessmentVisibility.IsNhsStaffOf(caller, assessment.NhsOrganisationId))
        {
            return Outcome.Forbidden("Only NHS staff of the assessing organisation see the sign-off.");
        }

        if (await WhyNotAsync(db, caller, assessment, cancellationToken) is { } whyNot)
        {
            return whyNot;
        }

        var supplierId = assessment.SupplierId;
        var people = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && (u.NhsOrganisationId == assessment.NhsOrganisationId || (supplierId != null && u.SupplierId == supplierId)))
            .OrderBy(u => u.DisplayName).ThenBy(u => u.Id)
            .Select(u => new { u.Id, u.DisplayName, u.Role, u.SupplierId, u.NhsOrganisationId })
            .ToListAsync(cancellationToken);
        var names = await db.Assessments.AsNoTracking().Where(a => a.Id == assessmentId)
            .Select(a => new { Organisation = a.NhsOrganisation!.Name, Supplier = a.Supplier == null ? null : a.Supplier.Name })
            .SingleAsync(cancellationToken);
        OwnerChoice Choice(int id, string name, string? role) => new(id, name, PortalRoles.DisplayName(role));
        return Outcome.Done(new ConditionOwners(names.Organisation, names.Supplier,
            people.Where(u => u.NhsOrganisationId == assessment.NhsOrganisationId).Select(u => Choice(u.Id, u.DisplayName, u.Role)).ToList(),
            people.Where(u => supplierId != null && u.SupplierId == supplierId).Select(u => Choice(u.Id, u.DisplayName, u.Role)).ToList()));
    }

    /// <summary>Why this NHS caller may not sign off the assessment now, or null when they may.</summary>
    private static async Task<Refusal?> WhyNotAsync(PortalDbContext db, Caller caller, Assessment assessment, CancellationToken cancellationToken)
    {
        if (!caller.IsInRole(PortalRoles.CcioReviewer))
        {
            return Outcome.Forbidden("Only a CCIO sign-off reviewer can sign off an assessment.");
        }

        if (assessment.Status != AssessmentStatus.AwaitingSignOff)
        {
            return Outcome.Conflict($"The assessment is {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}, not awaiting sign-off.");
        }

        return await HasReviewedAsync(db, caller, assessment.Id, cancellationToken)
            ? Outcome.Forbidden("You reviewed this assessment, so another CCIO sign-off reviewer must sign it off (segregation of duties).")
            : null;
    }

    /// <summary>Records the CCIO's decision, sealed over a snapshot of the assessment as it was decided on.</summary>
    /// <param name="read">The version of the assessment the reviewer read (the page's stamp, the API's If-Match): required, since a decision on something they have not seen would be lost.</param>
    public async Task<Outcome> DecideAsync(Caller caller, int assessmentId, Input input, ReadVersion read, CancellationToken cancellationToken = default)
    {
        var (found, whyNot) = await SummaryAsync(caller, assessmentId, cancellationToken);
        if (!found.Succeeded)
        {
            return found.AsRefusal();
        }

        var summary = found.Value!;
        if (whyNot is { Kind: OutcomeKind.Forbidden })
        {
            return whyNot;
        }

        if (!read.Permits(summary.Stamp, somethingToLose: true))
        {
            return Stale(summary.Reference, summary.Status);
        }

        if (whyNot is not null)
        {
            return whyNot;
        }

        if (input.Choice is not { } choice)
        {
            return Outcome.Invalid("Choose a decision: approve, approve with conditions, reject, or return to the reviewer.", "decision");
        }

        var approving = choice is Choice.Approve or Choice.ApproveWithConditions;
        var redApprovalReason = approving && summary.ApprovalNeedsAcknowledgement ? TypedText.Tidy(input.RedApprovalReason, 4000) : null;
        if (approving && summary.ApprovalNeedsAcknowledgement)
        {
            if (!input.RedAcknowledged)
            {
                return Outcome.Invalid(
                    $"The status is Red: {ScorecardCalculator.UnmetMustWords(summary.Card.UnmetMust.Count)}. To approve it all the same, confirm that you have seen this.",
                    "redAcknowledgement");
            }

            if (redApprovalReason is null || redApprovalReason.Length < RedApprovalReasonMinimum)
            {
                return Outcome.Invalid(
                    $"Say why you approve an assessment whose status is Red (at least {RedApprovalReasonMinimum} characters); it is kept with the sign-off and sealed.",
                    "redApprovalReason");
            }
        }

        if (!input.Attested)
        {
            return Outcome.Invalid("Confirm the attestation statement to record your decision.", "attestation");
        }

        var reasons = TypedText.Tidy(input.Reasons, 4000);
        if (choice is Choice.Reject or Choice.ReturnToReviewer && (reasons is null || reasons.Length < 10))
        {
            return Outcome.Invalid(choice == Choice.Reject ? "Give the reasons for rejecting (at least 10 characters)." : "Say what the reviewer should look at again (at least 10 characters).", "reasons");
        }

        var today = clock.PortalToday();
        var conditions = input.Conditions.Where(c => !string.IsNullOrWhiteSpace(c.Text) || !string.IsNullOrWhiteSpace(c.Owner) || c.DueDate is not null || c.OwnerUserId is not null).ToList();
        if (choice == Choice.ApproveWithConditions)
        {
            if (conditions.Count == 0)
            {
                return Outcome.Invalid("Add at least one condition, with its owner and due date.", "conditions");
            }

            if (conditions.Any(c => string.IsNullOrWhiteSpace(c.Text) || string.IsNullOrWhiteSpace(c.Owner) || c.DueDate is null))
            {
                return Outcome.Invalid("Every condition needs what must be done, who owns it and a due date.", "conditions");
            }

            if (conditions.Any(c => c.DueDate < today))
            {
                return Outcome.Invalid("A condition's due date cannot be in the past.", "conditions");
            }

            if (await OwnerRefusalAsync(assessmentId, input.Conditions, cancellationToken) is { } badOwner)
            {
                return badOwner;
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
        string? seal = null;
        SignOff? signOff = null;
        if (choice != Choice.ReturnToReviewer)
        {
            var signOffDecision = choice switch { Choice.Approve => SignOffDecision.Approved, Choice.ApproveWithConditions => SignOffDecision.ApprovedWithConditions, _ => SignOffDecision.Rejected };
            var statement = new AssessmentSnapshot.Statement(signOffDecision.ToString(), summary.Card.StatusName, summary.Card.StatusReason,
                summary.Card.UnmetMust.Select(r => r.Input.Code).ToList(), redApprovalReason);
            var snapshot = await AssessmentSnapshot.BuildAsync(db, assessmentId, statement, cancellationToken);
            seal = AssessmentSnapshot.Seal(snapshot);
            signOff = new SignOff
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
                    ? conditions.Select(c => new SignOffCondition
                    {
                        Text = c.Text!.Trim(), Owner = c.Owner!.Trim(), DueDate = c.DueDate!.Value, OwnerParty = c.Party, OwnerUserId = c.OwnerUserId,
                    }).ToList()
                    : [],
            };
        }

        string Notice(StatusMove move) => $"{assessment.Reference} ({assessment.SystemName}): {move.ToName.ToLowerInvariant()} by {caller.DisplayName}.";
        var moved = await AssessmentTransitions.ApplyAsync(db, caller, assessment, action, now, read,
            move => $"{caller.DisplayName} ({PortalRoles.DisplayName(PortalRoles.CcioReviewer)}): {move.ToName}"
                + (redApprovalReason is null ? "" : $", approved although the status was Red ({summary.Card.UnmetMust.Count} \"must\" not met) because: {redApprovalReason}")
                + $"{(seal is null ? "" : $", seal {seal}")}.",
            move => choice == Choice.ReturnToReviewer
                ? [new TransitionNotice(Notice(move), $"/assessments/{assessmentId}", assessment.NhsOrganisationId, null, NotificationService.Officers)]
                : [new TransitionNotice(Notice(move), $"/assessments/{assessmentId}", assessment.NhsOrganisationId, null, NotificationService.Officers),
                    new TransitionNotice(Notice(move), $"/assessments/{assessmentId}", null, assessment.SupplierId, NotificationService.Suppliers)],
            choice == Choice.ReturnToReviewer ? "ReturnedToReviewer" : "AssessmentSignedOff",
            cancellationToken);
        if (!moved.Succeeded)
        {
            return moved.AsRefusal();
        }

        if (signOff is not null)
        {
            db.SignOffs.Add(signOff);
        }

        return await db.SaveCommandAsync($"{assessment.Reference} changed while you were deciding, so your decision was not recorded. Look at it again before you decide.", cancellationToken)
            ?? Outcome.Done($"{assessment.Reference} is {moved.Value!.ToName.ToLowerInvariant()}.");
    }

    /// <summary>
    /// Each condition's side must be one of the two, and its named person (if any) an active person of that side of this
    /// assessment: the id comes from the client, so it is checked here, in one query, and never trusted.
    /// </summary>
    private async Task<Refusal?> OwnerRefusalAsync(int assessmentId, IReadOnlyList<ConditionInput> conditions, CancellationToken cancellationToken)
    {
        for (var i = 0; i < conditions.Count; i++)
        {
            if (!Enum.IsDefined(conditions[i].Party))
            {
                return Outcome.Invalid($"Condition {i + 1}: choose who owns it, the NHS organisation or the supplier.", ConditionField(i, "party"));
            }
        }

        var named = conditions.Select((c, i) => (Condition: c, Index: i)).Where(c => c.Condition.OwnerUserId is not null).ToList();
        if (named.Count == 0)
        {
            return null;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var sides = await db.Assessments.AsNoTracking().Where(a => a.Id == assessmentId).Select(a => new { a.NhsOrganisationId, a.SupplierId }).SingleAsync(cancellationToken);
        var ids = named.Select(c => c.Condition.OwnerUserId!.Value).Distinct().ToList();
        var people = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && u.IsActive)
            .Select(u => new { u.Id, u.NhsOrganisationId, u.SupplierId }).ToDictionaryAsync(u => u.Id, cancellationToken);
        foreach (var (condition, index) in named)
        {
            var fits = people.TryGetValue(condition.OwnerUserId!.Value, out var person) && (condition.Party == FollowUpParty.Supplier
                ? sides.SupplierId != null && person.SupplierId == sides.SupplierId
                : person.NhsOrganisationId == sides.NhsOrganisationId);
            if (!fits)
            {
                return Outcome.Invalid(
                    $"Condition {index + 1}: the named person must be an active person of {(condition.Party == FollowUpParty.Supplier ? "the supplier" : "the NHS organisation")} that owns it. Choose someone from the list, or no one.",
                    ConditionField(index, "ownerUserId"));
            }
        }

        return null;
    }

    /// <summary>The field of one condition's refusal, as the API's JSON names it (conditions[0].ownerUserId).</summary>
    public static string ConditionField(int index, string name) => $"conditions[{index}].{name}";

    private static Refusal Stale(string reference, AssessmentStatus status) => Outcome.Stale(
        $"{reference} changed since you opened it (it is now {AssessmentWorkflow.StatusName(status).ToLowerInvariant()}), so your decision was not recorded. "
        + "Look at it again before you decide.");

    /// <summary>
    /// A material change after sign-off (an answer or its evidence) voids the sign-off and says what changed. The
    /// changed requirement's review decision no longer stands (it was about the old answer), so the assessment goes
    /// back to the procurement officer, who reviews the change before the CCIO sees it again. Called inside the
    /// change's own unit of work.
    /// </summary>
    public static async Task VoidAfterChangeAsync(
        PortalDbContext db, Caller caller, Assessment assessment, int? changedRequirementId, string whatChanged, DateTime now, CancellationToken cancellationToken)
    {
        var withdrawn = changedRequirementId is { } requirementId
            ? await db.ReviewDecisions.Where(d => d.AssessmentId == assessment.Id && d.AssessmentRequirementId == requirementId).ToListAsync(cancellationToken)
            : [];
        var reviewAgain = withdrawn.Count > 0 ? " Its review decision is withdrawn: the procurement officer reviews the change before a new sign-off." : " The procurement officer reviews it before a new sign-off.";
        // The change's own command has already checked the version its author read.
        var moved = await AssessmentTransitions.ApplyAsync(db, caller, assessment, WorkflowAction.VoidSignOff, now, ReadVersion.None,
            _ => $"Sign-off void: {whatChanged}{reviewAgain}",
            _ => [new TransitionNotice($"{assessment.Reference}: sign-off void because {whatChanged}{reviewAgain}", $"/assessments/{assessment.Id}",
                assessment.NhsOrganisationId, null, [PortalRoles.ProcurementOfficer, PortalRoles.CcioReviewer])],
            "SignOffVoided", cancellationToken);
        if (!moved.Succeeded)
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

        db.ReviewDecisions.RemoveRange(withdrawn);
    }

    private static async Task<bool> HasReviewedAsync(PortalDbContext db, Caller caller, int assessmentId, CancellationToken cancellationToken) =>
        await db.AuditEvents.AnyAsync(e => e.AssessmentId == assessmentId && e.ActorUserId == caller.UserId && e.Action == "ReviewDecisionRecorded", cancellationToken);
}
