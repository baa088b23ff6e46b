using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using Portal.Data.Policy;
using Portal.Features.Policy;

namespace Portal.Api;

/// <summary>The policy catalogue: frameworks, their versions and requirements; importing a version for administrators.</summary>
public static class CatalogueApi
{
    public sealed record FrameworkItem(
        [property: Description("The framework's stable key, for example open-api-policy.")] string Key,
        [property: Description("The framework's name.")] string Name,
        [property: Description("Its versions, newest first.")] IReadOnlyList<VersionItem> Versions);

    public sealed record VersionItem(
        [property: Description("The version's id, used in the other catalogue addresses.")] int Id,
        [property: Description("The framework's name.")] string Framework,
        [property: Description("The version's label, for example 2014-05.")] string Label,
        [property: Description("Draft (administrators only), Published (new assessments use it) or Retired (kept for assessments pinned to it).")] FrameworkVersionStatus Status,
        DateTime ImportedAt,
        DateTime? PublishedAt,
        DateTime? RetiredAt,
        int RequirementCount);

    public sealed record SectionItem(string Code, string Title, string Source, string Summary);

    public sealed record VersionDetail(
        int Id, string FrameworkKey, string Framework, string Publisher, string Label, FrameworkVersionStatus Status,
        DateTime ImportedAt, DateTime? PublishedAt, int RequirementCount, IReadOnlyList<SectionItem> Sections);

    public sealed record Standings(RouteStanding? Procure, RouteStanding? Develop, RouteStanding? Upgrade);

    public sealed record RequirementItem(
        [property: Description("The requirement's id in the policy, for example P.1 or C.3.")] string Code,
        [property: Description("The section it belongs to.")] string Section,
        int Order,
        string Title,
        [property: Description("What the policy asks, in plain English.")] string Statement,
        string Guidance,
        [property: Description("Must or Should, from the policy's own verb.")] Obligation Obligation,
        [property: Description("The parties the policy makes responsible.")] IReadOnlyList<string> Responsible,
        [property: Description("The kinds of evidence a supplier is expected to give.")] IReadOnlyList<string> EvidenceKinds,
        [property: Description("What the requirement is on each route: ContractRequirement, Expectation or NegotiationGuidance; null where it does not apply.")] Standings Standings,
        [property: Description("The conditions that bring it into scope; empty when it always applies.")] IReadOnlyList<string> Conditions);

    public sealed record RequirementDetailItem(RequirementItem Requirement, int VersionId, string VersionLabel, string SectionTitle, string Source, IReadOnlyList<string> Related);

    public sealed record ImportedDraft(
        [property: Description("The id of the draft version; publish it with POST /api/v1/versions/{versionId}/publish.")] int DraftVersionId,
        string Framework, string Label, int RequirementCount,
        [property: Description("The published version it was compared with, if any.")] string? ComparedWith,
        [property: Description("Requirement ids added, changed and removed against that version.")] IReadOnlyList<string> Added,
        IReadOnlyList<string> Changed,
        IReadOnlyList<string> Removed);

    public static void MapCatalogueApi(this RouteGroupBuilder api)
    {
        var frameworks = api.MapGroup("/frameworks").WithTags(ApiDocumentation.Catalogue);
        frameworks.MapGet("/", ListFrameworksAsync).WithName("ListFrameworks").Returns<IReadOnlyList<FrameworkItem>>().WithSummary("List frameworks and their versions")
            .WithDescription("Every framework in the catalogue with its versions. Drafts are listed for administrators only.");

        var versions = api.MapGroup("/versions").WithTags(ApiDocumentation.Catalogue);
        versions.MapGet("/current", CurrentAsync).WithName("GetCurrentVersion").Returns<VersionDetail>().WithSummary("Get the current version")
            .WithDescription("The newest published version, which new assessments start on, with its sections.")
            .NotFoundProblem();
        versions.MapGet("/{versionId}", VersionAsync).WithName("GetVersion").Returns<VersionDetail>().WithSummary("Get a version")
            .WithDescription("A catalogue version with its sections.").InvalidIdProblem().NotFoundProblem();
        versions.MapGet("/{versionId}/requirements", RequirementsAsync).WithName("ListRequirements").Returns<ItemsPage<RequirementItem>>().WithSummary("List a version's requirements")
            .WithDescription("The requirements of a version in catalogue order, a page at a time, optionally filtered by section or obligation.")
            .InvalidIdProblem().NotFoundProblem();
        versions.MapGet("/{versionId}/requirements/{code}", RequirementAsync).WithName("GetRequirement").Returns<RequirementDetailItem>().WithSummary("Get a requirement")
            .WithDescription("One requirement with its guidance, where it applies, its source in the policy and the requirements related to it.")
            .InvalidIdProblem().NotFoundProblem();
        versions.MapPost("/", ImportAsync).WithName("ImportVersion").WithSummary("Import a catalogue version as a draft (administrators)")
            .WithDescription("Sends a revised catalogue file (the JSON shape of a version's catalogue.json download, or the YAML catalogue) as the request body. "
                + "It is validated and kept as a draft, compared with the published version, and changes nothing until it is published. At most 2 MB.")
            .Accepts<string>("application/json", "application/yaml", "application/x-yaml", "text/yaml")
            .Produces<ImportedDraft>(StatusCodes.Status201Created)
            .ValidationProblem().ForbiddenProblem().ConflictProblem().TooLargeProblem().UnsupportedMediaTypeProblem()
            .WithMetadata(new RequestSizeLimitAttribute(CatalogueImportService.MaxFileBytes));
        versions.MapPost("/{versionId}/publish", PublishAsync).WithName("PublishVersion").Returns<VersionDetail>().WithSummary("Publish a draft version (administrators)")
            .WithDescription("Publishes a draft: new assessments start on it, and the version it replaces is retired (assessments pinned to it keep it).")
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
    }

    private static async Task<IResult> ListFrameworksAsync(HttpContext http, PolicyCatalogueService catalogue)
    {
        var rows = await catalogue.ListVersionsAsync(http.Caller(), http.RequestAborted);
        var items = rows.GroupBy(r => (r.FrameworkKey, r.FrameworkName))
            .Select(g => new FrameworkItem(g.Key.FrameworkKey, g.Key.FrameworkName, g.Select(Item).ToList()))
            .ToList();
        return new ApiJson<IReadOnlyList<FrameworkItem>>(items);
    }

    private static async Task<IResult> CurrentAsync(HttpContext http, PolicyCatalogueService catalogue) =>
        await catalogue.CurrentVersionAsync(http.Caller(), http.RequestAborted) is { } version
            ? new ApiJson<VersionDetail>(Detail(version))
            : ApiProblem.NotFound("A published catalogue version");

    private static async Task<IResult> VersionAsync([Description("The catalogue version's id.")] int versionId, HttpContext http, PolicyCatalogueService catalogue) =>
        await catalogue.VersionAsync(http.Caller(), versionId, http.RequestAborted) is { } version
            ? new ApiJson<VersionDetail>(Detail(version))
            : ApiProblem.NotFound($"Catalogue version {versionId}");

    private static async Task<IResult> RequirementsAsync(
        [Description("The catalogue version's id.")] int versionId,
        [Description("Only requirements of this section, by its code (for example P or C).")] string? section,
        [Description("Only Must or only Should requirements.")] Obligation? obligation,
        [Description("The page number, from 1 (default 1).")] int? page,
        [Description("Items per page, 1 to 100 (default 25).")] int? pageSize,
        HttpContext http,
        PolicyCatalogueService catalogue)
    {
        if (ApiPaging.Check(page, pageSize) is { } invalid)
        {
            return invalid;
        }

        var caller = http.Caller();
        if (await catalogue.VersionAsync(caller, versionId, http.RequestAborted) is null)
        {
            return ApiProblem.NotFound($"Catalogue version {versionId}");
        }

        var all = (await catalogue.RequirementsAsync(caller, versionId, http.RequestAborted))
            .Where(r => section is null || string.Equals(r.SectionCode, section, StringComparison.OrdinalIgnoreCase))
            .Where(r => obligation is null || r.Obligation == obligation)
            .Select(Item)
            .ToList();
        return new ApiJson<ItemsPage<RequirementItem>>(ApiPaging.Of(all, page, pageSize));
    }

    private static async Task<IResult> RequirementAsync(
        [Description("The catalogue version's id.")] int versionId,
        [Description("The requirement's id, for example P.1.")] string code,
        HttpContext http,
        PolicyCatalogueService catalogue) =>
        await catalogue.RequirementAsync(http.Caller(), versionId, code, http.RequestAborted) is { } detail
            ? new ApiJson<RequirementDetailItem>(new RequirementDetailItem(
                Item(detail.Requirement), detail.VersionId, detail.VersionLabel, detail.SectionTitle, detail.Source, detail.Related.Select(r => r.Code).ToList()))
            : ApiProblem.NotFound($"Requirement {code} of catalogue version {versionId}");

    private static async Task<IResult> ImportAsync(HttpContext http, CatalogueImportService import)
    {
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var fileName = mediaType switch
        {
            "application/json" => "catalogue.json",
            "application/yaml" or "application/x-yaml" or "text/yaml" => "catalogue.yaml",
            _ => null,
        };
        if (fileName is null)
        {
            return TypedResults.Problem("Send the catalogue as 'Content-Type: application/json' or 'application/yaml'.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        return await import.ImportDraftAsync(http.Caller(), fileName, buffer.ToArray(), http.RequestAborted).ToHttp(http, preview => new ApiJson<ImportedDraft>(
            new ImportedDraft(preview.DraftVersionId, preview.FrameworkName, preview.Label, preview.RequirementCount, preview.ComparedWith,
                preview.Diff.Added.Select(r => r.Code).ToList(), preview.Diff.Changed.Select(r => r.Code).ToList(), preview.Diff.Removed.Select(r => r.Code).ToList()),
            statusCode: StatusCodes.Status201Created,
            location: $"{ApiSetup.Prefix}/versions/{preview.DraftVersionId}"));
    }

    private static Task<IResult> PublishAsync([Description("The draft version's id.")] int versionId, HttpContext http, CatalogueImportService import) =>
        import.PublishAsync(http.Caller(), versionId, cancellationToken: http.RequestAborted).ToHttp(http, version => new ApiJson<VersionDetail>(Detail(version)));

    private static VersionItem Item(VersionRow v) =>
        new(v.Id, v.FrameworkName, v.Label, v.Status, v.ImportedAt, v.PublishedAt, v.RetiredAt, v.RequirementCount);

    private static VersionDetail Detail(VersionSummary v) => new(
        v.Id, v.FrameworkKey, v.FrameworkName, v.Publisher, v.Label, v.Status, v.ImportedAt, v.PublishedAt, v.RequirementCount,
        v.Sections.Select(s => new SectionItem(s.Code, s.Title, s.Source, s.Summary)).ToList());

    private static RequirementItem Item(RequirementListItem r) => new(
        r.Code, r.SectionCode, r.Order, r.Title, r.Statement, r.Guidance, r.Obligation,
        ApiPaging.Flags(r.Actors), ApiPaging.Flags(r.Evidence),
        new Standings(r.ProcureStanding, r.DevelopStanding, r.UpgradeStanding),
        ApiPaging.Flags(r.Conditions));
}
