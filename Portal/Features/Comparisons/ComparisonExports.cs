using System.Globalization;
using System.Text;
using CsvHelper;
using Portal.Auth;
using Portal.Features.Assessments;

namespace Portal.Features.Comparisons;

/// <summary>
/// The comparison matrix as CSV (and, through <see cref="ComparisonPdf"/>, as PDF), laid out as on the page: a column per bid. The first column says what a row is
/// (summary rows first, then a "requirement" row per requirement), so a spreadsheet can filter on it.
/// </summary>
public static class ComparisonExports
{
    public static string Csv(ComparisonService.Comparison comparison)
    {
        var bids = comparison.Bids;
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, SpreadsheetText.CsvOptions, leaveOpen: true))
        {
            csv.WriteHeader(["row", "id", "title", .. bids.Select(b => b.Label)]);
            void Summary(string row, Func<ComparisonService.Bid, string> value) => csv.WriteRecord([row, string.Empty, string.Empty, .. bids.Select(value)]);
            Summary("procurement_reference", _ => comparison.ProcurementReference);
            Summary("assessment", b => b.Reference);
            Summary("supplier", b => b.SupplierName);
            Summary("status", b => AssessmentWorkflow.StatusName(b.Status));
            Summary("framework_version", b => $"{b.FrameworkName} {b.VersionLabel}");
            Summary("generated_at", _ => comparison.GeneratedAt.ToString("O", CultureInfo.InvariantCulture));
            Summary("rag", b => b.Card.StatusName);
            Summary("rag_reason", b => b.Card.StatusReason);
            // A bid not yet scored has no scores, rather than zeros a spreadsheet would average in.
            Summary("overall_percent", b => b.Card.IsScored ? b.Card.OverallPercent.ToString("0.0", CultureInfo.InvariantCulture) : string.Empty);
            Summary("must_percent", b => b.Card.IsScored ? b.Card.MustPercent.ToString("0.0", CultureInfo.InvariantCulture) : string.Empty);
            Summary("should_percent", b => b.Card.IsScored ? b.Card.ShouldPercent.ToString("0.0", CultureInfo.InvariantCulture) : string.Empty);
            Summary("unmet_must", b => b.Card.IsScored ? b.Card.UnmetMust.Count.ToString(CultureInfo.InvariantCulture) : string.Empty);
            foreach (var row in comparison.Rows)
            {
                csv.WriteRecord(["requirement", row.Code, row.Title, .. row.Results.Select(ComparisonService.ResultText)]);
            }

            csv.Flush();
        }

        return text.ToString();
    }

    public static IEndpointRouteBuilder MapComparisonExports(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/procurements/compare.csv", (string? reference, HttpContext http, CallerResolver callers, ComparisonService comparisons) =>
            ExportAsync(reference, http, callers, comparisons, c => Results.File(Encoding.UTF8.GetBytes(Csv(c)), "text/csv", $"{FileName(c)}.csv")))
            .RequireAuthorization();
        endpoints.MapGet("/procurements/compare.pdf", (string? reference, HttpContext http, CallerResolver callers, ComparisonService comparisons) =>
            ExportAsync(reference, http, callers, comparisons, c => Results.File(ComparisonPdf.Render(c), "application/pdf", $"{FileName(c)}.pdf")))
            .RequireAuthorization();
        return endpoints;
    }

    /// <summary>Every download goes through the service's gate: anyone who may not compare gets 404, as if there were no bids.</summary>
    private static async Task<IResult> ExportAsync(
        string? reference, HttpContext http, CallerResolver callers, ComparisonService comparisons, Func<ComparisonService.Comparison, IResult> file)
    {
        var caller = await callers.ResolveAsync(http.User, http.RequestAborted);
        var comparison = caller is null ? null : await comparisons.GetAsync(caller, reference, http.RequestAborted);
        return comparison is null ? Results.NotFound() : file(comparison);
    }

    /// <summary>A file name made only of safe characters, since a procurement reference is free text.</summary>
    public static string FileName(ComparisonService.Comparison comparison)
    {
        var safe = new string(comparison.ProcurementReference.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
        return $"{safe}-comparison-{comparison.GeneratedAt:yyyyMMdd-HHmm}";
    }
}
