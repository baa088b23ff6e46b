using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using Portal.Features.Reassessments;

namespace Portal.Api;

/// <summary>Upgrade reassessment: a new draft started from a signed-off assessment, whose unchanged answers carry forward.</summary>
public static class ReassessmentsApi
{
    public sealed record StartBody(
        [property: Description("The id of a product version of the same supplier the reassessment is about (a new version), or null for the same version (an upgrade).")] int? ProductVersionId = null);

    public sealed record ChooseBody(
        [property: Description("The id of one of your organisation's signed-off assessments of the draft's supplier, or null for none.")] int? SourceId);

    public sealed record Reassessment([property: Description("The new draft's id.")] int AssessmentId);

    public static void MapReassessmentsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/reassessment-sources", SourcesAsync).WithTags(ApiDocumentation.Assessments).WithName("ListReassessmentSources")
            .Returns<IReadOnlyList<ReassessmentSource>>()
            .WithSummary("List the signed-off assessments a reassessment can start from (procurement officers)")
            .WithDescription("Your organisation's signed-off assessments, newest sign-off first, of one supplier when supplierId is given. Anyone but a procurement officer gets an empty list.");
        var perAssessment = api.MapGroup("/assessments/{assessmentId}").WithTags(ApiDocumentation.Assessments);
        perAssessment.MapGet("/reassessment-versions", VersionsAsync).WithName("ListReassessmentProductVersions")
            .Returns<IReadOnlyList<ReassessmentVersion>>()
            .WithSummary("List the product versions a reassessment of this assessment can name (procurement officers)")
            .WithDescription("The product versions of the signed-off assessment's supplier. An empty list for anyone else, or for an assessment that is not signed off.")
            .InvalidIdProblem();
        perAssessment.MapPost("/reassessments", StartAsync).WithName("StartReassessment")
            .WithSummary("Start a reassessment of a signed-off assessment (procurement officers)")
            .WithDescription("Starts a draft on the upgrade route and the current catalogue version, prefilled from the signed-off assessment (system, supplier, "
                + "product version or the one you name, conditions, functions). Go through the guided start, then invite the supplier: the answers whose evidence "
                + "has not changed or expired, and whose wording the catalogue has not changed, carry forward with their review outcome; the rest reopen with the reason. "
                + "One open reassessment per signed-off assessment (409 otherwise).")
            .Accepts<StartBody>("application/json")
            .Produces<Reassessment>(StatusCodes.Status201Created)
            .InvalidIdProblem().ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().WithMetadata(new RequestSizeLimitAttribute(64 * 1024));
        perAssessment.MapPut("/reassesses", ChooseAsync).WithTags(ApiDocumentation.AssessmentStart).WithName("ChooseReassessedAssessment")
            .WithSummary("Name the signed-off assessment a draft on the upgrade route reassesses (procurement officers)")
            .WithDescription("Names one of your organisation's signed-off assessments of the draft's supplier (or none) while the assessment is a draft on the upgrade route. "
                + "A draft with no supplier yet takes the system and supplier from it.")
            .Accepts<ChooseBody>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .InvalidIdProblem().ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().WithMetadata(new RequestSizeLimitAttribute(64 * 1024));
    }

    private static async Task<IResult> SourcesAsync([Description("Only this supplier's assessments.")] int? supplierId, HttpContext http, ReassessmentService reassessments) =>
        new ApiJson<IReadOnlyList<ReassessmentSource>>(await reassessments.ListSourcesAsync(http.Caller(), supplierId, http.RequestAborted));

    private static async Task<IResult> VersionsAsync([Description("The signed-off assessment's id.")] int assessmentId, HttpContext http, ReassessmentService reassessments) =>
        new ApiJson<IReadOnlyList<ReassessmentVersion>>(await reassessments.ListVersionsAsync(http.Caller(), assessmentId, http.RequestAborted));

    private static Task<IResult> StartAsync([Description("The signed-off assessment's id.")] int assessmentId, StartBody? body, HttpContext http, ReassessmentService reassessments) =>
        reassessments.StartAsync(http.Caller(), assessmentId, body?.ProductVersionId, http.RequestAborted).ToHttp(http, id =>
            new ApiJson<Reassessment>(new Reassessment(id), statusCode: StatusCodes.Status201Created, location: $"{ApiSetup.Prefix}/assessments/{id}"));

    private static Task<IResult> ChooseAsync([Description("The draft's id.")] int assessmentId, ChooseBody body, HttpContext http, ReassessmentService reassessments) =>
        reassessments.ChooseSourceAsync(http.Caller(), assessmentId, body.SourceId, http.RequestAborted).ToHttp(http, () => TypedResults.NoContent());
}
