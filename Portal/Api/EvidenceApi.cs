using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Data.Evidence;
using Portal.Features.Evidence;

namespace Portal.Api;

/// <summary>Evidence for the supplier's answers: links and documents, listed, added, removed and downloaded.</summary>
public static class EvidenceApi
{
    public sealed record LinkBody(
        [property: Description("What kind of evidence the link is.")] EvidenceItemKind Kind,
        [property: Description("A short title, for example \"API reference\" (up to 300 characters).")] string Title,
        [property: Description("The full web address, starting https:// or http://.")] string Url,
        [property: Description("When the link was checked; not in the future.")] DateOnly EvidenceDate,
        [property: Description("Until when the evidence holds; on or after the evidence date.")] DateOnly? ValidUntil = null);

    public static void MapEvidenceApi(this RouteGroupBuilder api)
    {
        var limits = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<EvidenceOptions>>().Value;
        var perAssessment = api.MapGroup("/assessments/{assessmentId}").WithTags(ApiDocumentation.Evidence);
        perAssessment.MapGet("/evidence", ListAsync).WithName("ListEvidence").Returns<IReadOnlyList<ResponsesApi.EvidenceItem>>().WithSummary("List an assessment's evidence")
            .WithDescription("Every link and document given as evidence, with the requirement each supports. Documents carry their SHA-256 and a download address.")
            .InvalidIdProblem().NotFoundProblem();
        perAssessment.MapPost("/responses/{code}/evidence/links", AddLinkAsync).WithName("AddEvidenceLink").WithSummary("Add a link as evidence (supplier account managers)")
            .WithDescription("Adds a web link as evidence for one requirement's answer.")
            .Accepts<LinkBody>("application/json")
            .Produces<ResponsesApi.EvidenceItem>(StatusCodes.Status201Created)
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().TooLargeProblem()
            .WithMetadata(new RequestSizeLimitAttribute(64 * 1024));
        perAssessment.MapPost("/responses/{code}/evidence/documents", AddDocumentAsync).WithName("AddEvidenceDocument").WithSummary("Upload a document as evidence (supplier account managers)")
            .WithDescription($"Uploads a document as multipart/form-data. The portal checks its type by its bytes against an allow-list ({DocumentTypes.AllowedExtensions}), "
                + $"its size (at most {limits.MaxFileBytes / 1024 / 1024} MB) and the assessment's quota, and keeps its SHA-256.")
            .Produces<ResponsesApi.EvidenceItem>(StatusCodes.Status201Created)
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().TooLargeProblem().UnsupportedMediaTypeProblem().UnavailableProblem()
            .WithMetadata(new RequestSizeLimitAttribute(limits.MaxFileBytes + (64 * 1024)));
        perAssessment.MapDelete("/evidence/{evidenceId}", RemoveAsync).WithName("RemoveEvidence").WithSummary("Remove evidence (supplier account managers)")
            .WithDescription("Removes a link or document from an answer. The audit trail keeps what it was.")
            .Produces(StatusCodes.Status204NoContent)
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();

        api.MapGet("/evidence/{evidenceId}/content", DownloadAsync).WithTags(ApiDocumentation.Evidence).WithName("DownloadEvidence")
            .WithSummary("Download an evidence document")
            .WithDescription("The document's bytes, as an attachment with the allow-listed content type, for anyone who may see its assessment.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .InvalidIdProblem().NotFoundProblem();
    }

    private static async Task<IResult> ListAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, EvidenceWorkspaceService workspace) =>
        await workspace.GetAsync(http.Caller(), assessmentId, http.RequestAborted) is { } view
            ? new ApiJson<IReadOnlyList<ResponsesApi.EvidenceItem>>(view.Requirements
                .SelectMany(r => (r.Response?.Evidence ?? []).Select(e => ResponsesApi.Evidence(r.Code, e))).ToList())
            : ApiProblem.NotFound($"Assessment {assessmentId}");

    private static Task<IResult> AddLinkAsync(
        [Description("The assessment's id.")] int assessmentId,
        [Description("The requirement's id, for example P.1.")] string code,
        LinkBody body,
        HttpContext http,
        EvidenceWorkspaceService workspace) =>
        workspace.AddLinkAsync(http.Caller(), assessmentId, code, new EvidenceInput(body.Kind, body.Title, body.Url, body.EvidenceDate, body.ValidUntil), http.RequestAborted)
            .ToHttp(http, added => Created(assessmentId, added));

    private static async Task<IResult> AddDocumentAsync(
        [Description("The assessment's id.")] int assessmentId,
        [Description("The requirement's id, for example P.1.")] string code,
        [FromForm, Description("The document.")] IFormFile file,
        [FromForm, Description("A short title, for example \"Interface specification\".")] string title,
        [FromForm, Description("What kind of evidence the document is.")] EvidenceItemKind kind,
        [FromForm, Description("When the document was issued, as yyyy-mm-dd; not in the future.")] DateOnly evidenceDate,
        [FromForm, Description("Until when the evidence holds, as yyyy-mm-dd.")] DateOnly? validUntil,
        HttpContext http,
        EvidenceWorkspaceService workspace)
    {
        await using var content = file.OpenReadStream();
        return await workspace.AddDocumentAsync(http.Caller(), assessmentId, code, new EvidenceInput(kind, title, null, evidenceDate, validUntil), file.FileName, content, http.RequestAborted)
            .ToHttp(http, added => Created(assessmentId, added));
    }

    private static ApiJson<ResponsesApi.EvidenceItem> Created(int assessmentId, EvidenceChange added) =>
        new(ResponsesApi.Evidence(added.Requirement.Code, added.Item!), statusCode: StatusCodes.Status201Created,
            location: added.Item!.IsDocument ? $"{ApiSetup.Prefix}/evidence/{added.Item.Id}/content" : $"{ApiSetup.Prefix}/assessments/{assessmentId}/evidence");

    private static Task<IResult> RemoveAsync(
        [Description("The assessment's id.")] int assessmentId,
        [Description("The evidence's id.")] int evidenceId,
        HttpContext http,
        EvidenceWorkspaceService workspace) =>
        workspace.RemoveEvidenceAsync(http.Caller(), assessmentId, evidenceId, http.RequestAborted).ToHttp(http, _ => TypedResults.NoContent());

    private static async Task<IResult> DownloadAsync([Description("The evidence's id.")] int evidenceId, HttpContext http, EvidenceWorkspaceService workspace)
    {
        var document = await workspace.OpenDocumentAsync(http.Caller(), evidenceId, http.RequestAborted);
        if (document is null)
        {
            return ApiProblem.NotFound($"Evidence document {evidenceId}");
        }

        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(document.Content, document.ContentType, document.FileName, enableRangeProcessing: false);
    }
}
