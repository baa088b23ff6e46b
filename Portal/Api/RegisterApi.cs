using System.ComponentModel;
using System.Globalization;
using CsvHelper;
using Portal.Features;
using Portal.Features.Register;

namespace Portal.Api;

/// <summary>
/// The public register as open data (anonymous, limited per client address, cacheable for a minute), and an
/// organisation's choice to publish an assessment on it (signed in, through the same service as the page).
/// </summary>
public static class RegisterApi
{
    public sealed record RegisterEntry(
        string Supplier,
        string Product,
        [property: Description("The product version's label, as the supplier gives it.")] string Version,
        [property: Description("meets, meets-with-plan, signed-off-with-conditions or signed-off-with-unmet-must.")] string Status,
        [property: Description("The status in words, as the register page shows it.")] string StatusText,
        [property: Description("For meets-with-plan: the latest date the accepted work-off plans run to.")] DateOnly? WorkOffPlanTo,
        [property: Description("The policy catalogue the assessment used.")] string Catalogue,
        string CatalogueVersion,
        DateOnly SignedOffOn,
        [property: Description("The NHS organisation that assessed the version and published its status.")] string Organisation,
        string OrganisationOdsCode);

    public sealed record PublicationState(
        [property: Description("Whether the assessment's status is on the public register now.")] bool Published,
        DateTime? PublishedAt,
        [property: Description("Whether you may publish or withdraw it now.")] bool MayChange,
        [property: Description("Why you may not, when you may not.")] string? WhyNot);

    private static readonly string[] CsvHeader =
        ["supplier", "product", "version", "status", "status_text", "work_off_plan_to", "catalogue", "catalogue_version", "signed_off_on", "organisation", "organisation_ods_code"];

    /// <summary>The anonymous open data: outside the signed-in group, each call counted against its client address.</summary>
    public static void MapPublicRegisterApi(this IEndpointRouteBuilder app)
    {
        var open = app.MapGroup(ApiSetup.Prefix).WithTags(ApiDocumentation.Register).AllowAnonymous().DisableAntiforgery()
            .AddEndpointFilter(ApiFairUse.LimitedByAddress(AddressLimited.OpenData));
        open.MapGet("/register", PageAsync).WithName("GetRegister").Returns<ItemsPage<RegisterEntry>>().WithSummary("Get the public register (no sign-in)")
            .WithDescription("The public, status-only register of Open API conformance, a page at a time, in supplier, product and version order: for each "
                + "signed-off assessment an NHS organisation chose to publish, the product version, its status, the catalogue version, the sign-off date and "
                + "the organisation. Never answers, evidence, scores, comments or names. No token is needed; calls are limited per client address.")
            .ValidationProblem();
        open.MapGet("/register.csv", CsvAsync).WithName("GetRegisterCsv").WithSummary("Download the whole public register as CSV (no sign-in)")
            .WithDescription("Every register entry (or those matching search) as CSV, streamed: " + string.Join(", ", CsvHeader) + ".")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv");
    }

    /// <summary>An organisation's own choice for one assessment: the signed-in API, through the register service.</summary>
    public static void MapRegisterApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/assessments/{assessmentId}/register").WithTags(ApiDocumentation.Register);
        group.MapGet("/", GetAsync).WithName("GetRegisterPublication").Returns<PublicationState>().WithSummary("Whether an assessment is on the public register")
            .WithDescription("For NHS staff of the assessing organisation: whether the assessment's status is published, and whether you may change that.")
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem();
        group.MapPut("/", PublishAsync).WithName("PublishToRegister").WithSummary("Publish an assessment's status on the public register")
            .WithDescription("The assessment's procurement officer or a CCIO sign-off reviewer of its organisation publishes a signed-off assessment that names a product "
                + "version. Only its status is published. Audited.")
            .Produces(StatusCodes.Status204NoContent)
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
        group.MapDelete("/", WithdrawAsync).WithName("WithdrawFromRegister").WithSummary("Withdraw an assessment from the public register")
            .WithDescription("Takes the assessment's status off the public register at once. The same people as publish it may. Audited.")
            .Produces(StatusCodes.Status204NoContent)
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
    }

    private static async Task<IResult> PageAsync(
        [Description("Words in the supplier's or the product's name.")] string? search,
        [Description("The page number, from 1 (default 1).")] int? page,
        [Description("Items per page, 1 to 100 (default 25).")] int? pageSize,
        HttpContext http,
        RegisterService register)
    {
        if (ApiPaging.Check(page, pageSize) is { } invalid)
        {
            return invalid;
        }

        var found = await register.PageAsync(search, page ?? 1, pageSize ?? ApiPaging.DefaultPageSize, http.RequestAborted);
        Cacheable(http);
        return new ApiJson<ItemsPage<RegisterEntry>>(new ItemsPage<RegisterEntry>(found.Entries.Select(Json).ToList(), found.PageNumber, found.PageSize, found.Total));
    }

    private static async Task CsvAsync([Description("Words in the supplier's or the product's name.")] string? search, HttpContext http, RegisterService register)
    {
        Cacheable(http);
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"open-api-register.csv\"";
        // The writer is synchronous, so rows are written to a buffer and sent a batch at a time: the register is streamed
        // whole without holding it in memory.
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using var csv = CsvWriter.Create(text, SpreadsheetText.CsvOptions, leaveOpen: true);
        csv.WriteHeader(CsvHeader);
        var rows = 0;
        await foreach (var e in register.ListAllAsync(search, http.RequestAborted))
        {
            csv.WriteRecord(
            [
                e.Supplier, e.Product, e.Version, e.Status.Code, e.Status.Text, e.Status.PlanDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? string.Empty,
                e.Catalogue, e.CatalogueVersion, e.SignedOffOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), e.Organisation, e.OrganisationOdsCode,
            ]);
            if (++rows % 500 == 0)
            {
                await SendAsync(http, csv, text);
            }
        }

        await SendAsync(http, csv, text);
    }

    private static async Task SendAsync(HttpContext http, CsvWriter csv, StringWriter text)
    {
        csv.Flush();
        await http.Response.WriteAsync(text.ToString(), http.RequestAborted);
        text.GetStringBuilder().Clear();
    }

    private static Task<IResult> GetAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, RegisterService register) =>
        register.FindAsync(http.Caller(), assessmentId, http.RequestAborted)
            .ToHttp(http, p => new ApiJson<PublicationState>(new PublicationState(p.IsPublished, p.PublishedAt, p.MayChange, p.WhyNot)));

    private static Task<IResult> PublishAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, RegisterService register) =>
        register.PublishAsync(http.Caller(), assessmentId, http.RequestAborted).ToHttp(http, () => TypedResults.NoContent());

    private static Task<IResult> WithdrawAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, RegisterService register) =>
        register.WithdrawAsync(http.Caller(), assessmentId, http.RequestAborted).ToHttp(http, () => TypedResults.NoContent());

    private static RegisterEntry Json(RegisterService.Entry e) => new(
        e.Supplier, e.Product, e.Version, e.Status.Code, e.Status.Text, e.Status.PlanDate, e.Catalogue, e.CatalogueVersion, e.SignedOffOn,
        e.Organisation, e.OrganisationOdsCode);

    /// <summary>Open data changes when an organisation publishes or withdraws: a minute's caching keeps withdrawal prompt.</summary>
    private static void Cacheable(HttpContext http) => http.Response.Headers.CacheControl = "public, max-age=60";
}
