using System.ComponentModel;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features.Scorecards;

namespace Portal.Api;

/// <summary>An assessment's scorecard as JSON, CSV or an issued PDF: the same exports the portal's scorecard page offers.</summary>
public static class ScorecardsApi
{
    public static void MapScorecardsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/assessments/{assessmentId}").WithTags(ApiDocumentation.Scorecards);
        group.MapGet("/scorecard", JsonAsync).WithName("GetScorecard").WithSummary("Get the scorecard as JSON")
            .WithDescription("The scorecard in the documented scorecard-v1 shape: RAG status and reason, overall, Must and Should percentages, a score per section, "
                + "every requirement's claim, decision, result and credit, drift found by the latest link checks of its evidence (driftCount, requirements[].drift), and the sign-off. Its SHA-256 is the verification code of a PDF issued at the same moment.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .InvalidIdProblem().NotFoundProblem();
        group.MapGet("/scorecard.csv", CsvAsync).WithName("GetScorecardCsv").WithSummary("Get the scorecard as CSV")
            .WithDescription("A row per requirement: assessment, framework, version, generated_at, id, section, title, obligation, weight, claim, decision, result, credit, explanation, drift (what the latest link checks of its evidence found worse, empty when nothing).")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .InvalidIdProblem().NotFoundProblem();
        group.MapGet("/scorecard.pdf", PreviewAsync).WithName("GetScorecardPdf").WithSummary("Preview the scorecard as a PDF")
            .WithDescription("A preview of the tagged A4 PDF scorecard. It records nothing: it has no verification code, says on every page that it was not issued, "
                + "and cannot be verified. To issue a scorecard, POST to this address.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .InvalidIdProblem().NotFoundProblem();
        group.MapPost("/scorecard.pdf", IssueAsync).WithName("IssueScorecardPdf").WithSummary("Issue the scorecard as a PDF")
            .WithDescription("Issues a tagged A4 PDF scorecard with a verification code on every page, records it as issued with an audit event, and answers with the PDF "
                + "(its ETag is the start of the code). Anyone, signed in or not, can verify it at /scorecards/verify (or GET /api/v1/scorecards/verify). Each POST issues a new scorecard.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .InvalidIdProblem().NotFoundProblem().ConflictProblem();
    }

    public sealed record VerifiedScorecard(
        [property: Description("Genuine, NotIssued or Invalid.")] string Outcome,
        string Message,
        [property: Description("What the issued PDF says, when the code is one the portal issued: nothing beyond it.")] VerifiedContent? Scorecard);

    public sealed record VerifiedContent(
        string Reference, string SystemName, string Organisation, string Supplier, string Policy, string PolicyVersion,
        [property: Description("The RAG status the PDF printed: Red, Amber, Green or Unscored.")] string Status,
        decimal OverallPercent, string AssessmentStatus, DateTime IssuedAt, string VerificationCode);

    /// <summary>Verification by code, for anyone holding a PDF: no sign-in, limited per client address.</summary>
    public static void MapPublicScorecardsApi(this IEndpointRouteBuilder app) =>
        app.MapGroup(ApiSetup.Prefix).WithTags(ApiDocumentation.Scorecards).AllowAnonymous().DisableAntiforgery()
            .AddEndpointFilter(ApiFairUse.LimitedByAddress(AddressLimited.ScorecardVerification))
            .MapGet("/scorecards/verify", VerifyAsync).WithName("VerifyScorecard").Returns<VerifiedScorecard>()
            .WithSummary("Verify an issued scorecard by its code (no sign-in)")
            .WithDescription("Checks a verification code printed on a scorecard PDF (spaces, dashes and letter case are ignored) and, when the portal issued it, "
                + "answers with what that PDF says: assessment, system, organisation, supplier, policy version, status, overall score and when it was issued. "
                + "Nothing beyond the PDF. No token is needed; calls are limited per client address.")
            .ValidationProblem();

    private static async Task<IResult> VerifyAsync(
        [Description("The verification code from the foot of the PDF (64 hexadecimal digits).")] string? code, HttpContext http, IssuedScorecardService issued)
    {
        var result = await issued.VerifyCodeAsync(null, code, http.RequestAborted);
        if (result.Outcome == IssuedScorecardService.Outcome.Invalid)
        {
            return ApiProblem.Invalid("code", result.Message);
        }

        var s = result.Issued;
        return new ApiJson<VerifiedScorecard>(new VerifiedScorecard(result.Outcome.ToString(), result.Message, s is null ? null
            : new VerifiedContent(s.Reference, s.SystemName, s.OrganisationName, s.SupplierName, s.FrameworkName, s.FrameworkVersionLabel, s.Rag,
                s.OverallPercent, s.AssessmentStatus, s.IssuedAt, s.VerificationCode)));
    }

    private static Task<IResult> JsonAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, ScorecardService scorecards) =>
        ExportAsync(assessmentId, http, scorecards, report => TypedResults.Bytes(Encoding.UTF8.GetBytes(ScorecardExports.Json(report)), "application/json; charset=utf-8"));

    private static Task<IResult> CsvAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, ScorecardService scorecards) =>
        ExportAsync(assessmentId, http, scorecards, report => TypedResults.File(Encoding.UTF8.GetBytes(ScorecardExports.Csv(report)), "text/csv; charset=utf-8",
            $"{report.Reference}-scorecard-{report.GeneratedAt:yyyyMMdd-HHmm}.csv"));

    /// <summary>The scorecard in one of its data formats, with an ETag of exactly the bytes sent.</summary>
    private static async Task<IResult> ExportAsync(int assessmentId, HttpContext http, ScorecardService scorecards, Func<ScorecardService.Report, FileContentHttpResult> format)
    {
        var report = await scorecards.GetAsync(http.Caller(), assessmentId, http.RequestAborted);
        if (report is null)
        {
            return NotFound(assessmentId);
        }

        var result = format(report);
        http.Response.Headers.ETag = ETags.OfContent(result.FileContents.ToArray());
        return result;
    }

    private static async Task<IResult> PreviewAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, IssuedScorecardService issuing) =>
        await issuing.PreviewAsync(http.Caller(), assessmentId, http.RequestAborted) is { } preview
            ? TypedResults.File(preview.Content, "application/pdf", preview.FileName)
            : NotFound(assessmentId);

    private static Task<IResult> IssueAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, IssuedScorecardService issuing) =>
        issuing.IssueAsync(http.Caller(), assessmentId, http.RequestAborted).ToHttp(http, issued =>
        {
            http.Response.Headers.ETag = $"\"{issued.VerificationCode[..32]}\"";
            return TypedResults.File(issued.Content, "application/pdf", issued.FileName);
        });

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(int assessmentId) =>
        ApiProblem.NotFound($"A scorecard for assessment {assessmentId} (it has one once its route is chosen)");
}
