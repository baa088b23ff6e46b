using Portal.Auth;

namespace Portal.Features.Evidence;

public static class EvidenceDownloadEndpoints
{
    /// <summary>
    /// Documents are only ever served through here: the caller must be allowed to see the assessment, and the file
    /// goes out as an attachment with the allow-listed content type (never the uploader's) and nosniff.
    /// </summary>
    public static IEndpointRouteBuilder MapEvidenceDownloads(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/evidence/{evidenceId:int}/download", async (int evidenceId, HttpContext http, CallerResolver callers, EvidenceWorkspaceService evidence) =>
        {
            var caller = await callers.ResolveAsync(http.User, http.RequestAborted);
            var document = caller is null ? null : await evidence.OpenDocumentAsync(caller, evidenceId, http.RequestAborted);
            if (document is null)
            {
                return Results.NotFound();
            }

            http.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.File(document.Content, document.ContentType, document.FileName, enableRangeProcessing: false);
        }).RequireAuthorization();
        endpoints.MapGet("/packs/evidence/{evidenceId:int}/download", async (int evidenceId, HttpContext http, CallerResolver callers, EvidencePacks.EvidencePackService packs) =>
        {
            var caller = await callers.ResolveAsync(http.User, http.RequestAborted);
            var document = caller is null ? null : await packs.OpenDocumentAsync(caller, evidenceId, http.RequestAborted);
            if (document is null)
            {
                return Results.NotFound();
            }

            http.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.File(document.Content, document.ContentType, document.FileName, enableRangeProcessing: false);
        }).RequireAuthorization();
        return endpoints;
    }
}
