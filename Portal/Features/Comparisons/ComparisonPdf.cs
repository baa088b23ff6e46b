using System.Globalization;
using Portal.Features.Assessments;
using Portal.Features.Scorecards;

namespace Portal.Features.Comparisons;

/// <summary>
/// The comparison as a printable, tagged A4 landscape document, laid out as the page is: the scores by supplier, then
/// the results by requirement with a column per bid. Every page is footed with the procurement, the time it was made
/// and a reminder that it holds competing bids.
/// </summary>
public static class ComparisonPdf
{
    public static byte[] Render(ComparisonService.Comparison comparison)
    {
        var made = comparison.GeneratedAt.ToString("d MMMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);
        using var pdf = new TaggedPdfWriter(
            $"Comparison of bids: {comparison.ProcurementReference}",
            "Open API compliance of competing bids, side by side",
            comparison.OrganisationName,
            comparison.GeneratedAt,
            [
                $"Procurement {comparison.ProcurementReference} · {comparison.OrganisationName} · made {made}",
                "Commercially confidential: the competing bids of one procurement, for the assessing organisation only.",
            ],
            landscape: true);

        pdf.Heading(1, $"Compare bids: {comparison.ProcurementReference}");
        pdf.Paragraph($"{comparison.OrganisationName}. {comparison.Bids.Count} {(comparison.Bids.Count == 1 ? "bid" : "bids")} compared, worked out {made}. "
            + "Each bid is scored by the portal's scoring model, as on its own scorecard.");
        foreach (var left in comparison.LeftOut)
        {
            pdf.Paragraph($"Left out: {left.Reference} ({left.SupplierName}) is {left.Why}.");
        }

        if (comparison.Bids.Count == 0)
        {
            return pdf.ToPdf();
        }

        pdf.Heading(2, "Scores by supplier");
        pdf.Table(
            ["Supplier", "Assessment", "Status", "RAG status", "Overall", "\"Must\"", "\"Should\"", "Why"],
            [3, 1.6, 1.8, 1.2, 1.1, 1.1, 1.1, 5],
            comparison.Bids.Select(b => (IReadOnlyList<string>)
            [
                b.SupplierName, b.Reference, AssessmentWorkflow.StatusName(b.Status), b.Card.StatusName,
                b.Card.ScoreText(b.Card.OverallPercent), b.Card.ScoreText(b.Card.MustPercent), b.Card.ScoreText(b.Card.ShouldPercent), b.Card.StatusReason,
            ]),
            rowHeaders: true);

        pdf.Heading(2, "Results by requirement");
        pdf.Table(
            ["Requirement", .. comparison.Bids.Select(b => b.Label)],
            [4, .. comparison.Bids.Select(_ => 1.8)],
            comparison.Rows.Select(r => (IReadOnlyList<string>)[$"{r.Code} {r.Title}", .. r.Results.Select(ComparisonService.ResultText)]),
            rowHeaders: true);
        return pdf.ToPdf();
    }
}
