using System.ComponentModel;
using Portal.Data.Evidence;
using Portal.Features.Evidence.LinkChecks;

namespace Portal.Api;

/// <summary>The portal's checks of evidence links (OpenAPI, FHIR, documentation, sandbox): latest, history, and check again.</summary>
public static class LinkChecksApi
{
    public sealed record LinkCheckResult(
        [property: Description("The check's id.")] int Id,
        [property: Description("The evidence link checked.")] int EvidenceId,
        [property: Description("Pending (queued), Passed, Findings (read, with findings to look at) or Failed (could not be read, not public, not answering).")] LinkCheckOutcome Outcome,
        [property: Description("Why it ran: Added, Scheduled or Requested.")] string Reason,
        [property: Description("When the check was asked for (UTC).")] DateTime RequestedAt,
        [property: Description("When it finished (UTC); null while pending.")] DateTime? CheckedAt,
        [property: Description("One line for a person: what was found, or why the link could not be read.")] string? Summary,
        [property: Description("Findings in a reviewer's words, for example \"Operations without a description: 12 of 40.\"")] IReadOnlyList<string> Findings,
        [property: Description("Named facts the check found (title, version, servers, resources...).")] IReadOnlyList<CheckFact> Facts,
        [property: Description("What the document's reader or validator reported.")] IReadOnlyList<string> Diagnostics,
        [property: Description("SHA-256 (hex) of the bytes read; the bytes themselves are not kept.")] string? Sha256,
        [property: Description("The answer's content type.")] string? ContentType,
        [property: Description("How many bytes were read.")] long? SizeBytes,
        [property: Description("The HTTP status of the answer, when there was one.")] int? HttpStatus,
        [property: Description("What got worse since earlier checks (stopped being public, stopped answering, changed since sign-off); null when nothing did.")] string? Drift);

    public static void MapLinkChecksApi(this RouteGroupBuilder api)
    {
        var checks = api.MapGroup("/assessments/{assessmentId}/evidence/{evidenceId}/checks").WithTags(ApiDocumentation.Evidence);
        checks.MapGet("", HistoryAsync).WithName("ListEvidenceLinkChecks").Returns<IReadOnlyList<LinkCheckResult>>()
            .WithSummary("List the checks of an evidence link")
            .WithDescription("Every check of one evidence link, newest first (at most 100): the first is the current result. Anyone who may see the assessment may read them.")
            .InvalidIdProblem().NotFoundProblem();
        checks.MapPost("", CheckAgainAsync).WithName("CheckEvidenceLinkAgain").Produces<LinkCheckResult>(StatusCodes.Status200OK, "application/json")
            .WithSummary("Check an evidence link again")
            .WithDescription("Fetches and checks the link now and answers with the result. Refused with 409 while a check of it is queued or was asked for in the last few minutes.")
            .InvalidIdProblem().NotFoundProblem().ConflictProblem();
    }

    private static Task<IResult> HistoryAsync(
        [Description("The assessment's id.")] int assessmentId, [Description("The evidence link's id.")] int evidenceId, HttpContext http, LinkCheckService checks) =>
        checks.ListHistoryAsync(http.Caller(), assessmentId, evidenceId, http.RequestAborted)
            .ToHttp(http, list => new ApiJson<IReadOnlyList<LinkCheckResult>>(list.Select(Result).ToList()));

    private static Task<IResult> CheckAgainAsync(
        [Description("The assessment's id.")] int assessmentId, [Description("The evidence link's id.")] int evidenceId, HttpContext http, LinkCheckService checks) =>
        checks.CheckAgainAsync(http.Caller(), assessmentId, evidenceId, http.RequestAborted).ToHttp(http, check => new ApiJson<LinkCheckResult>(Result(check)));

    private static LinkCheckResult Result(LinkCheckView c) => new(
        c.Id, c.EvidenceItemId, c.Outcome, c.Reason, c.RequestedAt, c.CheckedAt, c.Summary, c.Details.Findings, c.Details.Facts, c.Details.Diagnostics,
        c.Sha256, c.ContentType, c.SizeBytes, c.HttpStatus, c.Drift);
}
