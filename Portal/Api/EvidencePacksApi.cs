using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portal.Data.Evidence;
using Portal.Features.EvidencePacks;
using Portal.Features.Evidence;

namespace Portal.Api;

/// <summary>Evidence packs: kept by the supplier, shared with NHS organisations by ODS code, and used to fill an assessment.</summary>
public static class EvidencePacksApi
{
    public sealed record StartBody(
        [property: Description("The id of one of your supplier's product versions.")] int ProductVersionId,
        [property: Description("The catalogue version the pack answers; the current published version when left out.")] int? FrameworkVersionId = null);

    public sealed record AnswerBody(
        [property: Description("What the product meets; null while undecided.")] ComplianceClaim? Claim,
        [property: Description("How the product meets the requirement (up to 8,000 characters).")] string? Narrative = null,
        [property: Description("Why the requirement does not apply, when the claim is NotApplicable.")] string? NotApplicableJustification = null,
        [property: Description("When the product will meet it, when the claim is WillMeetByDate.")] DateOnly? PlannedDate = null,
        [property: Description("The plan to meet it, when the claim is WillMeetByDate.")] string? Plan = null);

    public sealed record ShareBody([property: Description("The NHS organisation's ODS code, for example RX1.")] string OdsCode);

    public static void MapEvidencePacksApi(this RouteGroupBuilder api)
    {
        var limits = ((IEndpointRouteBuilder)api).ServiceProvider.GetRequiredService<IOptions<EvidenceOptions>>().Value;
        var packs = api.MapGroup("/evidence-packs").WithTags(ApiDocumentation.Packs);
        packs.MapGet("/", ListAsync).WithName("ListEvidencePacks").Returns<IReadOnlyList<PackSummary>>()
            .WithSummary("List evidence packs")
            .WithDescription("Supplier account managers: your supplier's packs. NHS staff: the packs shared with your organisation now.");
        packs.MapPost("/", StartAsync).WithName("StartEvidencePack").WithSummary("Start an evidence pack (supplier account managers)")
            .WithDescription("Starts a pack for one of your product versions against a published catalogue version. One pack per version and catalogue version.")
            .Accepts<StartBody>("application/json")
            .Produces<PackView>(StatusCodes.Status201Created)
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().WithMetadata(new RequestSizeLimitAttribute(64 * 1024));
        packs.MapGet("/{packId}", GetAsync).WithName("GetEvidencePack").Returns<PackView>()
            .WithSummary("Read an evidence pack")
            .WithDescription("The pack's answers and evidence per requirement. Its ETag goes in If-Match when you change it. Only the owning supplier sees whom it is shared with; "
                + "an organisation sees it only while it is shared with them, and anyone else is told it does not exist.")
            .InvalidIdProblem().NotFoundProblem();
        packs.MapPut("/{packId}/answers/{code}", SaveAnswerAsync).WithName("SaveEvidencePackAnswer")
            .WithSummary("Save the pack's answer to one requirement (supplier account managers)")
            .WithDescription("Replaces the pack's answer to one requirement. Send the pack's ETag in If-Match: a change someone else made since gets 412 and nothing is lost.")
            .Accepts<AnswerBody>("application/json")
            .Returns<PackView>()
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems().WithMetadata(new RequestSizeLimitAttribute(64 * 1024));
        packs.MapPost("/{packId}/answers/{code}/evidence/links", AddLinkAsync).WithName("AddEvidencePackLink")
            .WithSummary("Add a link to the pack's answer (supplier account managers)")
            .WithDescription("Adds a web link as evidence for the pack's answer to one requirement. Send the pack's ETag in If-Match.")
            .Accepts<EvidenceApi.LinkBody>("application/json")
            .Produces<PackView>(StatusCodes.Status201Created)
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems().WithMetadata(new RequestSizeLimitAttribute(64 * 1024));
        packs.MapPost("/{packId}/answers/{code}/evidence/documents", AddDocumentAsync).WithName("AddEvidencePackDocument")
            .WithSummary("Upload a document to the pack's answer (supplier account managers)")
            .WithDescription($"Uploads a document as multipart/form-data, checked as an assessment's are: its type by its bytes ({DocumentTypes.AllowedExtensions}), "
                + $"its size (at most {limits.MaxFileBytes / 1024 / 1024} MB), its contents and the virus scanner. Send the pack's ETag in If-Match.")
            .Produces<PackView>(StatusCodes.Status201Created)
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems().TooLargeProblem().UnsupportedMediaTypeProblem().UnavailableProblem()
            .WithMetadata(new RequestSizeLimitAttribute(limits.MaxFileBytes + (64 * 1024)));
        packs.MapDelete("/{packId}/evidence/{evidenceId}", RemoveEvidenceAsync).WithName("RemoveEvidencePackEvidence")
            .WithSummary("Remove evidence from the pack (supplier account managers)")
            .WithDescription("Removes a link or document from the pack. Assessments already filled from the pack keep their own copies. Send the pack's ETag in If-Match.")
            .Returns<PackView>()
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().PreconditionProblems();
        packs.MapGet("/evidence/{evidenceId}/content", DownloadAsync).WithName("DownloadEvidencePackDocument")
            .WithSummary("Download a pack's document")
            .WithDescription("The document's bytes, for the owning supplier or an organisation the pack is shared with now.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .InvalidIdProblem().NotFoundProblem();
        packs.MapPost("/{packId}/shares", ShareAsync).WithName("ShareEvidencePack")
            .WithSummary("Share the pack with an NHS organisation (supplier account managers)")
            .WithDescription("Shares the pack with the organisation whose ODS code you give: its staff may read it, and you may fill its assessments of this product version from it. Audited.")
            .Accepts<ShareBody>("application/json")
            .Produces<PackShareView>(StatusCodes.Status201Created)
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().WithMetadata(new RequestSizeLimitAttribute(64 * 1024));
        packs.MapDelete("/{packId}/shares/{odsCode}", WithdrawAsync).WithName("WithdrawEvidencePackShare")
            .WithSummary("Withdraw the pack from an NHS organisation (supplier account managers)")
            .WithDescription("Withdraws the share at once: the organisation can no longer read the pack, and no assessment of theirs can be filled from it. Audited.")
            .Produces(StatusCodes.Status204NoContent)
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem();

        api.MapPost("/assessments/{assessmentId}/fill-from-pack", FillAsync).WithTags(ApiDocumentation.Packs).WithName("FillAssessmentFromPack")
            .WithSummary("Fill an assessment from the shared evidence pack (supplier account managers)")
            .WithDescription("Copies the answers and evidence of the pack for the assessment's product version, shared with the assessing organisation, into every requirement "
                + "not yet answered, with the pack's revision and date as provenance. Answers already given are kept; requirements the pack lacks are listed to answer.")
            .Returns<FillResult>()
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
    }

    private static async Task<IResult> ListAsync(HttpContext http, EvidencePackService packs) =>
        new ApiJson<IReadOnlyList<PackSummary>>(await packs.ListAsync(http.Caller(), http.RequestAborted));

    private static async Task<IResult> GetAsync([Description("The pack's id.")] int packId, HttpContext http, EvidencePackService packs) =>
        await packs.GetAsync(http.Caller(), packId, http.RequestAborted) is { } pack
            ? Json(pack)
            : ApiProblem.NotFound($"Evidence pack {packId}");

    private static Task<IResult> StartAsync(StartBody body, HttpContext http, EvidencePackService packs) =>
        packs.CreateAsync(http.Caller(), new EvidencePackService.PackStart(body.ProductVersionId, body.FrameworkVersionId), http.RequestAborted)
            .ToHttp(http, pack => Json(pack, StatusCodes.Status201Created));

    private static Task<IResult> SaveAnswerAsync(
        [Description("The pack's id.")] int packId, [Description("The requirement's id, for example P.1.")] string code, AnswerBody body, HttpContext http, EvidencePackService packs) =>
        packs.SaveAnswerAsync(http.Caller(), packId, code,
                new ResponseDraft(body.Claim, body.Narrative, body.NotApplicableJustification, body.PlannedDate, body.Plan), http.Request.ReadVersion(), http.RequestAborted)
            .ToHttp(http, pack => Json(pack));

    private static Task<IResult> AddLinkAsync(
        [Description("The pack's id.")] int packId, [Description("The requirement's id, for example P.1.")] string code, EvidenceApi.LinkBody body, HttpContext http,
        EvidencePackService packs) =>
        packs.AddLinkAsync(http.Caller(), packId, code, new EvidenceInput(body.Kind, body.Title, body.Url, body.EvidenceDate, body.ValidUntil), http.Request.ReadVersion(), http.RequestAborted)
            .ToHttp(http, pack => Json(pack, StatusCodes.Status201Created));

    private static async Task<IResult> AddDocumentAsync(
        [Description("The pack's id.")] int packId,
        [Description("The requirement's id, for example P.1.")] string code,
        [FromForm, Description("The document.")] IFormFile file,
        [FromForm, Description("A short title, for example \"Interface specification\".")] string title,
        [FromForm, Description("What kind of evidence the document is.")] EvidenceItemKind kind,
        [FromForm, Description("When the document was issued, as yyyy-mm-dd; not in the future.")] DateOnly evidenceDate,
        [FromForm, Description("Until when the evidence holds, as yyyy-mm-dd.")] DateOnly? validUntil,
        HttpContext http,
        EvidencePackService packs)
    {
        await using var content = file.OpenReadStream();
        return await packs.AddDocumentAsync(http.Caller(), packId, code, new EvidenceInput(kind, title, null, evidenceDate, validUntil), file.FileName, content,
                http.Request.ReadVersion(), http.RequestAborted)
            .ToHttp(http, pack => Json(pack, StatusCodes.Status201Created));
    }

    private static Task<IResult> RemoveEvidenceAsync(
        [Description("The pack's id.")] int packId, [Description("The evidence's id.")] int evidenceId, HttpContext http, EvidencePackService packs) =>
        packs.RemoveEvidenceAsync(http.Caller(), packId, evidenceId, http.Request.ReadVersion(), http.RequestAborted).ToHttp(http, pack => Json(pack));

    private static async Task<IResult> DownloadAsync([Description("The evidence's id.")] int evidenceId, HttpContext http, EvidencePackService packs)
    {
        var document = await packs.OpenDocumentAsync(http.Caller(), evidenceId, http.RequestAborted);
        if (document is null)
        {
            return ApiProblem.NotFound($"Evidence pack document {evidenceId}");
        }

        http.Response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(document.Content, document.ContentType, document.FileName, enableRangeProcessing: false);
    }

    private static Task<IResult> ShareAsync([Description("The pack's id.")] int packId, ShareBody body, HttpContext http, EvidencePackService packs) =>
        packs.ShareAsync(http.Caller(), packId, body.OdsCode, http.RequestAborted)
            .ToHttp(http, share => new ApiJson<PackShareView>(share, statusCode: StatusCodes.Status201Created, location: $"{ApiSetup.Prefix}/evidence-packs/{packId}"));

    private static Task<IResult> WithdrawAsync(
        [Description("The pack's id.")] int packId, [Description("The organisation's ODS code.")] string odsCode, HttpContext http, EvidencePackService packs) =>
        packs.WithdrawShareAsync(http.Caller(), packId, odsCode, http.RequestAborted).ToHttp(http, () => TypedResults.NoContent());

    private static Task<IResult> FillAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, PackFillService fill) =>
        fill.FillAsync(http.Caller(), assessmentId, http.RequestAborted).ToHttp(http, result => new ApiJson<FillResult>(result));

    private static ApiJson<PackView> Json(PackView pack, int status = StatusCodes.Status200OK) =>
        new(pack, ETags.Of(pack.ConcurrencyStamp), status, status == StatusCodes.Status201Created ? $"{ApiSetup.Prefix}/evidence-packs/{pack.Id}" : null);
}
