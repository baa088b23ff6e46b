using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Features.Evidence;
using Portal.Features.Scorecards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Scorecards;

public sealed class ScorecardServiceTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private Caller _supplier = default!;
    private TestJourney _journey = default!;
    private int _id;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _journey = new TestJourney(_database);
        _id = await _journey.SubmittedAsync(_officer, _supplier);
        await _journey.Reviews.StartAsync(_officer, _id);
        var codes = await _journey.CodesAsync(_id);
        await _journey.Reviews.DecideAsync(_officer, _id, codes.Where(c => c != "P.3").ToList(), ReviewOutcome.Accepted, null, TestVersions.Any);
        await _journey.Reviews.DecideAsync(_officer, _id, ["P.3"], ReviewOutcome.Rejected, "The API is not listed anywhere public.", TestVersions.Any);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private ScorecardService Scorecards => new(_database, TimeProvider.System);

    [Fact]
    public async Task The_scorecard_reflects_the_review_a_rejected_must_makes_it_red()
    {
        var report = (await Scorecards.GetAsync(_officer, _id))!;

        Assert.Equal(Rag.Red, report.Card.Rag);
        Assert.Equal("1 \"must\" requirement is not met.", report.Card.RagReason);
        Assert.Equal(RequirementResult.NotMet, report.Card.Requirements.Single(r => r.Input.Code == "P.3").Result);
        Assert.Equal("2014-05", report.VersionLabel);
        Assert.True(report.Card.OverallPercent is > 90 and < 100);
    }

    [Fact]
    public async Task The_supplier_sees_its_scorecard_and_other_organisations_do_not()
    {
        Assert.NotNull(await Scorecards.GetAsync(_supplier, _id));
        Assert.Null(await Scorecards.GetAsync(await TestCallers.ForAsync(_database, TestCallers.OtherSupplier), _id));
        Assert.Null(await Scorecards.GetAsync(await TestCallers.ForAsync(_database, TestCallers.OtherOfficer), _id));
    }

    [Fact]
    public async Task Expired_evidence_turns_an_accepted_answer_into_not_met()
    {
        await using (var db = _database.CreateDbContext())
        {
            var response = await db.RequirementResponses.Include(r => r.Evidence)
                .SingleAsync(r => r.AssessmentId == _id && db.AssessmentRequirements.Any(x => x.Id == r.AssessmentRequirementId && x.Code == "C.4"));
            response.Evidence.Add(new EvidenceItem
            {
                AssessmentId = _id, Kind = EvidenceItemKind.TestEnvironment, Title = "Sandbox certificate", Url = "https://sandbox.acme.example",
                EvidenceDate = new DateOnly(2025, 1, 1), ValidUntil = TimeProvider.System.PortalToday().AddDays(-1), AddedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var report = (await Scorecards.GetAsync(_officer, _id))!;

        Assert.Equal(["C.4"], report.Card.Expired.Select(r => r.Input.Code));
    }

    [Fact]
    public async Task Formula_payloads_in_free_text_are_escaped_in_every_csv_and_workbook_cell()
    {
        await using (var db = _database.CreateDbContext())
        {
            var codes = await _journey.CodesAsync(_id);
            var requirements = await db.PolicyRequirements.Where(r => codes.Contains(r.Code)).Take(5).ToListAsync();
            string[] payloads = ["=HYPERLINK(\"http://attacker.example\",\"Open\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1"];
            for (var i = 0; i < requirements.Count; i++)
            {
                requirements[i].Title = payloads[i];
            }

            await db.SaveChangesAsync();
        }

        var report = (await Scorecards.GetAsync(_officer, _id))!;
        using var reader = CsvHelper.CsvReader.Create(Encoding.UTF8.GetBytes(ScorecardExports.Csv(report)));
        var fields = new List<string>(reader.Headers.ToArray());
        while (reader.Read())
        {
            fields.AddRange(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString));
        }

        using var workbook = SpreadsheetDocument.Open(new MemoryStream(ScorecardWorkbook.Write(report)), isEditable: false);
        var cells = workbook.WorkbookPart!.WorksheetParts.SelectMany(p => p.Worksheet.Descendants<Cell>()).ToList();
        var texts = cells.Where(c => c.DataType?.Value == CellValues.InlineString).Select(c => c.InnerText).ToList();

        Assert.Contains("'=HYPERLINK(\"http://attacker.example\",\"Open\")", fields);
        Assert.Contains("'+cmd|' /C calc'!A0", texts);
        Assert.DoesNotContain(fields, f => f.Length > 0 && "=+-@\t\r".Contains(f[0], StringComparison.Ordinal));
        Assert.DoesNotContain(texts, t => t.Length > 0 && "=+-@\t\r".Contains(t[0], StringComparison.Ordinal));
        Assert.DoesNotContain(cells, c => c.CellFormula is not null);
    }

    [Fact]
    public async Task The_csv_and_json_exports_read_back_and_agree_with_the_scorecard()
    {
        var report = (await Scorecards.GetAsync(_officer, _id))!;

        var csv = ScorecardExports.Csv(report);
        using var reader = CsvHelper.CsvReader.Create(Encoding.UTF8.GetBytes(csv));
        _ = reader.Headers;
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        }

        using var json = JsonDocument.Parse(ScorecardExports.Json(report));
        var root = json.RootElement;

        Assert.Equal(report.Card.Requirements.Count, rows.Count);
        Assert.All(rows, row => Assert.Equal("2014-05", row[2]));
        Assert.Equal("NotMet", rows.Single(r => r[4] == "P.3")[11]);
        Assert.Equal("Red", root.GetProperty("rag").GetString());
        Assert.Equal(report.Card.OverallPercent, root.GetProperty("overallPercent").GetDecimal());
        Assert.Equal("2014-05", root.GetProperty("framework").GetProperty("version").GetString());
        Assert.Equal(report.Card.Requirements.Count, root.GetProperty("requirements").GetArrayLength());
        Assert.True(DateTime.TryParse(root.GetProperty("generatedAt").GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out _));
    }

    [Fact]
    public async Task The_xlsx_export_read_back_by_another_library_agrees_with_the_scorecard()
    {
        var report = (await Scorecards.GetAsync(_officer, _id))!;

        var workbook = ScorecardWorkbook.Write(report);
        using var stream = new MemoryStream(workbook);
        var sheets = MiniExcelLibs.MiniExcel.GetSheetNames(stream);
        stream.Position = 0;
        var summary = MiniExcelLibs.MiniExcel.Query(stream, useHeaderRow: true, sheetName: "Summary").Cast<IDictionary<string, object?>>()
            .ToDictionary(row => (string)row["Item"]!, row => row["Value"]);
        stream.Position = 0;
        var requirements = MiniExcelLibs.MiniExcel.Query(stream, useHeaderRow: true, sheetName: "Requirements").Cast<IDictionary<string, object?>>().ToList();

        Assert.Equal(["Summary", "Requirements"], sheets);
        Assert.Equal(report.Card.Requirements.Count, requirements.Count);
        Assert.Equal("NotMet", requirements.Single(r => (string?)r["id"] == "P.3")["result"]);
        Assert.Equal(3d, requirements.Single(r => (string?)r["id"] == "P.3")["weight"]);
        Assert.Equal("Red", summary["RAG status"]);
        Assert.Equal((double)report.Card.OverallPercent, summary["Overall score (%)"]);
        Assert.Equal((double)report.Card.MustPercent, summary["\"Must\" score (%)"]);
        Assert.Equal((double)report.Card.ShouldPercent, summary["\"Should\" score (%)"]);
        Assert.Equal("2014-05", summary["Framework version"]);
        Assert.Equal(report.GeneratedAt, (DateTime)summary["Made at (UTC)"]!, TimeSpan.FromSeconds(1));
        Assert.Equal("Not signed off", summary["Sign-off"]);
    }

    [Fact]
    public async Task The_xlsx_export_freezes_and_styles_the_header_row_of_each_sheet()
    {
        var report = (await Scorecards.GetAsync(_officer, _id))!;

        using var document = SpreadsheetDocument.Open(new MemoryStream(ScorecardWorkbook.Write(report)), isEditable: false);
        var worksheets = document.WorkbookPart!.WorksheetParts.Select(p => p.Worksheet).ToList();
        var styles = document.WorkbookPart.WorkbookStylesPart!.Stylesheet;

        Assert.Equal(2, worksheets.Count);
        Assert.All(worksheets, sheet =>
        {
            var pane = sheet.Descendants<Pane>().Single();
            Assert.Equal(PaneStateValues.Frozen, pane.State!.Value);
            Assert.Equal(1d, pane.VerticalSplit!.Value);
            var header = sheet.Descendants<Row>().First().Elements<Cell>().First();
            var format = styles.CellFormats!.Elements<CellFormat>().ElementAt((int)header.StyleIndex!.Value);
            Assert.NotNull(styles.Fonts!.Elements<Font>().ElementAt((int)format.FontId!.Value).Bold);
            Assert.All(sheet.Descendants<Column>(), column => Assert.True(column.Width!.Value >= 8));
        });
    }

    [Fact]
    public async Task The_xlsx_export_is_a_valid_office_open_xml_workbook()
    {
        var report = (await Scorecards.GetAsync(_officer, _id))!;

        using var document = SpreadsheetDocument.Open(new MemoryStream(ScorecardWorkbook.Write(report)), isEditable: false);
        var errors = new DocumentFormat.OpenXml.Validation.OpenXmlValidator().Validate(document).Select(e => $"{e.Path?.XPath}: {e.Description}");

        Assert.Empty(errors);
    }
}
