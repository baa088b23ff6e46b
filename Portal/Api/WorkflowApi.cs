using System.ComponentModel;
using Portal.Data.SignOffs;
using Portal.Features.Assessments;
using Portal.Features.Evidence;
using Portal.Features.Reviews;
using Portal.Features.SignOffs;

namespace Portal.Api;

/// <summary>
/// Moving an assessment on, as the portal's pages do: the supplier submits, the officer starts the review, asks for
/// clarification or sends it for sign-off, and the CCIO signs it off; comments and internal notes on requirements;
/// the supplier's API operation for each significant function; marking requirements not applicable in bulk.
/// </summary>
public static class WorkflowApi
{
    public sealed record FunctionAnswer(
        [property: Description("The function's id, used in its address.")] int Id,
        string Name, string? Description,
        [property: Description("The API operation the supplier gave for it, for example \"POST /Appointment\".")] string? ApiOperation,
        string? DocumentationUrl,
        [property: Description("Whether the supplier has given its API operation, needed before submitting.")] bool IsAnswered,
        [property: Description("The ETag to send in If-Match when changing this answer.")] string ETag);

    public sealed record FunctionBody(
        [property: Description("The API operation that carries out the function (up to 500 characters), for example \"POST /Appointment\".")] string? ApiOperation,
        [property: Description("The operation's documentation, a full web address.")] string? DocumentationUrl = null);

    public sealed record NotApplicableTarget(
        [property: Description("The requirement's id, for example S.4.")] string Code,
        [property: Description("The requirement's ETag as you read it (from its response), or \"unanswered\" when it has no answer yet.")] string? ETag = null);

    public sealed record NotApplicableBody(
        [property: Description("The requirements to mark not applicable.")] IReadOnlyList<NotApplicableTarget> Requirements,
        [property: Description("Why they do not apply; the reviewer reads it.")] string? Justification);

    public sealed record Skipped(string Code, [property: Description("Why it was left as it was.")] string Reason);

    public sealed record NotApplicableResult(
        [property: Description("The requirements now marked not applicable.")] IReadOnlyList<string> Saved,
        IReadOnlyList<Skipped> Skipped);

    public sealed record CommentItem(
        int Id, string Author, bool AuthorIsSupplier,
        [property: Description("Whether it is an internal note, which only NHS staff see.")] bool IsInternal,
        string Text, DateTime PostedAt);

    public sealed record CommentBody(
        [property: Description("The comment (up to 4,000 characters).")] string? Text,
        [property: Description("True for an internal note NHS staff only see; suppliers cannot write them.")] bool Internal = false);

    public sealed record ConditionBody(string? Text,
        [property: Description("The owner in words (a team or role).")] string? Owner, DateOnly? DueDate,
        [property: Description("Which side owns it: Organisation (the NHS organisation, the default) or Supplier.")] FollowUpParty Party = FollowUpParty.Organisation,
        [property: Description("Optional: the named person who owns it, an id from GET .../sign-off/condition-owners of the side that owns it.")] int? OwnerUserId = null);

    public sealed record SignOffBody(
        [property: Description("Approve, ApproveWithConditions, Reject or ReturnToReviewer.")] SignOffService.Choice? Decision,
        [property: Description("Your attestation that you have reviewed the assessment and its evidence and have the authority to sign it off. Required.")] bool Attested,
        [property: Description("The clinical safety hazard log reference (DCB0160).")] string? HazardLogReference = null,
        string? ClinicalSafetyNotes = null,
        [property: Description("Your reasons; required to reject or return to the reviewer.")] string? Reasons = null,
        [property: Description("The conditions, with an owner and a due date each; at least one to approve with conditions.")] IReadOnlyList<ConditionBody>? Conditions = null,
        [property: Description("To approve a Red assessment: that you know it is Red.")] bool RedAcknowledged = false,
        [property: Description("To approve a Red assessment: why, in words (covered by the seal).")] string? RedApprovalReason = null);

    public static void MapWorkflowApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/assessments/{assessmentId}");
        group.MapPost("/submit", SubmitAsync).WithTags(ApiDocumentation.Responses).WithName("SubmitResponses").Returns<AssessmentsApi.AssessmentDetail>()
            .WithSummary("Submit the answers for review (supplier account managers)")
            .WithDescription("Submits once every in-scope requirement and every significant function is answered; otherwise 400 names each missing answer "
                + "(by requirement id, or function-{id}). Answers the assessment as it now is.")
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
        group.MapGet("/functions", FunctionsAsync).WithTags(ApiDocumentation.Responses).WithName("ListFunctionAnswers").Returns<IReadOnlyList<FunctionAnswer>>()
            .WithSummary("List the significant functions and their API operations")
            .WithDescription("The significant business functions the officer named, each with the API operation the supplier gave for it (policy P.1 and C.1).")
            .InvalidIdProblem().NotFoundProblem();
        group.MapPut("/functions/{functionId}", SaveFunctionAsync).WithTags(ApiDocumentation.Responses).WithName("SaveFunctionAnswer").Returns<FunctionAnswer>()
            .WithSummary("Give the API operation for a significant function (supplier account managers)")
            .WithDescription("Records the API operation (and its documentation) that carries out one significant function. Once it has one, send its ETag in If-Match.")
            .Accepts<FunctionBody>("application/json")
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(16 * 1024));
        group.MapPost("/responses/not-applicable", NotApplicableAsync).WithTags(ApiDocumentation.Responses).WithName("MarkResponsesNotApplicable")
            .Returns<NotApplicableResult>().WithSummary("Mark requirements not applicable (supplier account managers)")
            .WithDescription("Answers several requirements NotApplicable with one justification. A requirement whose ETag is stale, or that cannot change now, "
                + "is skipped with the reason, and the others are saved.")
            .Accepts<NotApplicableBody>("application/json")
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().TooLargeProblem()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(64 * 1024));

        group.MapPost("/review/start", StartReviewAsync).WithTags(ApiDocumentation.Reviews).WithName("StartReview").Returns<AssessmentsApi.AssessmentDetail>()
            .WithSummary("Start the review (procurement officers)")
            .WithDescription("Moves a submitted assessment under review. If-Match with the assessment's ETag is optional; a stale one gets 412.")
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems();
        group.MapPost("/review/clarifications", SendClarificationsAsync).WithTags(ApiDocumentation.Reviews).WithName("SendClarifications")
            .Returns<AssessmentsApi.AssessmentDetail>().WithSummary("Send the clarification questions to the supplier (procurement officers)")
            .WithDescription("Sends the assessment back to the supplier with the questions recorded as ClarificationRequested decisions; needs at least one. "
                + "If-Match with the assessment's ETag is optional; a stale one gets 412.")
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems();
        group.MapPost("/review/send-for-sign-off", SendForSignOffAsync).WithTags(ApiDocumentation.Reviews).WithName("SendForSignOff")
            .Returns<AssessmentsApi.AssessmentDetail>().WithSummary("Send the assessment for sign-off (procurement officers)")
            .WithDescription("Sends a fully reviewed assessment (every in-scope requirement accepted or rejected) to the CCIO for sign-off. "
                + "If-Match with the assessment's ETag is optional; a stale one gets 412.")
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems();
        group.MapPost("/sign-off", SignOffAsync).WithTags(ApiDocumentation.SignOffs).WithName("SignOff").Returns<ReviewsApi.SignOffState>()
            .WithSummary("Sign off an assessment (CCIO sign-off reviewers)")
            .WithDescription("Records the sign-off decision with your attestation, sealed over a snapshot of the assessment: approve, approve with conditions "
                + "(each with an owner and due date), reject or return to the reviewer. Send the sign-off's ETag (from GET .../sign-off) in If-Match: "
                + "you sign off what you read, so a change since gets 412 and no If-Match gets 428. Answers the sign-off state as it now is.")
            .Accepts<SignOffBody>("application/json")
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems().TooLargeProblem()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(64 * 1024));

        group.MapGet("/responses/{code}/comments", CommentsAsync).WithTags(ApiDocumentation.Reviews).WithName("ListComments").Returns<IReadOnlyList<CommentItem>>()
            .WithSummary("List the comments on a requirement")
            .WithDescription("The thread on one requirement, oldest first. Suppliers never see internal notes.")
            .InvalidIdProblem().NotFoundProblem();
        group.MapPost("/responses/{code}/comments", CommentAsync).WithTags(ApiDocumentation.Reviews).WithName("AddComment")
            .WithSummary("Comment on a requirement, or add an internal note")
            .WithDescription("Adds a comment to one requirement's thread, which the supplier and NHS staff see, or (NHS staff) an internal note the supplier never sees. "
                + "Answers the thread as it now is.")
            .Accepts<CommentBody>("application/json")
            .Produces<IReadOnlyList<CommentItem>>(StatusCodes.Status201Created)
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().TooLargeProblem()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(32 * 1024));
    }

    /// <summary>After a command that answers nothing itself, the assessment as the caller now sees it, with its new ETag.</summary>
    private static async Task<IResult> ThenAssessmentAsync(Task<Portal.Features.Outcome> command, int assessmentId, HttpContext http)
    {
        var outcome = await command;
        if (!outcome.Succeeded)
        {
            return ApiOutcomes.Problem(outcome, http);
        }

        return await http.RequestServices.GetRequiredService<AssessmentService>().GetAsync(http.Caller(), assessmentId, http.RequestAborted) is { } overview
            ? new ApiJson<AssessmentsApi.AssessmentDetail>(AssessmentsApi.Detail(overview), ETags.Of(overview.ConcurrencyStamp))
            : ApiProblem.NotFound($"Assessment {assessmentId}");
    }

    private static Task<IResult> SubmitAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, EvidenceWorkspaceService workspace) =>
        ThenAssessmentAsync(workspace.SubmitAsync(http.Caller(), assessmentId, http.RequestAborted), assessmentId, http);

    private static Task<IResult> StartReviewAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, ReviewService reviews) =>
        ThenAssessmentAsync(reviews.StartAsync(http.Caller(), assessmentId, http.Request.ReadVersion(), http.RequestAborted), assessmentId, http);

    private static Task<IResult> SendClarificationsAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, ReviewService reviews) =>
        ThenAssessmentAsync(reviews.SendClarificationsAsync(http.Caller(), assessmentId, http.Request.ReadVersion(), http.RequestAborted), assessmentId, http);

    private static Task<IResult> SendForSignOffAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, ReviewService reviews) =>
        ThenAssessmentAsync(reviews.SendForSignOffAsync(http.Caller(), assessmentId, http.Request.ReadVersion(), http.RequestAborted), assessmentId, http);

    private static async Task<IResult> SignOffAsync([Description("The assessment's id.")] int assessmentId, SignOffBody body, HttpContext http, SignOffService signOffs)
    {
        var input = new SignOffService.Input(body.Decision, body.Attested, body.HazardLogReference, body.ClinicalSafetyNotes, body.Reasons,
            (body.Conditions ?? []).Select(c => new SignOffService.ConditionInput(c.Text, c.Owner, c.DueDate, c.Party, c.OwnerUserId)).ToList(), body.RedAcknowledged, body.RedApprovalReason);
        var outcome = await signOffs.DecideAsync(http.Caller(), assessmentId, input, http.Request.ReadVersion(), http.RequestAborted);
        return outcome.Succeeded
            ? await signOffs.FindAsync(http.Caller(), assessmentId, http.RequestAborted).ToHttp(http, summary => new ApiJson<ReviewsApi.SignOffState>(ReviewsApi.Map(summary), ETags.Of(summary.Stamp)))
            : ApiOutcomes.Problem(outcome, http);
    }

    private static async Task<IResult> FunctionsAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, EvidenceWorkspaceService workspace) =>
        await workspace.GetAsync(http.Caller(), assessmentId, http.RequestAborted) is { } view
            ? new ApiJson<IReadOnlyList<FunctionAnswer>>(view.Functions.Select(Function).ToList())
            : ApiProblem.NotFound($"Assessment {assessmentId}");

    private static Task<IResult> SaveFunctionAsync(
        [Description("The assessment's id.")] int assessmentId,
        [Description("The function's id.")] int functionId,
        FunctionBody body,
        HttpContext http,
        EvidenceWorkspaceService workspace) =>
        workspace.SaveFunctionAsync(http.Caller(), assessmentId, functionId, body.ApiOperation, body.DocumentationUrl, http.Request.ReadVersion(), http.RequestAborted)
            .ToHttp(http, saved => { var answer = Function(saved); return new ApiJson<FunctionAnswer>(answer, answer.ETag); });

    private static Task<IResult> NotApplicableAsync([Description("The assessment's id.")] int assessmentId, NotApplicableBody body, HttpContext http, EvidenceWorkspaceService workspace) =>
        workspace.MarkNotApplicableAsync(http.Caller(), assessmentId,
                (body.Requirements ?? []).Select(r => new BulkTarget(r.Code, ApiOutcomes.ParseVersion(r.ETag))).ToList(), body.Justification, http.RequestAborted)
            .ToHttp(http, result => new ApiJson<NotApplicableResult>(new NotApplicableResult(result.Saved, result.Skipped.Select(s => new Skipped(s.Code, s.Reason)).ToList())));

    private static async Task<IResult> CommentsAsync(
        [Description("The assessment's id.")] int assessmentId, [Description("The requirement's id, for example P.1.")] string code, HttpContext http, ReviewService reviews) =>
        await http.RequestServices.GetRequiredService<AssessmentService>().GetAsync(http.Caller(), assessmentId, http.RequestAborted) is null
            ? ApiProblem.NotFound($"Assessment {assessmentId}")
            : new ApiJson<IReadOnlyList<CommentItem>>(await ThreadAsync(assessmentId, code, http, reviews));

    private static async Task<IResult> CommentAsync(
        [Description("The assessment's id.")] int assessmentId, [Description("The requirement's id, for example P.1.")] string code, CommentBody body, HttpContext http,
        ReviewService reviews)
    {
        var outcome = await reviews.CommentAsync(http.Caller(), assessmentId, code, body.Text, body.Internal, http.RequestAborted);
        return outcome.Succeeded
            ? new ApiJson<IReadOnlyList<CommentItem>>(await ThreadAsync(assessmentId, code, http, reviews), statusCode: StatusCodes.Status201Created,
                location: $"{ApiSetup.Prefix}/assessments/{assessmentId}/responses/{Uri.EscapeDataString(code)}/comments")
            : ApiOutcomes.Problem(outcome, http);
    }

    private static async Task<IReadOnlyList<CommentItem>> ThreadAsync(int assessmentId, string code, HttpContext http, ReviewService reviews) =>
        (await reviews.CommentsAsync(http.Caller(), assessmentId, code, http.RequestAborted))
            .Select(c => new CommentItem(c.Id, c.Author, c.AuthorIsSupplier, c.IsInternal, c.Text, c.PostedAt)).ToList();

    private static FunctionAnswer Function(WorkspaceFunction f) =>
        new(f.Id, f.Name, f.Description, f.ApiOperation, f.DocumentationUrl, f.IsAnswered, ETags.Of(f.ConcurrencyStamp));
}
