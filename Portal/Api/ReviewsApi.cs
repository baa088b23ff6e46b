using System.ComponentModel;
using Portal.Data.Policy;
using Portal.Data.Reviews;
using Portal.Data.SignOffs;
using Portal.Features.Reviews;
using Portal.Features.SignOffs;

namespace Portal.Api;

/// <summary>The NHS side of an assessment: review decisions per requirement, and the sign-off state.</summary>
public static class ReviewsApi
{
    public sealed record ReviewItem(
        string Code, string Title, Obligation Obligation, RouteStanding? Standing,
        [property: Description("Accepted, ClarificationRequested or Rejected; null while undecided.")] ReviewOutcome? Outcome,
        [property: Description("The question for a clarification, or the reason for a rejection.")] string? Note,
        string? DecidedBy);

    public sealed record Review(
        int AssessmentId, string Reference, string Status,
        [property: Description("How many requirements have an accepted or rejected decision.")] int Decided,
        int Clarifications,
        [property: Description("Whether every requirement is decided, so the assessment can go for sign-off.")] bool ReadyForSignOff,
        [property: Description("Whether you may record decisions now (a procurement officer of the organisation, while the assessment is under review).")] bool CanDecide,
        IReadOnlyList<ReviewItem> Items);

    public sealed record DecisionBody(
        [property: Description("The requirements to decide, by id; several can be accepted at once.")] IReadOnlyList<string> Requirements,
        [property: Description("Accepted, ClarificationRequested or Rejected.")] ReviewOutcome Outcome,
        [property: Description("The question for the supplier (ClarificationRequested) or the reason (Rejected); shared with the supplier.")] string? Note = null);

    public sealed record Condition(string Text, string Owner, DateOnly DueDate,
        [property: Description("Which side owns it: Organisation (the NHS organisation) or Supplier.")] FollowUpParty Party = FollowUpParty.Organisation,
        [property: Description("The named person who owns it; null when none was named.")] string? OwnerName = null);

    public sealed record OwnerChoice(
        [property: Description("The person's id, to send as a condition's ownerUserId.")] int UserId, string Name, string Role);

    public sealed record ConditionOwners(string OrganisationName, string? SupplierName,
        [property: Description("Active people of the assessing organisation.")] IReadOnlyList<OwnerChoice> Organisation,
        [property: Description("Active people of the assessment's supplier.")] IReadOnlyList<OwnerChoice> Supplier);

    public sealed record SignOffRecord(
        SignOffDecision Decision, string SignedBy, string Role, DateTime SignedAt, string? HazardLogReference, string? Reasons,
        [property: Description("The SHA-256 seal over the snapshot of the assessment that was signed off.")] string Seal,
        [property: Description("Whether a later change by the supplier voided this sign-off.")] bool Void,
        DateTime? VoidedAt, string? VoidReason, IReadOnlyList<Condition> Conditions,
        [property: Description("Why the sign-off reviewer approved although the status was Red; null otherwise. Covered by the seal.")] string? RedApprovalReason);

    public sealed record SignOffState(
        int AssessmentId, string Reference, string Status, int InScope, int Accepted, int Rejected, int OpenClarifications,
        [property: Description("The scorecard's status in words: Red, Amber, Green or Not yet scored.")] string RagStatus,
        [property: Description("The unmet Must requirements, with why each is unmet: the same list, by the same rule, as the scorecard.")] IReadOnlyList<string> UnmetMust,
        [property: Description("The latest sign-off; null when the assessment was never signed off.")] SignOffRecord? Latest,
        [property: Description("Whether you may sign it off now.")] bool CanSignOff,
        [property: Description("Why not, when you may not.")] string? WhyNot);

    public static void MapReviewsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/assessments/{assessmentId}").WithTags(ApiDocumentation.Reviews);
        group.MapGet("/review", GetReviewAsync).WithName("GetReview").Returns<Review>().WithSummary("Get the review decisions (NHS staff)")
            .WithDescription("The review decision on every in-scope requirement. Suppliers see decisions through the scorecard and clarifications through their responses.")
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem();
        group.MapPost("/review/decisions", DecideAsync).WithName("RecordReviewDecisions").Returns<Review>().WithSummary("Record review decisions (procurement officers)")
            .WithDescription("Records the same decision on one or more requirements while the assessment is under review. Send the assessment's ETag "
                + "(from GET /api/v1/assessments/{assessmentId} or this review) in If-Match, so the decision is made on the assessment you read. Answers the review as it now is, with its new ETag.")
            .Accepts<DecisionBody>("application/json")
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems().TooLargeProblem()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(64 * 1024));
        group.MapGet("/sign-off", GetSignOffAsync).WithTags(ApiDocumentation.SignOffs).WithName("GetSignOff").Returns<SignOffState>().WithSummary("Get the sign-off state (NHS staff)")
            .WithDescription("Counts, unmet Must requirements, the latest sign-off with its seal and conditions, and whether you may sign it off. Signing off is done in the portal.")
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem();
        group.MapGet("/sign-off/condition-owners", ListConditionOwnersAsync).WithTags(ApiDocumentation.SignOffs).WithName("ListConditionOwners").Returns<ConditionOwners>()
            .WithSummary("List who may be named as a condition's owner (CCIO sign-off reviewers)")
            .WithDescription("The active people of the assessing organisation and of the assessment's supplier, by name, for a condition's ownerUserId when you "
                + "sign off with conditions. Only for a CCIO sign-off reviewer who may sign off this assessment now.")
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
    }

    private static Task<IResult> ListConditionOwnersAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, SignOffService signOffs) =>
        signOffs.ListConditionOwnersAsync(http.Caller(), assessmentId, http.RequestAborted).ToHttp(http, owners => new ApiJson<ConditionOwners>(new(
            owners.OrganisationName, owners.SupplierName,
            owners.Organisation.Select(p => new OwnerChoice(p.UserId, p.Name, p.Role)).ToList(),
            owners.Supplier.Select(p => new OwnerChoice(p.UserId, p.Name, p.Role)).ToList())));

    private static Task<IResult> GetReviewAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, ReviewService reviews) =>
        reviews.FindAsync(http.Caller(), assessmentId, http.RequestAborted).ToHttp(http, view => new ApiJson<Review>(Map(view), ETags.Of(view.Stamp)));

    private static Task<IResult> DecideAsync([Description("The assessment's id.")] int assessmentId, DecisionBody body, HttpContext http, ReviewService reviews) =>
        reviews.DecideAsync(http.Caller(), assessmentId, body.Requirements ?? [], body.Outcome, body.Note, http.Request.ReadVersion(), http.RequestAborted)
            .ToHttp(http, view => new ApiJson<Review>(Map(view), ETags.Of(view.Stamp)));

    private static Task<IResult> GetSignOffAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, SignOffService signOffs) =>
        signOffs.FindAsync(http.Caller(), assessmentId, http.RequestAborted).ToHttp(http, summary => new ApiJson<SignOffState>(Map(summary), ETags.Of(summary.Stamp)));

    internal static SignOffState Map(SignOffService.Summary summary)
    {
        var latest = summary.Latest;
        return new SignOffState(
            summary.AssessmentId, summary.Reference, summary.Status.ToString(), summary.InScope, summary.Accepted, summary.Rejected, summary.OpenClarifications,
            summary.Card.StatusName,
            summary.UnmetMust.Select(u => $"{u.Code}: {u.Result}. {u.Why}").ToList(),
            latest is null ? null : new SignOffRecord(latest.Decision, latest.SignedBy, latest.Role, latest.SignedAt, latest.HazardLogReference, latest.Reasons,
                latest.Seal, latest.IsVoid, latest.VoidedAt, latest.VoidReason, latest.Conditions.Select(c => new Condition(c.Text, c.Owner, c.DueDate, c.Party, c.OwnerName)).ToList(),
                latest.RedApprovalReason),
            summary.CanSignOff, summary.WhyNot);
    }

    private static Review Map(ReviewService.ReviewView v) => new(
        v.AssessmentId, v.Reference, v.Status.ToString(), v.Decided, v.Clarifications, v.ReadyForSignOff, v.CanDecide,
        v.Items.Select(i => new ReviewItem(i.Code, i.Title, i.Obligation, i.Standing, i.Outcome, i.Note, i.DecidedBy)).ToList());
}
