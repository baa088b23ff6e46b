using System.Text;
using Portal.Auth;
using Portal.Data.Policy.Catalogue;

namespace Portal.Features.Policy;

public static class CatalogueExportEndpoints
{
    /// <summary>Downloads of a catalogue version, checked by the same service (and rules) as the library pages.</summary>
    public static IEndpointRouteBuilder MapCatalogueExports(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/policy/versions/{versionId:int}").RequireAuthorization();
        group.MapGet("/catalogue.json", (int versionId, HttpContext http, CallerResolver callers, PolicyCatalogueService catalogue) =>
            ExportAsync(versionId, http, callers, catalogue, "json"));
        group.MapGet("/catalogue.csv", (int versionId, HttpContext http, CallerResolver callers, PolicyCatalogueService catalogue) =>
            ExportAsync(versionId, http, callers, catalogue, "csv"));
        return endpoints;
    }

    private static async Task<IResult> ExportAsync(int versionId, HttpContext http, CallerResolver callers, PolicyCatalogueService catalogue, string format)
    {
        var caller = await callers.ResolveAsync(http.User, http.RequestAborted);
        if (caller is null || caller.Roles.Count == 0)
        {
            return Results.Forbid();
        }

        var document = await catalogue.ExportAsync(caller, versionId, http.RequestAborted);
        if (document is null)
        {
            return Results.NotFound();
        }

        var fileName = $"{document.Framework.Key}-{document.Version}.{format}";
        return format == "json"
            ? Results.File(Encoding.UTF8.GetBytes(CatalogueJson.Write(document)), "application/json", fileName)
            : Results.File(Encoding.UTF8.GetBytes(CatalogueCsv.Write(document)), "text/csv", fileName);
    }
}
