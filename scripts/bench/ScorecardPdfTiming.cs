using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.Pdf.IO;
using Portal.Features.Scorecards;

namespace Portal.Benchmarks;

/// <summary>The PDF scorecard's rendering time and size beside a bare PDFsharp document with as many pages.</summary>
/// <param name="TimesBare">The median of each scorecard render's time over the bare render timed just after it.</param>
public sealed record PdfFigures(int Requirements, int Pages, Distribution Render, long Bytes, Distribution Bare, long BareBytes, double TimesBare);

/// <summary>
/// Renders one assessment's PDF scorecard in this process, as the portal does when it issues one (the data is
/// read once; only rendering is timed), and a bare document of the same page count in the same font in the same
/// run, so the ratio between them holds on a busy machine.
/// </summary>
public static class ScorecardPdfTiming
{
    public static async Task<PdfFigures> MeasureAsync(BenchDatabase database, int assessmentId, int officerUserId, int renders, CancellationToken cancellationToken)
    {
        var officer = await database.OfficerAsync(officerUserId, cancellationToken);
        var report = await new ScorecardService(database.Contexts, TimeProvider.System).GetWithAnswersAsync(officer, assessmentId, cancellationToken)
            ?? throw new InvalidOperationException($"No scorecard for assessment {assessmentId}.");
        var code = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ScorecardExports.Json(report))));

        // As issued by a portal that knows its public address: with the QR code of the verification address.
        var address = "https://open-api-portal.example.nhs.uk" + ScorecardPdf.VerificationPath(code);
        var pdf = ScorecardPdf.Render(report, code, address);
        int pages;
        using (var read = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import))
        {
            pages = read.PageCount;
        }

        var bare = Bare(pages);
        var (render, bareTimes, ratio) = TimeInTurn(renders, () => ScorecardPdf.Render(report, code, address), () => Bare(pages));
        return new PdfFigures(report.Card.Requirements.Count, pages, render, pdf.LongLength, bareTimes, bare.LongLength, ratio);
    }

    /// <summary>
    /// A bare document: the same page count, embedded font and density of text (a full A4 page of 9.5 pt lines), drawn
    /// straight onto the pages with no layout, tables or tagging. The ratio to it is what the scorecard's own layout
    /// and accessibility tagging cost on top of PDFsharp writing the same amount of text.
    /// </summary>
    private static byte[] Bare(int pages)
    {
        var font = TaggedPdfWriter.Font(9.5);
        using var document = new PdfDocument();
        for (var i = 1; i <= pages; i++)
        {
            var page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            using var gfx = XGraphics.FromPdfPage(page);
            for (var line = 0; line < 55; line++)
            {
                gfx.DrawString($"Line {line + 1} of page {i} of {pages}: a claim, its decision, its result and its evidence", font, XBrushes.Black, 42, 42 + (line * 12.35));
            }
        }

        using var output = new MemoryStream();
        document.Save(output);
        return output.ToArray();
    }

    /// <summary>
    /// A few unmeasured renders of each first (JIT, font tables), then the two in turn (scorecard, bare, scorecard,
    /// bare...), so a change in the machine's load hits both alike; the ratio is taken pair by pair and its median kept.
    /// </summary>
    private static (Distribution Render, Distribution Bare, double MedianRatio) TimeInTurn(int renders, Func<byte[]> render, Func<byte[]> bare)
    {
        for (var i = 0; i < 5; i++)
        {
            render();
            bare();
        }

        var renderSamples = new List<double>(renders);
        var bareSamples = new List<double>(renders);
        var ratios = new List<double>(renders);
        for (var i = 0; i < renders; i++)
        {
            var r = Timed(render);
            var b = Timed(bare);
            renderSamples.Add(r);
            bareSamples.Add(b);
            ratios.Add(r / b);
        }

        ratios.Sort();
        return (Distribution.Of(renderSamples), Distribution.Of(bareSamples), ratios[ratios.Count / 2]);
    }

    private static double Timed(Func<byte[]> render)
    {
        var started = Stopwatch.GetTimestamp();
        render();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
