using System.Globalization;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Portal.Features.Assessments;
using Portal.Features.SignOffs;

namespace Portal.Features.Scorecards;

/// <summary>
/// A scorecard as an Excel workbook: a Summary sheet for people and a Requirements sheet with the CSV's columns.
/// Numbers are written as numbers and times as Excel date-times (UTC), so they sort and sum. Text is written as inline
/// strings, which Excel never evaluates, so typed text that starts with "=" cannot become a formula.
/// </summary>
public static class ScorecardWorkbook
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private const uint HeaderStyle = 1;
    private const uint DateTimeStyle = 2;
    private const uint WrappedStyle = 3;

    public static byte[] Write(ScorecardService.Report report)
    {
        using var buffer = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(buffer, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets());
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = Styles();
            AddSheet(workbook, "Summary", [34, 100], SummaryRows(report));
            AddSheet(workbook, "Requirements", [12, 26, 10, 22, 10, 30, 60, 11, 8, 16, 22, 16, 8, 70, 70], RequirementRows(report));
        }

        return buffer.ToArray();
    }

    private static IEnumerable<object?[]> SummaryRows(ScorecardService.Report report)
    {
        var card = report.Card;
        yield return ["Item", "Value"];
        yield return ["Assessment", report.Reference];
        yield return ["System", report.SystemName];
        yield return ["Organisation", report.OrganisationName];
        yield return ["Supplier", report.SupplierName];
        yield return ["Route", Policy.PolicyWording.RouteName(report.Route)];
        yield return ["Status", AssessmentWorkflow.StatusName(report.Status)];
        yield return ["Framework", report.FrameworkName];
        yield return ["Framework version", report.VersionLabel];
        yield return ["Made at (UTC)", report.GeneratedAt];
        yield return ["RAG status", card.StatusName];
        yield return ["RAG reason", card.StatusReason];
        yield return [Scorecard.UnmetMustTitle, card.UnmetMust.Count];
        yield return ["Requirements with evidence drift", report.Drift.Count];
        yield return ["Overall score (%)", card.OverallPercent];
        yield return ["\"Must\" score (%)", card.MustPercent];
        yield return ["\"Should\" score (%)", card.ShouldPercent];
        yield return ["\"Must\" weight", report.Rules.MustWeight];
        yield return ["\"Should\" weight", report.Rules.ShouldWeight];
        yield return ["\"Should\" threshold for Amber (%)", report.Rules.ShouldThresholdPercent];
        yield return ["Unmet requirements are", card.UnmetAreNegotiationPoints ? "Negotiation points (upgrade route)" : "Failures"];
        foreach (var section in card.Sections)
        {
            yield return [$"Section score (%): {report.SectionTitles.GetValueOrDefault(section.SectionCode, section.SectionCode)}", section.Percent];
        }

        if (report.SignOff is not { } signOff)
        {
            yield return ["Sign-off", "Not signed off"];
            yield break;
        }

        yield return ["Sign-off", signOff.IsVoid ? $"Sign-off void: {signOff.VoidReason}" : SignOffRecord.DecisionText(signOff.Decision)];
        yield return ["Signed off by", signOff.SignedBy];
        yield return ["Signed off as", signOff.Role];
        yield return ["Signed off at (UTC)", signOff.SignedAt];
        if (signOff.RedApprovalReason is { } red)
        {
            yield return ["Approved although Red, because", red];
        }

        yield return ["Seal (SHA-256)", signOff.Seal];
        foreach (var condition in report.Conditions)
        {
            yield return [$"Condition (due {condition.DueDate:yyyy-MM-dd})", $"{condition.Text} (owner: {condition.Owner})"];
        }
    }

    private static IEnumerable<object?[]> RequirementRows(ScorecardService.Report report)
    {
        yield return [.. ScorecardExports.RequirementColumns];
        foreach (var r in report.Card.Requirements)
        {
            yield return
            [
                report.Reference, report.FrameworkName, report.VersionLabel, report.GeneratedAt, r.Input.Code,
                report.SectionTitles.GetValueOrDefault(r.Input.SectionCode, r.Input.SectionCode), r.Input.Title, r.Input.Obligation.ToString(),
                r.Weight, r.Input.Claim?.ToString(), r.Input.Decision?.ToString(), r.Result.ToString(), r.Credit, r.Explanation, ScorecardExports.DriftCell(report, r.Input.Code),
            ];
        }
    }

    private static void AddSheet(WorkbookPart workbook, string name, int[] widths, IEnumerable<object?[]> rows)
    {
        var part = workbook.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        uint rowIndex = 0;
        foreach (var values in rows)
        {
            rowIndex++;
            var row = new Row { RowIndex = rowIndex };
            for (var column = 0; column < values.Length; column++)
            {
                if (Cell(values[column], rowIndex == 1) is { } cell)
                {
                    cell.CellReference = $"{(char)('A' + column)}{rowIndex}";
                    row.Append(cell);
                }
            }

            data.Append(row);
        }

        part.Worksheet = new Worksheet(
            new SheetViews(new SheetView(
                new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen },
                new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue> { InnerText = "A2" } })
            { WorkbookViewId = 0, TabSelected = workbook.Workbook.Sheets!.ChildElements.Count == 0 }),
            new Columns(widths.Select((width, i) => new Column { Min = (uint)i + 1, Max = (uint)i + 1, Width = width, CustomWidth = true })),
            data);
        workbook.Workbook.Sheets!.Append(new Sheet
        {
            Id = workbook.GetIdOfPart(part),
            SheetId = (uint)workbook.Workbook.Sheets.ChildElements.Count + 1,
            Name = name,
        });
    }

    private static Cell? Cell(object? value, bool header) => value switch
    {
        null => null,
        string text => new Cell(new InlineString(new Text(XmlSafe(SpreadsheetText.Inert(text))) { Space = SpaceProcessingModeValues.Preserve }))
        {
            DataType = CellValues.InlineString,
            StyleIndex = header ? HeaderStyle : text.Length > 60 ? WrappedStyle : null,
        },
        DateTime time => new Cell(new CellValue(time.ToOADate().ToString(CultureInfo.InvariantCulture))) { StyleIndex = DateTimeStyle },
        IFormattable number => new Cell(new CellValue(number.ToString(null, CultureInfo.InvariantCulture))) { DataType = CellValues.Number },
        _ => throw new ArgumentException($"A workbook cell cannot hold a {value.GetType().Name}.", nameof(value)),
    };

    // Free text may hold control characters that XML cannot carry; the writer would refuse the whole workbook.
    private static string XmlSafe(string text) =>
        text.All(XmlConvert.IsXmlChar) ? text : new string(text.Where(XmlConvert.IsXmlChar).ToArray());

    private static Stylesheet Styles() => new(
        new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy-mm-dd hh:mm:ss" }) { Count = 1 },
        new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "Arial" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new Color { Rgb = "FFFFFFFF" }, new FontName { Val = "Arial" }))
        { Count = 2 },
        new Fills(
            new Fill(new PatternFill { PatternType = PatternValues.None }),
            new Fill(new PatternFill { PatternType = PatternValues.Gray125 }),
            new Fill(new PatternFill(new ForegroundColor { Rgb = "FF005EB8" }) { PatternType = PatternValues.Solid }))
        { Count = 3 },
        new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
        new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
        new CellFormats(
            new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
            new CellFormat { NumberFormatId = 0, FontId = 1, FillId = 2, BorderId = 0, FormatId = 0, ApplyFont = true, ApplyFill = true },
            new CellFormat { NumberFormatId = 164, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true },
            new CellFormat(new Alignment { WrapText = true, Vertical = VerticalAlignmentValues.Top }) { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyAlignment = true })
        { Count = 4 },
        new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });
}
