using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Policy;
using Portal.Data.Reviews;
using Portal.Data.Users;
using Portal.Features.Assessments;
using Portal.Features.Audit;
using Portal.Features.Evidence;
using Portal.Features.Notifications;

namespace Portal.Features.Reviews;

/// <summary>
/// The NHS review of a submitted assessment, requirement by requirement: accept, ask for clarification (the
/// requirement goes back to the supplier) or reject, with a comment thread each and internal notes the supplier
/// never sees. Only procurement officers of the assessing organisation decide.
/// </summary>
public sealed class ReviewService(IDbContextFactory<PortalDbContext> contexts, EvidenceWorkspaceService workspace, TimeProvider clock)
{
    public sealed record CommentView(int Id, string Author, bool AuthorIsSupplier, bool IsInternal, string Text, DateTime PostedAt);

    public sealed record ReviewItem(
        string Code, string Title, Obligation Obligation, RouteStanding? Standing, ResponseView? Response,
        ReviewOutcome? Outcome, string? Note, string? DecidedBy, string? DecisionCarriedFrom = null);

    /// <param name="Stamp">The assessment's concurrency stamp when this was read: a decision made on it passes it back.</param>
    public sealed record ReviewView(
        int AssessmentId, string Reference, string SystemName, string SupplierName, AssessmentStatus Status,
        IReadOnlyList<ReviewItem> Items, IReadOnlyList<WorkspaceFunction> Functions, bool CanStart, bool CanDecide, Guid Stamp)
    {
        public int Decided => Items.Count(i => i.Outcome is ReviewOutcome.Accepted or ReviewOutcome.Rejected);

        public int Clarifications => Items.Count(i => i.Outcome == ReviewOutcome.ClarificationRequested);

        public bool ReadyForSignOff => Items.Count > 0 && Decided == Items.Count;
    }

    /// <summary>The review, for a page: null when the caller may not see it.</summary>
    public async Task<ReviewView?> GetAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default) =>
        (await FindAsync(caller, assessmentId, cancellationToken)).Value;

    /// <summary>
    /// The review, or why not: not found when the caller cannot see the assessment at all; forbidden for the supplier,
    /// who sees the assessment but not the NHS's working. Reads only.
    /// </summary>
    public async Task<Outcome<ReviewView>> FindAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        var answers = await workspace.GetAsync(caller, assessmentId, cancellationToken);
        if (answers is null)
        {
            return NotFound(assessmentId);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return NotFound(assessmentId);
        }

        if (!AssessmentVisibility.IsNhsStaffOf(caller, assessment.NhsOrganisationId))
        {
            return Outcome.Forbidden("Only NHS staff of the assessing organisation see the review.");
        }

        var decisions = await db.ReviewDecisions.AsNoTracking()
            .Where(d => d.AssessmentId == assessmentId)
            .Join(db.AssessmentRequirements, d => d.AssessmentRequirementId, r => r.Id, (d, r) => new { r.Code, d.Outcome, d.Note, d.DecidedByName, d.CarriedFromAssessmentId })
            .ToDictionaryAsync(d => d.Code, cancellationToken);
        var isOfficer = AssessmentVisibility.IsOfficerOf(caller, assessment);
        return Outcome.Done(new ReviewView(
            assessmentId, answers.Reference, answers.SystemName, answers.SupplierName, assessment.Status,
            answers.Requirements.Select(r => decisions.TryGetValue(r.Code, out var d)
                ? new ReviewItem(r.Code, r.Title, r.Obligation, r.Standing, r.Response, d.Outcome, d.Note, d.DecidedByName,
                    d.CarriedFromAssessmentId is { } from ? Assessment.ReferenceOf(from) : null)
                : new ReviewItem(r.Code, r.Title, r.Obligation, r.Standing, r.Response, null, null, null)).ToList(),
            answers.Functions,
            isOfficer && assessment.Status == AssessmentStatus.Submitted,
            isOfficer && assessment.Status == AssessmentStatus.UnderReview,
            assessment.ConcurrencyStamp));
    }

    /// <summary>Starts the review of a submitted assessment.</summary>
    /// <param name="read">The version of the assessment the officer acted on.</param>
    public Task<Outcome> StartAsync(Caller caller, int assessmentId, ReadVersion read = default, CancellationToken cancellationToken = default) =>
        TransitionAsync(caller, assessmentId, WorkflowAction.StartReview, read, null, _ => [], cancellationToken);

    /// <summary>Records the same decision on one or more requirements (several can be accepted at once), and gives back the review as it now is.</summary>
    /// <param name="read">The version of the assessment the decision was made on: required, as a decision made on answers the officer has not seen would be lost work.</param>
    public async Task<Outcome<ReviewView>> DecideAsync(
        Caller caller, int assessmentId, IReadOnlyCollection<string> codes, ReviewOutcome outcome, string? note, ReadVersion read,
        CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        Refusal? refused;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var (assessment, refusal) = await OfficersAssessmentAsync(db, caller, assessmentId, "record review decisions on", cancellationToken);
            if (assessment is null)
            {
                return refusal!;
            }

            if (!read.Permits(assessment.ConcurrencyStamp, somethingToLose: true))
            {
                return Stale(assessment);
            }

            if (assessment.Status != AssessmentStatus.UnderReview)
            {
                return Outcome.Conflict($"The assessment is {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}; decisions are made while it is under review.");
            }

            var text = TypedText.Tidy(note, 4000);
            if (codes.Count == 0)
            {
                return Outcome.Invalid("Choose at least one requirement.", "requirements");
            }

            if (outcome == ReviewOutcome.ClarificationRequested && (text is null || text.Length < 5))
            {
                return Outcome.Invalid("Write the question the supplier should answer.", "note");
            }

            if (outcome == ReviewOutcome.Rejected && (text is null || text.Length < 5))
            {
                return Outcome.Invalid("Give the reason for rejecting the answer; the supplier will see it.", "note");
            }

            var requirements = await db.AssessmentRequirements.Where(r => r.AssessmentId == assessmentId && r.InScope && codes.Contains(r.Code)).ToListAsync(cancellationToken);
            if (requirements.Count != codes.Distinct().Count())
            {
                return Outcome.Invalid("One of those requirements is not in this assessment's scope.", "requirements");
            }

            var ids = requirements.Select(r => r.Id).ToList();
            var existing = await db.ReviewDecisions.Where(d => ids.Contains(d.AssessmentRequirementId)).ToDictionaryAsync(d => d.AssessmentRequirementId, cancellationToken);
            foreach (var requirement in requirements)
            {
                if (!existing.TryGetValue(requirement.Id, out var decision))
                {
                    decision = new ReviewDecision { AssessmentId = assessmentId, AssessmentRequirementId = requirement.Id, DecidedByName = caller.DisplayName };
                    db.ReviewDecisions.Add(decision);
                }

                var before = existing.ContainsKey(requirement.Id) ? AuditValues.Decision(decision.Outcome) : null;
                decision.Outcome = outcome;
                decision.Note = text;
                decision.DecidedByUserId = caller.UserId;
                decision.DecidedByName = caller.DisplayName;
                decision.DecidedAt = now;
                // Decided here now: no longer the outcome carried forward from the reassessed assessment.
                decision.CarriedFromAssessmentId = null;
                if (outcome == ReviewOutcome.ClarificationRequested)
                {
                    db.RequirementComments.Add(new RequirementComment
                    {
                        AssessmentId = assessmentId, AssessmentRequirementId = requirement.Id, AuthorUserId = caller.UserId, AuthorName = caller.DisplayName,
                        Text = $"Clarification requested: {text}", PostedAt = now,
                    });
                }

                AuditTrail.Record(db, caller, now, "ReviewDecisionRecorded", nameof(ReviewDecision), $"{assessment.Reference}/{requirement.Code}",
                    $"{OutcomeName(outcome)} {requirement.Code}{(text is null ? "" : $": {text}")}", before, AuditValues.Decision(outcome), assessmentId);
            }

            assessment.Touch(now);
            refused = await db.SaveCommandAsync(StaleMessage(assessment.Reference), cancellationToken);
            if (refused is not null)
            {
                return refused;
            }

            var message = $"{OutcomeName(outcome)} {string.Join(", ", requirements.OrderBy(r => r.Order).Select(r => r.Code))}.";
            var view = await FindAsync(caller, assessmentId, cancellationToken);
            return view.Succeeded ? Outcome.Done(view.Value!, message) : view;
        }
    }

    /// <summary>Sends the requirements marked for clarification back to the supplier.</summary>
    public Task<Outcome> SendClarificationsAsync(Caller caller, int assessmentId, ReadVersion read = default, CancellationToken cancellationToken = default) =>
        TransitionAsync(caller, assessmentId, WorkflowAction.RequestClarification, read,
            async (db, assessment) => await db.ReviewDecisions.AnyAsync(d => d.AssessmentId == assessment.Id && d.Outcome == ReviewOutcome.ClarificationRequested, cancellationToken)
                ? null
                : Outcome.Conflict("Ask for clarification on at least one requirement first."),
            assessment => [new TransitionNotice($"{assessment.Reference}: clarification requested on some of your answers.",
                $"/assessments/{assessment.Id}/evidence", null, assessment.SupplierId, NotificationService.Suppliers)],
            cancellationToken);

    /// <summary>Sends a fully decided assessment to the organisation's CCIO sign-off reviewers.</summary>
    public Task<Outcome> SendForSignOffAsync(Caller caller, int assessmentId, ReadVersion read = default, CancellationToken cancellationToken = default) =>
        TransitionAsync(caller, assessmentId, WorkflowAction.SendForSignOff, read,
            async (db, assessment) =>
            {
                var inScope = await db.AssessmentRequirements.CountAsync(r => r.AssessmentId == assessment.Id && r.InScope, cancellationToken);
                var decided = await db.ReviewDecisions.CountAsync(
                    d => d.AssessmentId == assessment.Id && (d.Outcome == ReviewOutcome.Accepted || d.Outcome == ReviewOutcome.Rejected)
                        && db.AssessmentRequirements.Any(r => r.Id == d.AssessmentRequirementId && r.InScope),
                    cancellationToken);
                return inScope > 0 && decided >= inScope
                    ? null
                    : Outcome.Conflict($"Every requirement needs an accepted or rejected decision first: {inScope - decided} still need one.");
            },
            assessment => [new TransitionNotice($"{assessment.Reference} ({assessment.SystemName}) is awaiting your sign-off.",
                $"/assessments/{assessment.Id}/sign-off", assessment.NhsOrganisationId, null, NotificationService.Ccios)],
            cancellationToken);

    /// <summary>The comments on one requirement the caller may see: suppliers never see internal notes.</summary>
    public async Task<IReadOnlyList<CommentView>> CommentsAsync(Caller caller, int assessmentId, string code, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.AsNoTracking().VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return [];
        }

        var nhs = AssessmentVisibility.IsNhsStaffOf(caller, assessment.NhsOrganisationId);
        return await db.RequirementComments.AsNoTracking()
            .Where(c => c.AssessmentId == assessmentId && db.AssessmentRequirements.Any(r => r.Id == c.AssessmentRequirementId && r.Code == code))
            .Where(c => nhs || !c.IsInternal)
            .OrderBy(c => c.PostedAt)
            .Select(c => new CommentView(c.Id, c.AuthorName, c.AuthorIsSupplier, c.IsInternal, c.Text, c.PostedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Adds a comment, or an internal note NHS staff only see, to one requirement's thread.</summary>
    public async Task<Outcome> CommentAsync(Caller caller, int assessmentId, string code, string? text, bool isInternal, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        var requirement = assessment is null ? null
            : await db.AssessmentRequirements.SingleOrDefaultAsync(r => r.AssessmentId == assessmentId && r.Code == code, cancellationToken);
        if (assessment is null || requirement is null)
        {
            return Outcome.NotFound("That requirement is not part of an assessment you can see.");
        }

        var fromSupplier = AssessmentVisibility.IsSupplierOf(caller, assessment);
        if (isInternal && fromSupplier)
        {
            return Outcome.Forbidden("Internal notes are for NHS staff only.");
        }

        var body = TypedText.Tidy(text, 4000);
        if (body is null)
        {
            return Outcome.Invalid("Write your comment first.", "text");
        }

        db.RequirementComments.Add(new RequirementComment
        {
            AssessmentId = assessmentId, AssessmentRequirementId = requirement.Id, AuthorUserId = caller.UserId, AuthorName = caller.DisplayName,
            AuthorIsSupplier = fromSupplier, IsInternal = isInternal, Text = body, PostedAt = now,
        });
        AuditTrail.Record(db, caller, now, isInternal ? "InternalNoteAdded" : "CommentAdded", nameof(RequirementComment), $"{assessment.Reference}/{code}",
            $"{(isInternal ? "Internal note" : "Comment")} on {code}.", assessmentId: assessmentId);
        return await db.SaveCommandAsync("Your comment was not saved because the thread changed at the same moment. Post it again.", cancellationToken)
            ?? Outcome.Done(isInternal ? "Internal note added." : "Comment added.");
    }

    public static string OutcomeName(ReviewOutcome outcome) => outcome switch
    {
        ReviewOutcome.Accepted => "Accepted",
        ReviewOutcome.ClarificationRequested => "Clarification requested on",
        _ => "Rejected",
    };

    private static Refusal NotFound(int assessmentId) => Outcome.NotFound($"There is no assessment {assessmentId} of your organisation to review.");

    private static string StaleMessage(string reference) =>
        $"{reference} changed since you opened it, so nothing was recorded. Look at it again before you decide.";

    private static Refusal Stale(Assessment assessment) => Outcome.Stale(
        $"{assessment.Reference} changed since you opened it (it is now {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}), "
        + "so nothing was recorded. Look at it again before you decide.");

    /// <summary>
    /// The assessment, tracked, for a procurement officer's command: not found when the caller cannot see it,
    /// forbidden when they can but are not a procurement officer of its organisation (the supplier, a CCIO).
    /// </summary>
    private static async Task<(Assessment? Assessment, Refusal? Refusal)> OfficersAssessmentAsync(
        PortalDbContext db, Caller caller, int assessmentId, string what, CancellationToken cancellationToken)
    {
        var assessment = await db.Assessments.VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return (null, NotFound(assessmentId));
        }

        return AssessmentVisibility.IsOfficerOf(caller, assessment)
            ? (assessment, null)
            : (null, Outcome.Forbidden($"Only a procurement officer of the assessing organisation can {what} this assessment."));
    }

    /// <summary>A status change of the review, through the one transition method, after the check <paramref name="ready"/> (a conflict when not ready).</summary>
    private async Task<Outcome> TransitionAsync(
        Caller caller, int assessmentId, WorkflowAction action, ReadVersion read, Func<PortalDbContext, Assessment, Task<Refusal?>>? ready,
        Func<Assessment, IEnumerable<TransitionNotice>> notices, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (assessment, refusal) = await OfficersAssessmentAsync(db, caller, assessmentId, AssessmentWorkflow.ActionName(action), cancellationToken);
        if (assessment is null)
        {
            return refusal!;
        }

        if (!read.Permits(assessment.ConcurrencyStamp, somethingToLose: false))
        {
            return Stale(assessment);
        }

        // The workflow's own refusal (a status that does not allow it) comes before the review's readiness.
        if (AssessmentWorkflow.Decide(assessment.Status, action, caller.Roles) is { Allowed: true } && ready is not null && await ready(db, assessment) is { } notReady)
        {
            return notReady;
        }

        var moved = await AssessmentTransitions.ApplyAsync(db, caller, assessment, action, now, read,
            _ => $"{caller.DisplayName}: {AssessmentWorkflow.ActionName(action)} {assessment.Reference}.",
            _ => notices(assessment), cancellationToken: cancellationToken);
        if (!moved.Succeeded)
        {
            return moved.AsRefusal();
        }

        return await db.SaveCommandAsync(StaleMessage(assessment.Reference), cancellationToken)
            ?? Outcome.Done($"{assessment.Reference} is now {moved.Value!.ToName.ToLowerInvariant()}.");
    }
}
