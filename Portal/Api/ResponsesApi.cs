using System.ComponentModel;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Features.Evidence;

namespace Portal.Api;

/// <summary>The supplier's answer to each in-scope requirement: read by everyone who may see the assessment, written by its supplier.</summary>
public static class ResponsesApi
{
    /// <summary>The ETag of a requirement nobody has answered or given evidence for yet.</summary>
    public const string UnansweredETag = "\"unanswered\"";

    public sealed record EvidenceItem(
        [property: Description("The evidence's id.")] int Id,
        [property: Description("The requirement it supports.")] string Requirement,
        [property: Description("What kind of evidence it is.")] EvidenceItemKind Kind,
        string Title,
        [property: Description("The web address, for a link.")] string? Url,
        [property: Description("The file name, for a document.")] string? FileName,
        long? SizeBytes,
        [property: Description("The SHA-256 of the document's bytes, lower-case hex.")] string? Sha256,
        [property: Description("When the document was issued or the link checked.")] DateOnly EvidenceDate,
        DateOnly? ValidUntil,
        [property: Description("Where to download the document; null for a link.")] string? ContentUrl);

    public sealed record Answer(
        [property: Description("Meets, PartiallyMeets, DoesNotMeet, NotApplicable or WillMeetByDate; null while unanswered.")] ComplianceClaim? Claim,
        string? Narrative,
        [property: Description("Why the requirement does not apply; needed with NotApplicable.")] string? NotApplicableJustification,
        [property: Description("When it will be met; needed with WillMeetByDate.")] DateOnly? PlannedDate,
        [property: Description("How it will be met; needed with WillMeetByDate.")] string? Plan,
        DateTime UpdatedAt,
        string UpdatedBy,
        [property: Description("Whether the answer is complete enough to submit.")] bool IsAnswered);

    public sealed record RequirementResponse(
        [property: Description("The requirement's id, for example P.1.")] string Code,
        string Section,
        string Title,
        string Statement,
        Obligation Obligation,
        RouteStanding? Standing,
        [property: Description("Whether you may change this answer now.")] bool Editable,
        [property: Description("The reviewer's open question, when clarification was requested.")] string? Clarification,
        [property: Description("The answer; null until the supplier saves one.")] Answer? Answer,
        IReadOnlyList<EvidenceItem> Evidence,
        [property: Description("The ETag to send in If-Match when changing this answer.")] string ETag);

    public sealed record ResponseBody(
        [property: Description("Meets, PartiallyMeets, DoesNotMeet, NotApplicable or WillMeetByDate; null to clear the claim.")] ComplianceClaim? Claim,
        [property: Description("The supplier's account of how the system meets the requirement (up to 8,000 characters).")] string? Narrative = null,
        [property: Description("Why the requirement does not apply; needed with NotApplicable.")] string? NotApplicableJustification = null,
        [property: Description("When it will be met; needed with WillMeetByDate.")] DateOnly? PlannedDate = null,
        [property: Description("How it will be met; needed with WillMeetByDate.")] string? Plan = null);

    public static void MapResponsesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/assessments/{assessmentId}/responses").WithTags(ApiDocumentation.Responses);
        group.MapGet("/", ListAsync).WithName("ListResponses").Returns<IReadOnlyList<RequirementResponse>>().WithSummary("List an assessment's responses")
            .WithDescription("Every in-scope requirement with the supplier's answer and evidence, in catalogue order.")
            .InvalidIdProblem().NotFoundProblem();
        group.MapGet("/{code}", GetAsync).WithName("GetResponse").Returns<RequirementResponse>().WithSummary("Get the response to one requirement")
            .WithDescription("One requirement with the supplier's answer and evidence. The ETag goes in If-Match when you change the answer.")
            .InvalidIdProblem().NotFoundProblem();
        group.MapPut("/{code}", SaveAsync).WithName("SaveResponse").Returns<RequirementResponse>().WithSummary("Save the response to one requirement (supplier account managers)")
            .WithDescription("Replaces the answer to one requirement. Once it has an answer, send its ETag in If-Match: a stale ETag gets 412 and nothing is lost. "
                + "Answers can change while the assessment waits for the supplier, for requirements under clarification, and after sign-off (which voids the sign-off).")
            .Accepts<ResponseBody>("application/json")
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems().TooLargeProblem()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(64 * 1024));
    }

    private static async Task<IResult> ListAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, EvidenceWorkspaceService workspace) =>
        await workspace.GetAsync(http.Caller(), assessmentId, http.RequestAborted) is { } view
            ? new ApiJson<IReadOnlyList<RequirementResponse>>(view.Requirements.Select(r => Response(r)).ToList())
            : ApiProblem.NotFound($"Assessment {assessmentId}");

    private static async Task<IResult> GetAsync(
        [Description("The assessment's id.")] int assessmentId,
        [Description("The requirement's id, for example P.1.")] string code,
        HttpContext http,
        EvidenceWorkspaceService workspace)
    {
        var view = await workspace.GetAsync(http.Caller(), assessmentId, http.RequestAborted);
        if (view?.Requirements.SingleOrDefault(r => r.Code == code) is not { } requirement)
        {
            return ApiProblem.NotFound(view is null ? $"Assessment {assessmentId}" : $"Requirement {code} in the scope of assessment {assessmentId}");
        }

        return Json(Response(requirement));
    }

    private static Task<IResult> SaveAsync(
        [Description("The assessment's id.")] int assessmentId,
        [Description("The requirement's id, for example P.1.")] string code,
        ResponseBody body,
        HttpContext http,
        EvidenceWorkspaceService workspace) =>
        workspace.SaveResponseAsync(http.Caller(), assessmentId, code,
                new ResponseDraft(body.Claim, body.Narrative, body.NotApplicableJustification, body.PlannedDate, body.Plan), http.Request.ReadVersion(), http.RequestAborted)
            .ToHttp(http, saved => Json(Response(saved)));

    private static ApiJson<RequirementResponse> Json(RequirementResponse response) => new(response, response.ETag);

    public static string ETagOf(WorkspaceRequirement requirement) =>
        requirement.Response is { } response ? ETags.Of(response.ConcurrencyStamp) : UnansweredETag;

    public static EvidenceItem Evidence(string code, EvidenceView e) => new(
        e.Id, code, e.Kind, e.Title, e.Url, e.FileName, e.SizeBytes, e.Sha256, e.EvidenceDate, e.ValidUntil,
        e.IsDocument ? $"{ApiSetup.Prefix}/evidence/{e.Id}/content" : null);

    private static RequirementResponse Response(WorkspaceRequirement r) => new(
        r.Code, r.SectionCode, r.Title, r.Statement, r.Obligation, r.Standing, r.Editable, r.Clarification,
        r.Response is { } a ? new Answer(a.Claim, a.Narrative, a.NotApplicableJustification, a.PlannedDate, a.Plan, a.UpdatedAt, a.UpdatedBy, a.IsAnswered) : null,
        (r.Response?.Evidence ?? []).Select(e => Evidence(r.Code, e)).ToList(),
        ETagOf(r));
}
