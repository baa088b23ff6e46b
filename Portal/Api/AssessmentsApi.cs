using System.ComponentModel;
using Portal.Data.Assessments;
using Portal.Data.Policy;
using Portal.Features.Assessments;

namespace Portal.Api;

/// <summary>Assessments: the list (filtered, a page at a time), one assessment, starting a draft, and its scope.</summary>
public static class AssessmentsApi
{
    public sealed record AssessmentSummary(
        [property: Description("The assessment's id, used in every address under it.")] int Id,
        [property: Description("The reference people quote, for example OAP-00042.")] string Reference,
        string SystemName,
        [property: Description("The supplier being assessed; null until the officer chooses one.")] string? Supplier,
        [property: Description("The NHS organisation assessing.")] string Organisation,
        [property: Description("Draft, AwaitingSupplier, Submitted, UnderReview, ClarificationRequested, AwaitingSignOff, SignedOff, SignedOffWithConditions, Rejected or Withdrawn.")] AssessmentStatus Status,
        [property: Description("Procure, Develop or Upgrade; null until chosen.")] AssessmentRoute? Route,
        DateOnly? ResponseDueDate,
        string? ProcurementReference,
        [property: Description("How many requirements are in scope.")] int InScope,
        [property: Description("How many of them the supplier has answered.")] int Answered,
        [property: Description("Red, Amber or Green as the scorecard last worked it out; null while not yet scored.")] Portal.Data.Scorecards.RagStatus? Rag,
        [property: Description("The next date something is due: the supplier's answers while awaited, or the earliest condition of a conditional sign-off; null when nothing is.")] DateOnly? NextDue);

    public sealed record FunctionItem(string Name, string? Description, string? ApiOperation, string? DocumentationUrl);

    public sealed record InvitationItem(int Id, string Email, InvitationStatus Status, DateTime InvitedAt, DateTime? AcceptedAt);

    public sealed record AssessmentDetail(
        AssessmentSummary Summary,
        string Framework,
        [property: Description("The catalogue version the assessment is pinned to.")] int VersionId,
        string VersionLabel,
        [property: Description("The conditions that drove scoping.")] IReadOnlyList<string> Conditions,
        string? ProductName,
        string? ProductVersion,
        string? Description,
        DateOnly? ContractDate,
        [property: Description("Whether the officer has confirmed the guided start.")] bool StartConfirmed,
        int OutOfScope,
        [property: Description("The significant business functions the supplier must expose, with the API operation the supplier gave for each.")] IReadOnlyList<FunctionItem> Functions,
        [property: Description("The supplier invitations; shown to the assessing organisation's procurement officers only.")] IReadOnlyList<InvitationItem> Invitations);

    public sealed record ScopeItem(
        string Code, string Title, string Section, Obligation Obligation, RouteStanding? Standing,
        [property: Description("Why scoping brought it in.")] string Reason,
        bool InScope, bool AddedByOfficer,
        [property: Description("Why the officer took it out; NHS staff only.")] string? ExclusionJustification);

    public sealed record WithdrawBody(
        [property: Description("Why the assessment is withdrawn, at least 10 characters; the supplier sees it.")] string? Reason);

    public static void MapAssessmentsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/assessments").WithTags(ApiDocumentation.Assessments);
        group.MapGet("/", ListAsync).WithName("ListAssessments").Returns<ItemsPage<AssessmentSummary>>().WithSummary("List assessments")
            .WithDescription("The assessments you may see, a page at a time with the total, most recently changed first unless you choose a sort: NHS staff see their organisation's, "
                + "supplier account managers their supplier's once invited. The same search and sorts as the portal's assessments page.")
            .ValidationProblem();
        group.MapGet("/{assessmentId}", GetAsync).WithName("GetAssessment").Returns<AssessmentDetail>().WithSummary("Get an assessment")
            .WithDescription("An assessment with its system, route, conditions, catalogue version and significant functions. The ETag goes in If-Match when recording review decisions.")
            .InvalidIdProblem().NotFoundProblem();
        group.MapPost("/", CreateAsync).WithName("CreateAssessment").WithSummary("Start a draft assessment (procurement officers)")
            .WithDescription("Starts a draft assessment for your organisation on the current catalogue version. Continue the guided start (route, system, conditions, functions, scope) in the portal at /assessments/{id}/start.")
            .Produces<AssessmentDetail>(StatusCodes.Status201Created)
            .ForbiddenProblem().ConflictProblem();
        group.MapPost("/{assessmentId}/withdraw", WithdrawAsync).WithName("WithdrawAssessment").Returns<AssessmentDetail>().WithSummary("Withdraw an assessment (procurement officers)")
            .WithDescription("Stops the assessment for good, with a reason the supplier sees. Send the assessment's ETag (from GET /api/v1/assessments/{assessmentId}) "
                + "in If-Match, so you withdraw the assessment as you read it: a change since gets 412, no If-Match gets 428. Gives back the withdrawn assessment.")
            .Accepts<WithdrawBody>("application/json")
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().PreconditionProblems()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(16 * 1024));
        group.MapGet("/{assessmentId}/scope", ScopeAsync).WithName("GetAssessmentScope").Returns<IReadOnlyList<ScopeItem>>().WithSummary("Get an assessment's scope")
            .WithDescription("The requirements scoping chose, each with the reason it applies. NHS staff also see the requirements the officer took out and why.")
            .InvalidIdProblem().NotFoundProblem();
    }

    private static async Task<IResult> ListAsync(
        [Description("Only assessments in this status.")] AssessmentStatus? status,
        [Description("Only assessments on this route.")] AssessmentRoute? route,
        [Description("Only assessments of this supplier, by id.")] int? supplierId,
        [Description("A reference (OAP-00012 or 12), or text the system name, supplier name or procurement reference contains.")] string? search,
        [Description("updated (default), reference, system, supplier, status (workflow order), rag (Red first, not yet scored last) or due (soonest first, nothing due last).")] string? sort,
        [Description("asc or desc; each sort has a natural order (updated: desc, the others: asc).")] string? order,
        [Description("The page number, from 1 (default 1).")] int? page,
        [Description("Items per page, 1 to 100 (default 25).")] int? pageSize,
        HttpContext http,
        AssessmentService assessments)
    {
        if (ApiPaging.Check(page, pageSize) is { } invalid)
        {
            return invalid;
        }

        var sorted = string.IsNullOrWhiteSpace(sort) ? AssessmentSort.Updated : AssessmentSorts.Parse(sort);
        if (sorted is null)
        {
            return ApiProblem.Invalid("sort", $"sort must be one of {string.Join(", ", AssessmentSorts.Choices.Select(c => c.Name))}.");
        }

        var descending = AssessmentSorts.ParseOrder(order);
        if (descending is null && !string.IsNullOrWhiteSpace(order))
        {
            return ApiProblem.Invalid("order", "order must be asc or desc.");
        }

        var number = page ?? 1;
        var size = pageSize ?? ApiPaging.DefaultPageSize;
        var found = await assessments.PageAsync(
            http.Caller(), new AssessmentService.ListQuery(status, number, size, route, supplierId, search, sorted.Value, descending), http.RequestAborted);
        // The portal's list shows the last page for a page past the end; an API client paging until a page is empty gets one.
        IReadOnlyList<AssessmentSummary> items = found.Page == number ? found.Rows.Select(Summary).ToList() : [];
        return new ApiJson<ItemsPage<AssessmentSummary>>(new ItemsPage<AssessmentSummary>(items, number, size, found.Total));
    }

    private static async Task<IResult> GetAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, AssessmentService assessments) =>
        await assessments.GetAsync(http.Caller(), assessmentId, http.RequestAborted) is { } overview
            ? new ApiJson<AssessmentDetail>(Detail(overview), ETags.Of(overview.ConcurrencyStamp))
            : ApiProblem.NotFound($"Assessment {assessmentId}");

    private static Task<IResult> CreateAsync(HttpContext http, AssessmentStartService start) =>
        start.CreateDraftAsync(http.Caller(), http.RequestAborted).ToHttp(http, o =>
            new ApiJson<AssessmentDetail>(Detail(o), ETags.Of(o.ConcurrencyStamp), StatusCodes.Status201Created, $"{ApiSetup.Prefix}/assessments/{o.Summary.Id}"));

    private static Task<IResult> WithdrawAsync([Description("The assessment's id.")] int assessmentId, WithdrawBody body, HttpContext http, AssessmentService assessments) =>
        assessments.WithdrawAsync(http.Caller(), assessmentId, body.Reason, http.Request.ReadVersion(), http.RequestAborted)
            .ToHttp(http, o => new ApiJson<AssessmentDetail>(Detail(o), ETags.Of(o.ConcurrencyStamp)));

    private static async Task<IResult> ScopeAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, AssessmentService assessments) =>
        await assessments.ScopeAsync(http.Caller(), assessmentId, http.RequestAborted) is { } scope
            ? new ApiJson<IReadOnlyList<ScopeItem>>(scope.Select(s => new ScopeItem(
                s.Code, s.Title, s.SectionCode, s.Obligation, s.Standing, s.Reason, s.InScope, s.AddedByOfficer, s.ExclusionJustification)).ToList())
            : ApiProblem.NotFound($"Assessment {assessmentId}");

    private static AssessmentSummary Summary(AssessmentService.AssessmentRow r) => new(
        r.Id, r.Reference, r.SystemName, r.SupplierName, r.OrganisationName, r.Status, r.Route, r.ResponseDueDate, r.ProcurementReference, r.InScope, r.Answered,
        r.Rag, r.NextDue);

    internal static AssessmentDetail Detail(AssessmentService.Overview o) => new(
        Summary(o.Summary), o.FrameworkName, o.VersionId, o.VersionLabel, ApiPaging.Flags(o.Conditions), o.ProductName, o.ProductVersion, o.Description,
        o.ContractDate, o.StartConfirmed, o.OutOfScope,
        o.Functions.Select(f => new FunctionItem(f.Name, f.Description, f.ApiOperation, f.DocumentationUrl)).ToList(),
        o.Invitations.Select(i => new InvitationItem(i.Id, i.Email, i.Status, i.InvitedAt, i.AcceptedAt)).ToList());
}
