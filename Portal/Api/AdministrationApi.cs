using System.ComponentModel;
using Portal.Data.AccessTokens;
using Portal.Data.Organisations;
using Portal.Features.AccessTokens;
using Portal.Features.Administration;
using Portal.Features.Dashboards;
using Portal.Features.Policy;

namespace Portal.Api;

/// <summary>
/// What administrators do on the people and organisations page (link people, deactivate them, add organisations and
/// suppliers), discarding a draft catalogue version, recalculating scores, and revoking your own access tokens.
/// </summary>
public static class AdministrationApi
{
    public sealed record Person(
        int UserId, string DisplayName, string Email, string? Role, int? NhsOrganisationId, string? OrganisationName, int? SupplierId, string? SupplierName,
        bool IsActive, DateTime? LastSignedInAt,
        [property: Description("The ETag to send in If-Match when linking or deactivating the person.")] string ETag);

    public sealed record Organisation(
        int Id, string OdsCode, string Name, NhsOrganisationKind Kind, int People,
        [property: Description("The ODS code of the integrated care board the organisation belongs to; null when it has none.")] string? ParentOdsCode,
        [property: Description("The name of that integrated care board.")] string? ParentName,
        [property: Description("The ETag to send in If-Match when setting the organisation's parent.")] string ETag);

    public sealed record ParentBody(
        [property: Description("The ODS code of the integrated care board the organisation belongs to; null or empty for none.")] string? ParentOdsCode);

    public sealed record Supplier(int Id, string Name, string? CompanyNumber, int People);

    public sealed record LinkBody(
        [property: Description("The NHS organisation the person works for; null when they act for a supplier.")] int? NhsOrganisationId = null,
        [property: Description("The supplier the person acts for; null when they work for an NHS organisation.")] int? SupplierId = null);

    public sealed record ActiveBody([property: Description("False to stop the person signing in; true to let them again.")] bool Active);

    public sealed record OrganisationBody(
        [property: Description("The organisation's ODS code, for example RXX.")] string? OdsCode,
        string? Name,
        [property: Description("What kind of NHS organisation it is.")] NhsOrganisationKind Kind);

    public sealed record SupplierBody(string? Name, [property: Description("The Companies House number, if any.")] string? CompanyNumber = null);

    public sealed record Created([property: Description("The new record's id.")] int Id);

    public sealed record Recalculated([property: Description("How many assessments' stored scores were recalculated.")] int Assessments);

    public sealed record Token(int Id, string Name, [property: Description("The token's last characters, to recognise it by.")] string Hint, TokenScope Scope,
        DateTime CreatedAt, DateTime ExpiresAt, DateTime? LastUsedAt, DateTime? RevokedAt);

    public static void MapAdministrationApi(this RouteGroupBuilder api)
    {
        var admin = api.MapGroup("/administration").WithTags(ApiDocumentation.Administration);
        admin.MapGet("/people", PeopleAsync).WithName("ListPeople").Returns<IReadOnlyList<Person>>().WithSummary("List people (administrators)")
            .WithDescription("Everyone who has signed in, with their role, organisation or supplier, and whether they may sign in.").ForbiddenProblem();
        admin.MapPut("/people/{userId}/link", LinkAsync).WithName("LinkPerson").Produces(StatusCodes.Status204NoContent)
            .WithSummary("Link a person to an organisation or supplier (administrators)")
            .WithDescription("Links a person to the NHS organisation they work for or the supplier they act for (one, not both). Send the person's ETag (from GET .../people) in If-Match.")
            .Accepts<LinkBody>("application/json").ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems();
        admin.MapPut("/people/{userId}/active", ActiveAsync).WithName("SetPersonActive").Produces(StatusCodes.Status204NoContent)
            .WithSummary("Deactivate or reactivate a person (administrators)")
            .WithDescription("A deactivated person cannot sign in, and their access tokens stop working. Send the person's ETag (from GET .../people) in If-Match.")
            .Accepts<ActiveBody>("application/json").ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems();
        admin.MapGet("/organisations", OrganisationsAsync).WithName("ListOrganisations").Returns<IReadOnlyList<Organisation>>().WithSummary("List NHS organisations (administrators)")
            .WithDescription("The NHS organisations people can be linked to.").ForbiddenProblem();
        admin.MapPost("/organisations", AddOrganisationAsync).WithName("AddOrganisation").WithSummary("Add an NHS organisation (administrators)")
            .WithDescription("Adds an NHS organisation by its ODS code and name.")
            .Accepts<OrganisationBody>("application/json").Produces<Created>(StatusCodes.Status201Created)
            .ValidationProblem().ForbiddenProblem().ConflictProblem();
        admin.MapPut("/organisations/{organisationId}/parent", SetParentAsync).WithName("SetOrganisationParent").Produces(StatusCodes.Status204NoContent)
            .WithSummary("Put an organisation under an integrated care board (administrators)")
            .WithDescription("Sets the integrated care board (by ODS code) that an NHS trust or other body belongs to, or none. The parent must be an ICB; an ICB has no parent. "
                + "The ICB's dashboard totals its members' figures from its next visit, without access to their assessments. Send the organisation's ETag (from GET .../organisations) in If-Match.")
            .Accepts<ParentBody>("application/json").InvalidIdProblem().ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems();
        admin.MapGet("/suppliers", SuppliersAsync).WithName("ListSuppliers").Returns<IReadOnlyList<Supplier>>().WithSummary("List suppliers (administrators)")
            .WithDescription("The suppliers people can be linked to and assessments can be of.").ForbiddenProblem();
        admin.MapPost("/suppliers", AddSupplierAsync).WithName("AddSupplier").WithSummary("Add a supplier (administrators)")
            .WithDescription("Adds a supplier by name and, optionally, Companies House number.")
            .Accepts<SupplierBody>("application/json").Produces<Created>(StatusCodes.Status201Created)
            .ValidationProblem().ForbiddenProblem().ConflictProblem();

        api.MapDelete("/versions/{versionId}", DiscardAsync).WithTags(ApiDocumentation.Catalogue).WithName("DiscardVersion").Produces(StatusCodes.Status204NoContent)
            .WithSummary("Discard a draft version (administrators)")
            .WithDescription("Discards an imported draft that was never published. Published versions are never removed.")
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
        api.MapPost("/scores/recalculate", RecalculateAsync).WithTags(ApiDocumentation.Assessments).WithName("RecalculateScores").Returns<Recalculated>()
            .WithSummary("Recalculate your organisation's stored scores (NHS staff)")
            .WithDescription("Works out again the RAG status and percentages stored for the dashboard and lists, for your organisation's assessments.")
            .ForbiddenProblem();

        var tokens = api.MapGroup("/account/tokens").WithTags(ApiDocumentation.Account);
        tokens.MapGet("/", TokensAsync).WithName("ListAccessTokens").Returns<IReadOnlyList<Token>>().WithSummary("List your access tokens")
            .WithDescription("Your personal access tokens, without their secret. Tokens are created at /account/tokens in the portal, signed in, never through the API.");
        tokens.MapDelete("/{tokenId}", RevokeAsync).WithName("RevokeAccessToken").Produces(StatusCodes.Status204NoContent).WithSummary("Revoke one of your access tokens")
            .WithDescription("Revokes a token at once (the one you call with too, if you name it). Only your own tokens can be revoked.")
            .InvalidIdProblem().NotFoundProblem().ConflictProblem();
    }

    private static async Task<IResult> PeopleAsync(HttpContext http, AdministrationService administration) =>
        new ApiJson<IReadOnlyList<Person>>((await administration.ListPeopleAsync(http.Caller(), http.RequestAborted)).Select(p => new Person(
            p.UserId, p.DisplayName, p.Email, p.Role, p.NhsOrganisationId, p.OrganisationName, p.SupplierId, p.SupplierName, p.IsActive, p.LastSignedInAt,
            ETags.Of(p.ConcurrencyStamp))).ToList());

    private static Task<IResult> LinkAsync([Description("The person's id.")] int userId, LinkBody body, HttpContext http, AdministrationService administration) =>
        administration.LinkPersonAsync(http.Caller(), userId, body.NhsOrganisationId, body.SupplierId, http.Request.ReadVersion(), http.RequestAborted)
            .ToHttp(http, () => TypedResults.NoContent());

    private static Task<IResult> ActiveAsync([Description("The person's id.")] int userId, ActiveBody body, HttpContext http, AdministrationService administration) =>
        administration.SetActiveAsync(http.Caller(), userId, body.Active, http.Request.ReadVersion(), http.RequestAborted).ToHttp(http, () => TypedResults.NoContent());

    private static async Task<IResult> OrganisationsAsync(HttpContext http, AdministrationService administration) =>
        new ApiJson<IReadOnlyList<Organisation>>((await administration.ListOrganisationsAsync(http.Caller(), http.RequestAborted))
            .Select(o => new Organisation(o.Id, o.OdsCode, o.Name, o.Kind, o.People, o.ParentOdsCode, o.ParentName, ETags.Of(o.ConcurrencyStamp))).ToList());

    private static Task<IResult> SetParentAsync([Description("The organisation's id.")] int organisationId, ParentBody body, HttpContext http, AdministrationService administration) =>
        administration.SetParentAsync(http.Caller(), organisationId, body.ParentOdsCode, http.Request.ReadVersion(), http.RequestAborted)
            .ToHttp(http, () => TypedResults.NoContent());

    private static Task<IResult> AddOrganisationAsync(OrganisationBody body, HttpContext http, AdministrationService administration) =>
        administration.AddOrganisationAsync(http.Caller(), body.OdsCode, body.Name, body.Kind, http.RequestAborted)
            .ToHttp(http, id => new ApiJson<Created>(new Created(id), statusCode: StatusCodes.Status201Created, location: $"{ApiSetup.Prefix}/administration/organisations"));

    private static async Task<IResult> SuppliersAsync(HttpContext http, AdministrationService administration) =>
        new ApiJson<IReadOnlyList<Supplier>>((await administration.ListSuppliersAsync(http.Caller(), http.RequestAborted))
            .Select(s => new Supplier(s.Id, s.Name, s.CompanyNumber, s.People)).ToList());

    private static Task<IResult> AddSupplierAsync(SupplierBody body, HttpContext http, AdministrationService administration) =>
        administration.AddSupplierAsync(http.Caller(), body.Name, body.CompanyNumber, http.RequestAborted)
            .ToHttp(http, id => new ApiJson<Created>(new Created(id), statusCode: StatusCodes.Status201Created, location: $"{ApiSetup.Prefix}/administration/suppliers"));

    private static Task<IResult> DiscardAsync([Description("The draft version's id.")] int versionId, HttpContext http, CatalogueImportService import) =>
        import.DiscardAsync(http.Caller(), versionId, http.RequestAborted).ToHttp(http, () => TypedResults.NoContent());

    private static Task<IResult> RecalculateAsync(HttpContext http, DashboardService dashboards) =>
        dashboards.RecalculateAsync(http.Caller(), http.RequestAborted).ToHttp(http, count => new ApiJson<Recalculated>(new Recalculated(count)));

    private static async Task<IResult> TokensAsync(HttpContext http, AccessTokenService tokens) =>
        new ApiJson<IReadOnlyList<Token>>((await tokens.ListAsync(http.Caller(), http.RequestAborted))
            .Select(t => new Token(t.Id, t.Name, t.Hint, t.Scope, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt)).ToList());

    private static Task<IResult> RevokeAsync([Description("The token's id.")] int tokenId, HttpContext http, AccessTokenService tokens) =>
        tokens.RevokeAsync(http.Caller(), tokenId, http.RequestAborted).ToHttp(http, () => TypedResults.NoContent());
}
