using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsvHelper;
using Portal.Auth;

namespace Portal.Features.Scorecards;

/// <summary>
/// A scorecard as data: CSV (a row per requirement), JSON (documented in the README) and XLSX
/// (<see cref="ScorecardWorkbook"/>). Each names the framework version and the time it was made.
/// </summary>
public static class ScorecardExports
{
    /// <summary>The columns of a row per requirement, shared by the CSV and the workbook's Requirements sheet.</summary>
    internal static readonly string[] RequirementColumns =
    [
        "assessment", "framework", "version", "generated_at", "id", "section", "title", "obligation", "weight", "claim", "decision", "result", "credit", "explanation", "drift",
    ];

    /// <summary>A requirement's drift markers as one cell: empty when its evidence's latest checks found none.</summary>
    internal static string DriftCell(ScorecardService.Report report, string code) => string.Join("; ", report.DriftOf(code).Select(d => d.Marker));

    public static string Csv(ScorecardService.Report report)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, SpreadsheetText.CsvOptions, leaveOpen: true))
        {
            csv.WriteHeader(RequirementColumns);
            foreach (var r in report.Card.Requirements)
            {
                csv.WriteRecord(
                [
                    report.Reference, report.FrameworkName, report.VersionLabel, report.GeneratedAt.ToString("O", CultureInfo.InvariantCulture),
                    r.Input.Code, report.SectionTitles.GetValueOrDefault(r.Input.SectionCode, r.Input.SectionCode), r.Input.Title, r.Input.Obligation.ToString(),
                    r.Weight.ToString(CultureInfo.InvariantCulture), r.Input.Claim?.ToString() ?? string.Empty, r.Input.Decision?.ToString() ?? string.Empty,
                    r.Result.ToString(), r.Credit.ToString("0.0", CultureInfo.InvariantCulture), r.Explanation, DriftCell(report, r.Input.Code),
                ]);
            }

            csv.Flush();
        }

        return text.ToString();
    }

    public static string Json(ScorecardService.Report report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var card = report.Card;
            json.WriteStartObject();
            json.WriteString("schema", "https://nhs-open-api-portal/schemas/scorecard-v1");
            json.WriteString("assessment", report.Reference);
            json.WriteString("system", report.SystemName);
            json.WriteString("organisation", report.OrganisationName);
            json.WriteString("supplier", report.SupplierName);
            json.WriteString("route", report.Route.ToString());
            json.WriteString("status", report.Status.ToString());
            json.WriteStartObject("framework");
            json.WriteString("name", report.FrameworkName);
            json.WriteString("version", report.VersionLabel);
            json.WriteNumber("mustWeight", report.Rules.MustWeight);
            json.WriteNumber("shouldWeight", report.Rules.ShouldWeight);
            json.WriteNumber("shouldThresholdPercent", report.Rules.ShouldThresholdPercent);
            json.WriteEndObject();
            json.WriteString("generatedAt", report.GeneratedAt.ToString("O", CultureInfo.InvariantCulture));
            json.WriteBoolean("scored", card.IsScored);
            // Before anything is scored there is no RAG status, only "Not yet scored" (ragReason says why).
            if (card.IsScored)
            {
                json.WriteString("rag", card.Rag.ToString());
            }
            else
            {
                json.WriteNull("rag");
            }

            json.WriteString("ragReason", card.StatusReason);
            json.WriteStartArray("unmetMust");
            foreach (var r in card.UnmetMust)
            {
                json.WriteStringValue(r.Input.Code);
            }

            json.WriteEndArray();
            // Drift is marked, never scored: the link checks' latest findings, beside the result they do not change.
            json.WriteNumber("driftCount", report.Drift.Count);
            json.WriteNumber("overallPercent", card.OverallPercent);
            json.WriteNumber("mustPercent", card.MustPercent);
            json.WriteNumber("shouldPercent", card.ShouldPercent);
            json.WriteBoolean("unmetAreNegotiationPoints", card.UnmetAreNegotiationPoints);
            json.WriteStartArray("sections");
            foreach (var section in card.Sections)
            {
                json.WriteStartObject();
                json.WriteString("code", section.SectionCode);
                json.WriteString("title", report.SectionTitles.GetValueOrDefault(section.SectionCode, section.SectionCode));
                json.WriteNumber("percent", section.Percent);
                json.WriteNumber("counted", section.Counted);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("requirements");
            foreach (var r in card.Requirements)
            {
                json.WriteStartObject();
                json.WriteString("id", r.Input.Code);
                json.WriteString("title", r.Input.Title);
                json.WriteString("obligation", r.Input.Obligation.ToString());
                json.WriteNumber("weight", r.Weight);
                json.WriteString("claim", r.Input.Claim?.ToString());
                json.WriteString("decision", r.Input.Decision?.ToString());
                json.WriteString("result", r.Result.ToString());
                json.WriteNumber("credit", r.Credit);
                json.WriteString("explanation", r.Explanation);
                json.WriteStartArray("drift");
                foreach (var d in report.DriftOf(r.Input.Code))
                {
                    json.WriteStartObject();
                    json.WriteString("evidence", d.EvidenceTitle);
                    json.WriteString("kind", d.Kind.ToString());
                    json.WriteString("text", d.Text);
                    json.WriteString("checkedAt", d.CheckedAt.ToString("O", CultureInfo.InvariantCulture));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (report.SignOff is { } signOff)
            {
                json.WriteStartObject("signOff");
                json.WriteString("decision", signOff.Decision.ToString());
                json.WriteString("signedBy", signOff.SignedBy);
                json.WriteString("role", signOff.Role);
                json.WriteString("signedAt", signOff.SignedAt.ToString("O", CultureInfo.InvariantCulture));
                json.WriteString("redApprovalReason", signOff.RedApprovalReason);
                json.WriteString("seal", signOff.Seal);
                json.WriteBoolean("void", signOff.IsVoid);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("signOff");
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static IEndpointRouteBuilder MapScorecardExports(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/assessments/{assessmentId:int}").RequireAuthorization();
        group.MapGet("/scorecard.csv", (int assessmentId, HttpContext http, CallerResolver callers, ScorecardService scorecards) =>
            ExportAsync(assessmentId, http, callers, scorecards, "csv"));
        group.MapGet("/scorecard.json", (int assessmentId, HttpContext http, CallerResolver callers, ScorecardService scorecards) =>
            ExportAsync(assessmentId, http, callers, scorecards, "json"));
        group.MapGet("/scorecard.xlsx", (int assessmentId, HttpContext http, CallerResolver callers, ScorecardService scorecards) =>
            ExportAsync(assessmentId, http, callers, scorecards, "xlsx"));
        // Reading never writes: a GET (a link, a prefetcher, a crawler) gets a preview that records nothing.
        group.MapGet("/scorecard.pdf", async (int assessmentId, HttpContext http, CallerResolver callers, IssuedScorecardService issuing) =>
        {
            var caller = await callers.ResolveAsync(http.User, http.RequestAborted);
            var preview = caller is null ? null : await issuing.PreviewAsync(caller, assessmentId, http.RequestAborted);
            return preview is null ? Results.NotFound() : Results.File(preview.Content, "application/pdf", preview.FileName);
        });
        // Issuing is the scorecard page's button: a form POST with the page's antiforgery token, answered with the issued PDF.
        group.MapPost("/scorecard/issue", async (int assessmentId, HttpContext http, CallerResolver callers, IssuedScorecardService issuing) =>
        {
            // The antiforgery middleware only marks a request without the page's token; an endpoint that binds no form refuses it itself.
            if (http.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is not { IsValid: true })
            {
                return Results.Text("The scorecard was not issued: the request did not come from the portal's scorecard page. Open the page and press the button again.",
                    "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            }

            var caller = await callers.ResolveAsync(http.User, http.RequestAborted);
            if (caller is null)
            {
                return Results.NotFound();
            }

            var issued = await issuing.IssueAsync(caller, assessmentId, http.RequestAborted);
            return issued.Succeeded
                ? Results.File(issued.Value!.Content, "application/pdf", issued.Value.FileName)
                : Results.Text(issued.Message, "text/plain; charset=utf-8", statusCode: issued.Kind == OutcomeKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict);
        }).WithMetadata(new Microsoft.AspNetCore.Antiforgery.RequireAntiforgeryTokenAttribute());
        endpoints.MapGet("/scorecards/issued/{code:regex(^[0-9a-f]{{64}}$)}.json", async (string code, HttpContext http, CallerResolver callers, IssuedScorecardService issuing) =>
        {
            var caller = await callers.ResolveAsync(http.User, http.RequestAborted);
            var content = caller is null ? null : await issuing.ContentAsync(caller, code, http.RequestAborted);
            return content is null ? Results.NotFound() : Results.File(Encoding.UTF8.GetBytes(content), "application/json", $"scorecard-{code[..12]}.json");
        }).RequireAuthorization();
        return endpoints;
    }

    private static async Task<IResult> ExportAsync(int assessmentId, HttpContext http, CallerResolver callers, ScorecardService scorecards, string format)
    {
        var caller = await callers.ResolveAsync(http.User, http.RequestAborted);
        var report = caller is null ? null : await scorecards.GetAsync(caller, assessmentId, http.RequestAborted);
        if (report is null)
        {
            return Results.NotFound();
        }

        var name = $"{report.Reference}-scorecard-{report.GeneratedAt:yyyyMMdd-HHmm}.{format}";
        return format switch
        {
            "csv" => Results.File(Encoding.UTF8.GetBytes(Csv(report)), "text/csv", name),
            "xlsx" => Results.File(ScorecardWorkbook.Write(report), ScorecardWorkbook.ContentType, name),
            _ => Results.File(Encoding.UTF8.GetBytes(Json(report)), "application/json", name),
        };
    }
}
