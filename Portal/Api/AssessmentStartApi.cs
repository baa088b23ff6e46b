using System.ComponentModel;
using Portal.Data.Assessments;
using Portal.Data.Policy;
using Portal.Features;
using Portal.Features.Assessments;

namespace Portal.Api;

/// <summary>
/// The guided start of a draft assessment, step by step as the portal's start page: route, system, conditions,
/// significant functions, scope (with the officer's own changes), and confirming it; and a competing bid.
/// </summary>
public static class AssessmentStartApi
{
    public sealed record Outstanding(
        [property: Description("The field or step that still needs something.")] string Field,
        string Message);

    public sealed record StepResult(
        [property: Description("Whether the step is complete, so the start can move on.")] bool Complete,
        [property: Description("What the step still needs, field by field; empty when complete.")] IReadOnlyList<Outstanding> Outstanding);

    public sealed record FunctionDraft(
        [property: Description("The function's name, for example \"Book an appointment\".")] string? Name,
        string? Description = null);

    public sealed record SystemBody(
        string? SystemName,
        [property: Description("The supplier being assessed, by id (from the suppliers in GET .../start).")] int? SupplierId,
        string? ProductName = null,
        string? ProductVersion = null,
        string? Description = null,
        string? ProcurementReference = null,
        [property: Description("When the supplier's answers are due.")] DateOnly? ResponseDueDate = null,
        DateOnly? ContractDate = null);

    public sealed record RouteBody([property: Description("Procure, Develop or Upgrade.")] AssessmentRoute Route);

    public sealed record ConditionsBody(
        [property: Description("The conditions that hold for this system: ConfidentialPatientData, AnonymousUse, ChargeableUse, ThirdPartyHosting; empty when none do.")]
        IReadOnlyList<ScopeConditions> Conditions);

    public sealed record FunctionsBody(
        [property: Description("The significant business functions the supplier must expose through an API (policy P.1 and C.1).")] IReadOnlyList<FunctionDraft> Functions);

    public sealed record ExcludeBody([property: Description("Why the requirement does not apply, at least 10 characters; NHS staff see it.")] string? Justification);

    public sealed record AddRequirementBody([property: Description("The requirement's id in the assessment's catalogue version, for example S.4.")] string Code);

    public sealed record SupplierChoice(int Id, string Name);

    public sealed record StartState(
        int Id, string Reference, AssessmentStatus Status, string VersionLabel, string FrameworkName,
        AssessmentRoute? Route,
        IReadOnlyList<string> Conditions,
        bool ConditionsConfirmed,
        SystemBody System,
        IReadOnlyList<FunctionDraft> Functions,
        IReadOnlyList<AssessmentsApi.ScopeItem> Scope,
        bool ScopeReviewed,
        [property: Description("The furthest step reached: Route, System, Conditions, Functions, Scope or Confirm.")] StartStep StepReached,
        [property: Description("Whether the start is confirmed, so a supplier can be invited.")] bool Confirmed,
        [property: Description("The suppliers to choose from.")] IReadOnlyList<SupplierChoice> Suppliers,
        [property: Description("What each step still needs before the start can be confirmed.")] IReadOnlyList<Outstanding> Outstanding);

    public sealed record CompetingBid([property: Description("The new draft's id.")] int AssessmentId);

    public static void MapAssessmentStartApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/assessments/{assessmentId}").WithTags(ApiDocumentation.AssessmentStart);
        const string Officers = " Procurement officers of the assessing organisation, while the assessment is a draft.";
        group.MapGet("/start", GetAsync).WithName("GetAssessmentStart").Returns<StartState>().WithSummary("Get the guided start of a draft (procurement officers)")
            .WithDescription("Every step of the guided start as saved so far, what each still needs, and the suppliers to choose from.")
            .InvalidIdProblem().NotFoundProblem();
        group.MapPut("/start/route", RouteAsync).WithName("SaveAssessmentRoute").Returns<StepResult>().WithSummary("Choose the route")
            .WithDescription("Procure, Develop or Upgrade; changing it scopes the requirements again." + Officers)
            .Accepts<RouteBody>("application/json").ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
        group.MapPut("/start/system", SystemAsync).WithName("SaveAssessmentSystem").Returns<StepResult>().WithSummary("Describe the system and choose the supplier")
            .WithDescription("The system's name, the supplier, product, procurement reference and dates." + Officers)
            .Accepts<SystemBody>("application/json").ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(32 * 1024));
        group.MapPut("/start/conditions", ConditionsAsync).WithName("SaveAssessmentConditions").Returns<StepResult>().WithSummary("Say which conditions hold")
            .WithDescription("The conditions that drive scoping (for example confidential patient data); changing them scopes the requirements again." + Officers)
            .Accepts<ConditionsBody>("application/json").ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
        group.MapPut("/start/functions", FunctionsAsync).WithName("SaveAssessmentFunctions").Returns<StepResult>().WithSummary("Name the significant business functions")
            .WithDescription($"Replaces the significant functions (at most {AssessmentStartRules.MaxFunctions}); the supplier gives the API operation for each." + Officers)
            .Accepts<FunctionsBody>("application/json").ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().TooLargeProblem()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(64 * 1024));
        group.MapPost("/start/scope/refresh", RefreshAsync).WithName("RefreshAssessmentScope").Produces(StatusCodes.Status204NoContent)
            .WithSummary("Scope the requirements again")
            .WithDescription("Works the scope out again from the route and conditions, keeping the officer's own changes where they still apply." + Officers)
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
        group.MapPost("/start/scope/{code}/exclude", ExcludeAsync).WithName("ExcludeRequirement").Produces(StatusCodes.Status204NoContent)
            .WithSummary("Take a requirement out of scope")
            .WithDescription("Takes a requirement out of scope with a written justification." + Officers)
            .Accepts<ExcludeBody>("application/json").ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
        group.MapPost("/start/scope/{code}/include", IncludeAsync).WithName("IncludeRequirement").Produces(StatusCodes.Status204NoContent)
            .WithSummary("Bring a requirement back into scope")
            .WithDescription("Brings back a requirement the officer took out." + Officers)
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
        group.MapPost("/start/scope", AddRequirementAsync).WithName("AddRequirementToScope").Produces(StatusCodes.Status204NoContent)
            .WithSummary("Add a requirement scoping left out")
            .WithDescription("Adds a requirement of the assessment's catalogue version that scoping did not bring in." + Officers)
            .Accepts<AddRequirementBody>("application/json").ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
        group.MapPost("/start/scope/confirm", ConfirmScopeAsync).WithName("ConfirmAssessmentScope").Returns<StepResult>().WithSummary("Confirm the scope")
            .WithDescription("Records that the officer has reviewed the scope; it needs at least one requirement in scope." + Officers)
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
        group.MapPost("/start/confirm", ConfirmAsync).WithName("ConfirmAssessmentStart").Returns<AssessmentsApi.AssessmentDetail>().WithSummary("Confirm the start")
            .WithDescription("Completes the guided start once every step is complete (otherwise 400 says what each still needs). The assessment stays a draft until a supplier is invited."
                + Officers)
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
        group.MapPost("/competing-bids", CompetingBidAsync).WithTags(ApiDocumentation.Assessments).WithName("StartCompetingBid")
            .WithSummary("Start a competing bid (procurement officers)")
            .WithDescription("Starts a new draft for another supplier's bid in the same procurement, copying the route, conditions, functions and scope.")
            .Produces<CompetingBid>(StatusCodes.Status201Created)
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
    }

    private static async Task<IResult> GetAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, AssessmentStartService start) =>
        await start.GetAsync(http.Caller(), assessmentId, http.RequestAborted) is { } draft
            ? new ApiJson<StartState>(State(draft))
            : ApiProblem.NotFound($"Draft assessment {assessmentId}");

    private static Task<IResult> RouteAsync([Description("The assessment's id.")] int assessmentId, RouteBody body, HttpContext http, AssessmentStartService start) =>
        start.SaveRouteAsync(http.Caller(), assessmentId, body.Route, http.RequestAborted).ToHttp(http, Step);

    private static Task<IResult> SystemAsync([Description("The assessment's id.")] int assessmentId, SystemBody body, HttpContext http, AssessmentStartService start) =>
        start.SaveSystemAsync(http.Caller(), assessmentId, new AssessmentStartService.SystemDetails(
                body.SystemName, body.SupplierId, body.ProductName, body.ProductVersion, body.Description, body.ProcurementReference, body.ResponseDueDate, body.ContractDate),
            http.RequestAborted).ToHttp(http, Step);

    private static Task<IResult> ConditionsAsync([Description("The assessment's id.")] int assessmentId, ConditionsBody body, HttpContext http, AssessmentStartService start) =>
        start.SaveConditionsAsync(http.Caller(), assessmentId, (body.Conditions ?? []).Aggregate(ScopeConditions.None, (all, one) => all | one), http.RequestAborted)
            .ToHttp(http, Step);

    private static Task<IResult> FunctionsAsync([Description("The assessment's id.")] int assessmentId, FunctionsBody body, HttpContext http, AssessmentStartService start) =>
        start.SaveFunctionsAsync(http.Caller(), assessmentId,
            (body.Functions ?? []).Select(f => new AssessmentStartService.FunctionInput(f.Name, f.Description)).ToList(), http.RequestAborted).ToHttp(http, Step);

    private static Task<IResult> RefreshAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, AssessmentStartService start) =>
        start.RefreshScopeAsync(http.Caller(), assessmentId, http.RequestAborted).ToHttp(http, () => TypedResults.NoContent());

    private static Task<IResult> ExcludeAsync(
        [Description("The assessment's id.")] int assessmentId, [Description("The requirement's id, for example S.4.")] string code, ExcludeBody body, HttpContext http,
        AssessmentStartService start) =>
        start.ExcludeAsync(http.Caller(), assessmentId, code, body.Justification, http.RequestAborted).ToHttp(http, () => TypedResults.NoContent());

    private static Task<IResult> IncludeAsync(
        [Description("The assessment's id.")] int assessmentId, [Description("The requirement's id, for example S.4.")] string code, HttpContext http, AssessmentStartService start) =>
        start.IncludeAsync(http.Caller(), assessmentId, code, http.RequestAborted).ToHttp(http, () => TypedResults.NoContent());

    private static Task<IResult> AddRequirementAsync([Description("The assessment's id.")] int assessmentId, AddRequirementBody body, HttpContext http, AssessmentStartService start) =>
        start.AddRequirementAsync(http.Caller(), assessmentId, body.Code, http.RequestAborted).ToHttp(http, () => TypedResults.NoContent());

    private static Task<IResult> ConfirmScopeAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, AssessmentStartService start) =>
        start.ConfirmScopeAsync(http.Caller(), assessmentId, http.RequestAborted).ToHttp(http, Step);

    private static async Task<IResult> ConfirmAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, AssessmentStartService start)
    {
        var outcome = await start.ConfirmAsync(http.Caller(), assessmentId, http.RequestAborted);
        if (!outcome.Succeeded)
        {
            return ApiOutcomes.Problem(outcome, http);
        }

        return await http.RequestServices.GetRequiredService<AssessmentService>().GetAsync(http.Caller(), assessmentId, http.RequestAborted) is { } overview
            ? new ApiJson<AssessmentsApi.AssessmentDetail>(AssessmentsApi.Detail(overview), ETags.Of(overview.ConcurrencyStamp))
            : ApiProblem.NotFound($"Assessment {assessmentId}");
    }

    private static Task<IResult> CompetingBidAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, AssessmentStartService start) =>
        start.StartCompetingBidAsync(http.Caller(), assessmentId, http.RequestAborted).ToHttp(http, id =>
            new ApiJson<CompetingBid>(new CompetingBid(id), statusCode: StatusCodes.Status201Created, location: $"{ApiSetup.Prefix}/assessments/{id}"));

    private static IResult Step(StepCheck check) =>
        new ApiJson<StepResult>(new StepResult(check.Complete, check.Outstanding.Select(o => new Outstanding(o.Key, o.Value)).ToList()));

    private static StartState State(AssessmentStartService.StartDraft d) => new(
        d.Id, d.Reference, d.Status, d.VersionLabel, d.FrameworkName, d.Route, ApiPaging.Flags(d.Conditions), d.ConditionsConfirmed,
        new SystemBody(d.System.SystemName, d.System.SupplierId, d.System.ProductName, d.System.ProductVersion, d.System.Description, d.System.ProcurementReference,
            d.System.ResponseDueDate, d.System.ContractDate),
        d.Functions.Select(f => new FunctionDraft(f.Name, f.Description)).ToList(),
        d.Scope.Select(s => new AssessmentsApi.ScopeItem(s.Code, s.Title, s.SectionCode, s.Obligation, s.Standing, s.Reason, s.InScope, s.AddedByOfficer, s.ExclusionJustification)).ToList(),
        d.ScopeReviewed, d.StepReached, d.Confirmed,
        d.Suppliers.Select(s => new SupplierChoice(s.Id, s.Name)).ToList(),
        d.Outstanding.Select(o => new Outstanding(o.Step.ToString(), o.Message)).ToList());
}
