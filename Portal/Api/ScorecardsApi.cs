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
                + "every requirement's claim, decision, result and credit, and the sign-off. Its SHA-256 is the verification code of a PDF issued at the same moment.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .InvalidIdProblem().NotFoundProblem();
        group.MapGet("/scorecard.csv", CsvAsync).WithName("GetScorecardCsv").WithSummary("Get the scorecard as CSV")
            .WithDescription("A row per requirement: assessment, framework, version, generated_at, id, section, title, obligation, weight, claim, decision, result, credit, explanation.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .InvalidIdProblem().NotFoundProblem();
        group.MapGet("/scorecard.pdf", PdfAsync).WithName("GetScorecardPdf").WithSummary("Issue the scorecard as a PDF")
            .WithDescription("Issues a tagged A4 PDF scorecard with a verification code on every page, and records it as issued (anyone signed in can verify it at /scorecards/verify).")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf")
            .InvalidIdProblem().NotFoundProblem();
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

    private static async Task<IResult> PdfAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, IssuedScorecardService issuing)
    {
        var issued = await issuing.IssueAsync(http.Caller(), assessmentId, http.RequestAborted);
        if (issued is null)
        {
            return NotFound(assessmentId);
        }

        http.Response.Headers.ETag = $"\"{issued.VerificationCode[..32]}\"";
        return TypedResults.File(issued.Content, "application/pdf", issued.FileName);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(int assessmentId) =>
        ApiProblem.NotFound($"A scorecard for assessment {assessmentId} (it has one once its route is chosen)");
}
