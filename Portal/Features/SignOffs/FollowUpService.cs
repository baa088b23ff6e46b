using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Data.SignOffs;
using Portal.Data.Users;
using Portal.Features.Assessments;
using Portal.Features.Audit;
using Portal.Features.Notifications;
using Portal.Features.Reminders;

namespace Portal.Features.SignOffs;

/// <summary>Which kind of follow-up: a condition of the CCIO's sign-off, or a supplier's accepted "will meet by a date" plan.</summary>
public enum FollowUpKind
{
    Condition,
    Plan,
}

/// <summary>
/// Closing what a sign-off left open. The owner of a sign-off condition (the NHS organisation or the supplier, or the
/// named person) or the supplier of an accepted plan marks it done with evidence (a note, and a link or document
/// reference); the procurement officer accepts it or sends it back with a reason; the CCIO sees the record on the
/// sign-off page. An accepted plan counts its requirement as met on the scorecard; a plan whose date passes without
/// acceptance counts as not met, and the officer may then reopen the sign-off. Closing never changes the sealed
/// snapshot, so the seal of the sign-off stays valid.
/// </summary>
public sealed class FollowUpService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public const int MinimumNote = 10;

    /// <summary>Why a plan cannot be linked: the contract date is recorded only while the assessment is drafted.</summary>
    public const string NoContractDate =
        "This assessment has no contract date (it is recorded when the assessment is started), so the plan stays due on its own date.";

    public sealed record DoneInput(string? Note, string? Link);

    public sealed record FollowUpView(
        FollowUpKind Kind, int Id, string What, string Owner, DateOnly? DueOn, ClosureState State, bool IsOverdue,
        string? Note, string? Link, DateTime? MarkedAt, string? MarkedBy, DateTime? DecidedAt, string? DecidedBy, string? SentBackReason,
        bool CanMarkDone, bool CanDecide, bool DueOnContractDate = false, DateOnly? PlannedOn = null, bool CanLinkToContractDate = false)
    {
        public string StateName => StateText(State, SentBackReason);
    }

    /// <param name="ContractDate">The assessment's contract date, which the officer may make a plan due on; null when it has none.</param>
    public sealed record FollowUps(int AssessmentId, string Reference, AssessmentStatus Status, IReadOnlyList<FollowUpView> Items, bool CanReopenSignOff,
        DateOnly? ContractDate = null);

    public static string StateText(ClosureState state, string? sentBackReason) => state switch
    {
        ClosureState.MarkedDone => "Marked done: waiting for the procurement officer",
        ClosureState.Accepted => "Done: accepted by the procurement officer",
        _ when sentBackReason is not null => "Open: sent back",
        _ => "Open",
    };

    /// <summary>
    /// The assessment's follow-ups the caller may see: NHS staff of its organisation see every one; the supplier sees its
    /// plans and the conditions it owns.
    /// </summary>
    public async Task<Outcome<FollowUps>> ListAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.AsNoTracking().VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return Outcome.NotFound($"There is no assessment {assessmentId} you can see.");
        }

        var today = Today;
        var nhs = AssessmentVisibility.IsNhsStaffOf(caller, assessment.NhsOrganisationId);
        var officer = AssessmentVisibility.IsOfficerOf(caller, assessment);
        var conditions = await db.SignOffs.AsNoTracking().Where(s => s.AssessmentId == assessmentId && !s.IsVoid)
            .SelectMany(s => s.Conditions).OrderBy(c => c.DueDate).ThenBy(c => c.Id).ToListAsync(cancellationToken);
        var plans = await Plans(db, assessmentId).ToListAsync(cancellationToken);
        var shown = conditions.Where(c => nhs || c.OwnerParty == FollowUpParty.Supplier).ToList();
        var ownerIds = shown.Where(c => c.OwnerUserId is not null).Select(c => c.OwnerUserId!.Value).Distinct().ToList();
        var ownerNames = ownerIds.Count == 0 ? [] : await db.Users.AsNoTracking().Where(u => ownerIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);
        var items = new List<FollowUpView>();
        foreach (var c in shown)
        {
            var owner = OwnerText(c.Owner, c.OwnerParty, c.OwnerUserId is { } ownerId ? ownerNames.GetValueOrDefault(ownerId) : null);
            items.Add(new FollowUpView(FollowUpKind.Condition, c.Id, c.Text, owner, c.DueDate, c.ClosureState,
                c.ClosureState != ClosureState.Accepted && c.DueDate < today, c.ClosureNote, c.ClosureLink, c.ClosureMarkedAt, c.ClosureMarkedBy,
                c.ClosureDecidedAt, c.ClosureDecidedBy, c.ClosureSentBackReason,
                c.ClosureState == ClosureState.Open && MayMarkDone(caller, assessment, c), officer && c.ClosureState == ClosureState.MarkedDone));
        }

        foreach (var p in plans)
        {
            var due = PlanDeadline.Of(p.Response.PlannedDate, p.Response.PlanDueOnContractDate, assessment.ContractDate);
            var r = p.Response;
            items.Add(new FollowUpView(FollowUpKind.Plan, r.Id, $"{p.Code} {p.Title}: {r.Plan}", "Supplier", due, r.ClosureState,
                r.ClosureState != ClosureState.Accepted && due < today, r.ClosureNote, r.ClosureLink, r.ClosureMarkedAt, r.ClosureMarkedBy,
                r.ClosureDecidedAt, r.ClosureDecidedBy, r.ClosureSentBackReason,
                r.ClosureState == ClosureState.Open && AssessmentVisibility.IsSupplierOf(caller, assessment), officer && r.ClosureState == ClosureState.MarkedDone,
                r.PlanDueOnContractDate && assessment.ContractDate is not null, r.PlannedDate,
                officer && r.ClosureState != ClosureState.Accepted && assessment.Status is not (AssessmentStatus.Withdrawn or AssessmentStatus.Rejected)));
        }

        var canReopen = officer && IsSignedOff(assessment.Status) && items.Any(i => i.IsOverdue);
        return Outcome.Done(new FollowUps(assessmentId, assessment.Reference, assessment.Status, items, canReopen, assessment.ContractDate));
    }

    /// <summary>The owner marks a condition or plan done, with a note saying what was done and optionally a link or document reference.</summary>
    public async Task<Outcome> MarkDoneAsync(Caller caller, int assessmentId, FollowUpKind kind, int id, DoneInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await FindAsync(db, caller, assessmentId, kind, id, cancellationToken);
        if (found.Refusal is { } refused)
        {
            return refused;
        }

        var (assessment, item, name) = found.Value;
        var allowed = item is SignOffCondition condition ? MayMarkDone(caller, assessment, condition) : AssessmentVisibility.IsSupplierOf(caller, assessment);
        if (!allowed)
        {
            return Outcome.Forbidden(kind == FollowUpKind.Plan
                ? "Only the supplier's account managers can mark a plan done."
                : "Only the condition's owner can mark it done.");
        }

        if (item.ClosureState != ClosureState.Open)
        {
            return Outcome.Conflict(item.ClosureState == ClosureState.Accepted
                ? $"{name} is already done and accepted."
                : $"{name} is already marked done and waiting for the procurement officer.");
        }

        var note = TypedText.Tidy(input.Note, 4000);
        if (note is null || note.Length < MinimumNote)
        {
            return Outcome.Invalid($"Say what was done (at least {MinimumNote} characters): the procurement officer decides from it.", "note");
        }

        var link = TypedText.Tidy(input.Link, 500);
        if (link is not null && link.Contains("://", StringComparison.Ordinal) && !IsWebAddress(link))
        {
            return Outcome.Invalid("Enter the link as a full web address starting https:// or http://, or a document reference without one.", "link");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        GuardState(db, kind, id, item.ClosureState, name);
        item.ClosureState = ClosureState.MarkedDone;
        item.ClosureNote = note;
        item.ClosureLink = link;
        item.ClosureMarkedAt = now;
        item.ClosureMarkedBy = caller.DisplayName;
        item.ClosureDecidedAt = null;
        item.ClosureDecidedBy = null;
        item.ClosureSentBackReason = null;
        AuditTrail.Record(db, caller, now, kind == FollowUpKind.Plan ? "PlanMarkedDone" : "ConditionMarkedDone", EntityType(kind), EntityId(assessment, kind, id),
            $"{caller.DisplayName} marked {name} done: {note}{(link is null ? "" : $" ({link})")}.", "Open", "Marked done", assessment.Id);
        await NotificationService.NotifyAsync(db, now, assessment.Id, $"{assessment.Reference} ({assessment.SystemName}): {name} is marked done by {caller.DisplayName}. Accept it or send it back.",
            Link(assessment), assessment.NhsOrganisationId, null, NotificationService.Officers, caller.UserId, cancellationToken);
        return await db.SaveCommandAsync($"{name} changed while you were saving. Look at it again.", cancellationToken)
            ?? Outcome.Done($"{name} is marked done. The procurement officer will accept it or send it back.");
    }

    /// <summary>
    /// Refuses the save as stale when someone else moved the condition or plan on since it was read: checked inside the
    /// save, after the assessment's audit chain is locked, so of two officers accepting and sending back at once only the
    /// first decides and the second is told it changed.
    /// </summary>
    private static void GuardState(PortalDbContext db, FollowUpKind kind, int id, ClosureState read, string name) =>
        db.ChecksBeforeCommit.Add(async (saving, token) =>
        {
            var now = kind == FollowUpKind.Plan
                ? await saving.RequirementResponses.AsNoTracking().Where(r => r.Id == id).Select(r => r.ClosureState).SingleAsync(token)
                : await saving.Set<SignOffCondition>().AsNoTracking().Where(c => c.Id == id).Select(c => c.ClosureState).SingleAsync(token);
            if (now != read)
            {
                throw new SaveRefusedException(
                    $"{char.ToUpperInvariant(name[0])}{name[1..]} changed while you were deciding (it is now {StateText(now, null).ToLowerInvariant()}). Look at it again.",
                    stale: true);
            }
        });

    /// <summary>The procurement officer accepts what the owner marked done; an accepted plan counts its requirement as met.</summary>
    public Task<Outcome> AcceptAsync(Caller caller, int assessmentId, FollowUpKind kind, int id, CancellationToken cancellationToken = default) =>
        DecideAsync(caller, assessmentId, kind, id, accept: true, reason: null, cancellationToken);

    /// <summary>The procurement officer sends back what the owner marked done, saying why; it is open again.</summary>
    public Task<Outcome> SendBackAsync(Caller caller, int assessmentId, FollowUpKind kind, int id, string? reason, CancellationToken cancellationToken = default) =>
        DecideAsync(caller, assessmentId, kind, id, accept: false, reason, cancellationToken);

    private async Task<Outcome> DecideAsync(Caller caller, int assessmentId, FollowUpKind kind, int id, bool accept, string? reason, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await FindAsync(db, caller, assessmentId, kind, id, cancellationToken);
        if (found.Refusal is { } refused)
        {
            return refused;
        }

        var (assessment, item, name) = found.Value;
        if (!AssessmentVisibility.IsOfficerOf(caller, assessment))
        {
            return Outcome.Forbidden($"Only a procurement officer of the assessing organisation can {(accept ? "accept" : "send back")} {name}.");
        }

        if (item.ClosureState != ClosureState.MarkedDone)
        {
            return Outcome.Conflict(item.ClosureState == ClosureState.Accepted ? $"{name} is already accepted." : $"{name} is not marked done yet, so there is nothing to decide.");
        }

        var why = TypedText.Tidy(reason, 2000);
        if (!accept && (why is null || why.Length < MinimumNote))
        {
            return Outcome.Invalid($"Say why you send it back and what is still needed (at least {MinimumNote} characters).", "reason");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        GuardState(db, kind, id, item.ClosureState, name);
        item.ClosureState = accept ? ClosureState.Accepted : ClosureState.Open;
        item.ClosureDecidedAt = now;
        item.ClosureDecidedBy = caller.DisplayName;
        item.ClosureSentBackReason = why;
        var verb = accept ? "accepted" : "sent back";
        AuditTrail.Record(db, caller, now, (kind == FollowUpKind.Plan ? "Plan" : "Condition") + (accept ? "Accepted" : "SentBack"), EntityType(kind),
            EntityId(assessment, kind, id), $"{caller.DisplayName} {verb} {name}{(why is null ? "" : $": {why}")}.", "Marked done", accept ? "Accepted" : "Open", assessment.Id);
        var text = $"{assessment.Reference} ({assessment.SystemName}): {name} was {verb} by {caller.DisplayName}{(why is null ? "." : $": {why}")}";
        var owners = await OwnersAsync(db, assessment, item, cancellationToken);
        // Owners may be the supplier, who may not open the sign-off page: the assessment page shows everyone its follow-ups.
        await NotificationService.NotifyUsersAsync(db, now, assessment.Id, text, $"/assessments/{assessment.Id}", owners, cancellationToken);
        if (accept)
        {
            await NotificationService.NotifyAsync(db, now, assessment.Id, text, $"/assessments/{assessment.Id}/sign-off", assessment.NhsOrganisationId, null,
                NotificationService.Ccios, caller.UserId, cancellationToken);
        }

        return await db.SaveCommandAsync($"{name} changed while you were deciding. Look at it again.", cancellationToken)
            ?? Outcome.Done($"{char.ToUpperInvariant(name[0])}{name[1..]} is {verb}.");
    }

    /// <summary>
    /// The officer links a plan's deadline to the assessment's contract date (or unlinks it): the plan is then due on the
    /// contract date, and reminders and the scorecard follow it.
    /// </summary>
    public async Task<Outcome> LinkPlanToContractDateAsync(Caller caller, int assessmentId, int planId, bool linked, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await FindAsync(db, caller, assessmentId, FollowUpKind.Plan, planId, cancellationToken);
        if (found.Refusal is { } refused)
        {
            return refused;
        }

        var (assessment, item, name) = found.Value;
        if (!AssessmentVisibility.IsOfficerOf(caller, assessment))
        {
            return Outcome.Forbidden("Only a procurement officer of the assessing organisation can link a plan to the contract date.");
        }

        if (linked && assessment.ContractDate is null)
        {
            return Outcome.Invalid(NoContractDate, "linked");
        }

        var plan = (RequirementResponse)item;
        // What the list offers (CanLinkToContractDate) is what the service allows: an accepted plan is met, its date settled.
        if (plan.ClosureState == ClosureState.Accepted)
        {
            return Outcome.Conflict($"{name} was accepted as met, so its date no longer changes.");
        }

        if (plan.PlanDueOnContractDate == linked)
        {
            return Outcome.Done(linked ? $"{name} is already due on the contract date." : $"{name} is already due on its own date.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        plan.PlanDueOnContractDate = linked;
        var before = plan.PlannedDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var after = assessment.ContractDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        AuditTrail.Record(db, caller, now, linked ? "PlanLinkedToContractDate" : "PlanUnlinkedFromContractDate", EntityType(FollowUpKind.Plan),
            EntityId(assessment, FollowUpKind.Plan, planId),
            linked ? $"{caller.DisplayName} made {name} due on the contract date, {after}." : $"{caller.DisplayName} made {name} due on its own date, {before}.",
            linked ? before : after, linked ? after : before, assessment.Id);
        return await db.SaveCommandAsync($"{name} changed while you were saving. Look at it again.", cancellationToken)
            ?? Outcome.Done(linked ? $"{name} is now due on the contract date." : $"{name} is now due on its own date.");
    }

    /// <summary>
    /// The officer reopens a sign-off whose follow-ups are overdue: the sign-off is voided (its seal and snapshot stay as
    /// they were, and still verify) and the assessment goes back to review before a new sign-off.
    /// </summary>
    public async Task<Outcome> ReopenSignOffAsync(Caller caller, int assessmentId, string? reason, CancellationToken cancellationToken = default)
    {
        var list = await ListAsync(caller, assessmentId, cancellationToken);
        if (!list.Succeeded)
        {
            return list.AsRefusal();
        }

        var followUps = list.Value!;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.SingleAsync(a => a.Id == assessmentId, cancellationToken);
        if (!AssessmentVisibility.IsOfficerOf(caller, assessment))
        {
            return Outcome.Forbidden("Only a procurement officer of the assessing organisation can reopen a sign-off.");
        }

        if (!followUps.CanReopenSignOff)
        {
            return Outcome.Conflict(IsSignedOff(assessment.Status)
                ? "Nothing the sign-off depends on is overdue, so there is no reason to reopen it."
                : $"{assessment.Reference} is not signed off.");
        }

        var why = TypedText.Tidy(reason, 2000);
        if (why is null || why.Length < MinimumNote)
        {
            return Outcome.Invalid($"Say why you reopen the sign-off (at least {MinimumNote} characters).", "reason");
        }

        var overdue = followUps.Items.Where(i => i.IsOverdue).ToList();
        var now = clock.GetUtcNow().UtcDateTime;
        await SignOffService.VoidAfterChangeAsync(db, caller, assessment, null,
            $"{caller.DisplayName} reopened it because {Words(overdue.Count)} overdue: {why}", now, cancellationToken);
        return await db.SaveCommandAsync($"{assessment.Reference} changed while you were reopening it. Look at it again.", cancellationToken)
            ?? Outcome.Done($"The sign-off of {assessment.Reference} is reopened: the assessment is under review again.");
    }

    private static string Words(int count) => count == 1 ? "1 follow-up is" : $"{count} follow-ups are";

    private DateOnly Today => clock.PortalToday();

    private static bool IsSignedOff(AssessmentStatus status) => status is AssessmentStatus.SignedOff or AssessmentStatus.SignedOffWithConditions;

    private sealed record PlanRow(RequirementResponse Response, string Code, string Title);

    private static IQueryable<PlanRow> Plans(PortalDbContext db, int assessmentId) =>
        from r in db.RequirementResponses.AsNoTracking()
        where r.AssessmentId == assessmentId && r.Claim == ComplianceClaim.WillMeetByDate
            && db.ReviewDecisions.Any(d => d.AssessmentRequirementId == r.AssessmentRequirementId && d.Outcome == ReviewOutcome.Accepted)
        join q in db.AssessmentRequirements on r.AssessmentRequirementId equals q.Id
        orderby q.Order
        select new PlanRow(r, q.Code, q.PolicyRequirement!.Title);

    private static bool MayMarkDone(Caller caller, Assessment assessment, SignOffCondition condition) =>
        caller.UserId == condition.OwnerUserId
        || (condition.OwnerParty == FollowUpParty.Supplier
            ? AssessmentVisibility.IsSupplierOf(caller, assessment)
            : AssessmentVisibility.IsNhsStaffOf(caller, assessment.NhsOrganisationId)
                && (caller.IsInRole(PortalRoles.ProcurementOfficer) || caller.IsInRole(PortalRoles.CcioReviewer)));

    /// <summary>A condition's owner in words: as the CCIO described it, the side that owns it and the named person, if any.</summary>
    public static string OwnerText(string owner, FollowUpParty party, string? ownerName) =>
        $"{owner} ({(party == FollowUpParty.Supplier ? "supplier" : "NHS organisation")}{(ownerName is null ? "" : $": {ownerName}")})";

    private static async Task<IReadOnlyCollection<int>> OwnersAsync(PortalDbContext db, Assessment assessment, IClosable item, CancellationToken cancellationToken)
    {
        if (item is SignOffCondition { OwnerUserId: { } ownerId })
        {
            return [ownerId];
        }

        var supplier = item is RequirementResponse || item is SignOffCondition { OwnerParty: FollowUpParty.Supplier };
        return await db.Users.AsNoTracking()
            .Where(u => u.IsActive && (supplier
                ? u.SupplierId == assessment.SupplierId && assessment.SupplierId != null && u.Role == PortalRoles.SupplierAccountManager
                : u.NhsOrganisationId == assessment.NhsOrganisationId && u.Role == PortalRoles.ProcurementOfficer))
            .Select(u => u.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The follow-up, tracked, if the caller can see it: not found otherwise, so nothing leaks.</summary>
    private static async Task<(Refusal? Refusal, (Assessment Assessment, IClosable Item, string Name) Value)> FindAsync(
        PortalDbContext db, Caller caller, int assessmentId, FollowUpKind kind, int id, CancellationToken cancellationToken)
    {
        var assessment = await db.Assessments.VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        var notFound = Outcome.NotFound($"There is no {(kind == FollowUpKind.Plan ? "accepted plan" : "sign-off condition")} {id} on an assessment you can see.");
        if (assessment is null)
        {
            return (notFound, default);
        }

        var nhs = AssessmentVisibility.IsNhsStaffOf(caller, assessment.NhsOrganisationId);
        IClosable? item;
        string name;
        if (kind == FollowUpKind.Condition)
        {
            var condition = await db.SignOffs.Where(s => s.AssessmentId == assessmentId && !s.IsVoid).SelectMany(s => s.Conditions)
                .SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
            item = condition is not null && (nhs || condition.OwnerParty == FollowUpParty.Supplier) ? condition : null;
            name = condition is null ? string.Empty : $"the condition \"{(condition.Text.Length <= 60 ? condition.Text : string.Concat(condition.Text.AsSpan(0, 59), "…"))}\"";
        }
        else
        {
            var plan = await db.RequirementResponses
                .Where(r => r.AssessmentId == assessmentId && r.Id == id && r.Claim == ComplianceClaim.WillMeetByDate
                    && db.ReviewDecisions.Any(d => d.AssessmentRequirementId == r.AssessmentRequirementId && d.Outcome == ReviewOutcome.Accepted))
                .SingleOrDefaultAsync(cancellationToken);
            var code = plan is null ? null : await db.AssessmentRequirements.Where(q => q.Id == plan.AssessmentRequirementId).Select(q => q.Code).SingleAsync(cancellationToken);
            item = plan;
            name = $"the plan for {code}";
        }

        if (item is null)
        {
            return (notFound, default);
        }

        if (assessment.Status is AssessmentStatus.Withdrawn or AssessmentStatus.Rejected)
        {
            return (Outcome.Conflict($"{assessment.Reference} is {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}, so its follow-ups are closed."), default);
        }

        return (null, (assessment, item, name));
    }

    private static string EntityType(FollowUpKind kind) => kind == FollowUpKind.Plan ? nameof(RequirementResponse) : nameof(SignOffCondition);

    private static string EntityId(Assessment assessment, FollowUpKind kind, int id) => $"{assessment.Reference}/{(kind == FollowUpKind.Plan ? "plan" : "condition")}-{id}";

    private static string Link(Assessment assessment) => $"/assessments/{assessment.Id}/sign-off";

    private static bool IsWebAddress(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && !string.IsNullOrEmpty(uri.Host);
}
