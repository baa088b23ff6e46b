using System.Text;
using System.Text.Json;
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
        await _journey.Reviews.DecideAsync(_officer, _id, codes.Where(c => c != "P.3").ToList(), ReviewOutcome.Accepted, null);
        await _journey.Reviews.DecideAsync(_officer, _id, ["P.3"], ReviewOutcome.Rejected, "The API is not listed anywhere public.");
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
                EvidenceDate = new DateOnly(2025, 1, 1), ValidUntil = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-1), AddedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var report = (await Scorecards.GetAsync(_officer, _id))!;

        Assert.Equal(["C.4"], report.Card.Expired.Select(r => r.Input.Code));
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
}
