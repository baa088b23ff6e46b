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
        ReviewOutcome? Outcome, string? Note, string? DecidedBy);

    public sealed record ReviewView(
        int AssessmentId, string Reference, string SystemName, string SupplierName, AssessmentStatus Status,
        IReadOnlyList<ReviewItem> Items, IReadOnlyList<WorkspaceFunction> Functions, bool CanStart, bool CanDecide)
    {
        public int Decided => Items.Count(i => i.Outcome is ReviewOutcome.Accepted or ReviewOutcome.Rejected);

        public int Clarifications => Items.Count(i => i.Outcome == ReviewOutcome.ClarificationRequested);

        public bool ReadyForSignOff => Items.Count > 0 && Decided == Items.Count;
    }

    public async Task<ReviewView?> GetAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        var answers = await workspace.GetAsync(caller, assessmentId, cancellationToken);
        if (answers is null)
        {
            return null;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.AsNoTracking().SingleAsync(a => a.Id == assessmentId, cancellationToken);
        if (!AssessmentVisibility.IsNhsStaffOf(caller, assessment.NhsOrganisationId))
        {
            return null;
        }

        var decisions = await db.ReviewDecisions.AsNoTracking()
            .Where(d => d.AssessmentId == assessmentId)
            .Join(db.AssessmentRequirements, d => d.AssessmentRequirementId, r => r.Id, (d, r) => new { r.Code, d.Outcome, d.Note, d.DecidedByName })
            .ToDictionaryAsync(d => d.Code, cancellationToken);
        var isOfficer = AssessmentVisibility.IsOfficerOf(caller, assessment);
        return new ReviewView(
            assessmentId, answers.Reference, answers.SystemName, answers.SupplierName, answers.Status,
            answers.Requirements.Select(r => decisions.TryGetValue(r.Code, out var d)
                ? new ReviewItem(r.Code, r.Title, r.Obligation, r.Standing, r.Response, d.Outcome, d.Note, d.DecidedByName)
                : new ReviewItem(r.Code, r.Title, r.Obligation, r.Standing, r.Response, null, null, null)).ToList(),
            answers.Functions,
            isOfficer && assessment.Status == AssessmentStatus.Submitted,
            isOfficer && assessment.Status == AssessmentStatus.UnderReview);
    }

    public Task<CommandResult> StartAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default) =>
        TransitionAsync(caller, assessmentId, WorkflowAction.StartReview, null, cancellationToken);

    /// <summary>Records the same decision on one or more requirements (several can be accepted at once).</summary>
    /// <param name="expectedStamp">When given, the assessment's concurrency stamp the decision was made on; a later change answers a conflict.</param>
    public async Task<CommandResult> DecideAsync(
        Caller caller, int assessmentId, IReadOnlyCollection<string> codes, ReviewOutcome outcome, string? note, Guid? expectedStamp = null,
        CancellationToken cancellationToken = default)
    {
        var text = TypedText.Tidy(note, 4000);
        if (outcome == ReviewOutcome.ClarificationRequested && (text is null || text.Length < 5))
        {
            return CommandResult.Refused("Write the question the supplier should answer.", "note");
        }

        if (outcome == ReviewOutcome.Rejected && (text is null || text.Length < 5))
        {
            return CommandResult.Refused("Give the reason for rejecting the answer; the supplier will see it.", "note");
        }

        if (codes.Count == 0)
        {
            return CommandResult.Refused("Choose at least one requirement.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null || !AssessmentVisibility.IsOfficerOf(caller, assessment))
        {
            return CommandResult.Refused("Only a procurement officer of the assessing organisation can review this assessment.");
        }

        if (assessment.Status != AssessmentStatus.UnderReview)
        {
            return CommandResult.Refused($"The assessment is {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}; decisions are made while it is under review.");
        }

        if (expectedStamp is { } expected && assessment.ConcurrencyStamp != expected)
        {
            return CommandResult.Conflict($"{assessment.Reference} changed since it was read.");
        }

        var requirements = await db.AssessmentRequirements.Where(r => r.AssessmentId == assessmentId && r.InScope && codes.Contains(r.Code)).ToListAsync(cancellationToken);
        if (requirements.Count != codes.Count)
        {
            return CommandResult.Refused("One of those requirements is not in this assessment's scope.");
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

            var before = existing.ContainsKey(requirement.Id) ? decision.Outcome.ToString() : null;
            decision.Outcome = outcome;
            decision.Note = text;
            decision.DecidedByUserId = caller.UserId;
            decision.DecidedByName = caller.DisplayName;
            decision.DecidedAt = now;
            if (outcome == ReviewOutcome.ClarificationRequested)
            {
                db.RequirementComments.Add(new RequirementComment
                {
                    AssessmentId = assessmentId, AssessmentRequirementId = requirement.Id, AuthorUserId = caller.UserId, AuthorName = caller.DisplayName,
                    Text = $"Clarification requested: {text}", PostedAt = now,
                });
            }

            AuditTrail.Record(db, caller, now, "ReviewDecisionRecorded", nameof(ReviewDecision), $"{assessment.Reference}/{requirement.Code}",
                $"{OutcomeName(outcome)} {requirement.Code}{(text is null ? "" : $": {text}")}", before, outcome.ToString(), assessmentId);
        }

        assessment.Touch(now);
        await db.SaveChangesAsync(cancellationToken);
        return CommandResult.Done($"{OutcomeName(outcome)} {string.Join(", ", requirements.OrderBy(r => r.Order).Select(r => r.Code))}.");
    }

    /// <summary>Sends the requirements marked for clarification back to the supplier.</summary>
    public async Task<CommandResult> SendClarificationsAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (!await db.ReviewDecisions.AnyAsync(d => d.AssessmentId == assessmentId && d.Outcome == ReviewOutcome.ClarificationRequested, cancellationToken))
            {
                return CommandResult.Refused("Ask for clarification on at least one requirement first.");
            }
        }

        return await TransitionAsync(caller, assessmentId, WorkflowAction.RequestClarification, "clarification", cancellationToken);
    }

    public async Task<CommandResult> SendForSignOffAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        var view = await GetAsync(caller, assessmentId, cancellationToken);
        if (view is null)
        {
            return CommandResult.Refused("Only a procurement officer of the assessing organisation can send this assessment for sign-off.");
        }

        if (!view.ReadyForSignOff)
        {
            return CommandResult.Refused($"Every requirement needs an accepted or rejected decision first: {view.Items.Count - view.Decided} still need one.");
        }

        return await TransitionAsync(caller, assessmentId, WorkflowAction.SendForSignOff, "sign-off", cancellationToken);
    }

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

    public async Task<CommandResult> CommentAsync(Caller caller, int assessmentId, string code, string? text, bool isInternal, CancellationToken cancellationToken = default)
    {
        var body = TypedText.Tidy(text, 4000);
        if (body is null)
        {
            return CommandResult.Refused("Write your comment first.", "text");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        var requirement = assessment is null ? null
            : await db.AssessmentRequirements.SingleOrDefaultAsync(r => r.AssessmentId == assessmentId && r.Code == code, cancellationToken);
        if (assessment is null || requirement is null)
        {
            return CommandResult.Refused("That requirement is not part of an assessment you can see.");
        }

        var fromSupplier = AssessmentVisibility.IsSupplierOf(caller, assessment);
        if (isInternal && fromSupplier)
        {
            return CommandResult.Refused("Internal notes are for NHS staff only.");
        }

        db.RequirementComments.Add(new RequirementComment
        {
            AssessmentId = assessmentId, AssessmentRequirementId = requirement.Id, AuthorUserId = caller.UserId, AuthorName = caller.DisplayName,
            AuthorIsSupplier = fromSupplier, IsInternal = isInternal, Text = body, PostedAt = now,
        });
        AuditTrail.Record(db, caller, now, isInternal ? "InternalNoteAdded" : "CommentAdded", nameof(RequirementComment), $"{assessment.Reference}/{code}",
            $"{(isInternal ? "Internal note" : "Comment")} on {code}.", assessmentId: assessmentId);
        await db.SaveChangesAsync(cancellationToken);
        return CommandResult.Done(isInternal ? "Internal note added." : "Comment added.");
    }

    public static string OutcomeName(ReviewOutcome outcome) => outcome switch
    {
        ReviewOutcome.Accepted => "Accepted",
        ReviewOutcome.ClarificationRequested => "Clarification requested on",
        _ => "Rejected",
    };

    private async Task<CommandResult> TransitionAsync(Caller caller, int assessmentId, WorkflowAction action, string? notify, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null || !AssessmentVisibility.IsOfficerOf(caller, assessment))
        {
            return CommandResult.Refused("Only a procurement officer of the assessing organisation can do this.");
        }

        var decision = AssessmentWorkflow.Decide(assessment.Status, action, caller.Roles);
        if (!decision.Allowed)
        {
            return CommandResult.Refused(decision.Refusal!);
        }

        var before = assessment.Status;
        assessment.Status = decision.To!.Value;
        assessment.Touch(now);
        AuditTrail.Record(db, caller, now, $"Assessment{action}", nameof(Assessment), assessment.Reference,
            $"{caller.DisplayName}: {AssessmentWorkflow.ActionName(action)} {assessment.Reference}.",
            AssessmentWorkflow.StatusName(before), AssessmentWorkflow.StatusName(assessment.Status), assessmentId);
        if (notify == "clarification")
        {
            await NotificationService.NotifyAsync(db, now, assessmentId, $"{assessment.Reference}: clarification requested on some of your answers.",
                $"/assessments/{assessmentId}/evidence", null, assessment.SupplierId, NotificationService.Suppliers, null, cancellationToken);
        }
        else if (notify == "sign-off")
        {
            await NotificationService.NotifyAsync(db, now, assessmentId, $"{assessment.Reference} ({assessment.SystemName}) is awaiting your sign-off.",
                $"/assessments/{assessmentId}/sign-off", assessment.NhsOrganisationId, null, NotificationService.Ccios, null, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return CommandResult.Done($"{assessment.Reference} is now {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}.");
    }
}
