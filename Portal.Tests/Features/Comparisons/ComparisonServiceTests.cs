using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Policy;
using Portal.Data.Reviews;
using Portal.Features.Assessments;
using Portal.Features.Comparisons;
using Portal.Features.Scorecards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Comparisons;

/// <summary>
/// Two competing bids under PR-2026-001 at Demo Valley: Acme's (P.3 rejected at review) and Brightwater's, scoped
/// without confidential patient data so some requirements are out of its scope. Demo Shire ICB runs its own
/// procurement under the same reference text.
/// </summary>
public sealed class ComparisonServiceTests : IAsyncLifetime
{
    private const string Reference = "PR-2026-001";
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private Caller _acme = default!;
    private Caller _brightwater = default!;
    private int _acmeBid;
    private int _brightwaterBid;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _acme = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _brightwater = await TestCallers.ForAsync(_database, TestCallers.OtherSupplier);
        var journey = new TestJourney(_database);
        _acmeBid = await journey.SubmittedAsync(_officer, _acme);
        _brightwaterBid = await journey.SubmittedAsync(_officer, _brightwater, ScopeConditions.None);
        await journey.Reviews.StartAsync(_officer, _acmeBid);
        await journey.Reviews.DecideAsync(_officer, _acmeBid, (await journey.CodesAsync(_acmeBid)).Where(c => c != "P.3").ToList(), ReviewOutcome.Accepted, null, TestVersions.Any);
        await journey.Reviews.DecideAsync(_officer, _acmeBid, ["P.3"], ReviewOutcome.Rejected, "The API is not listed anywhere public.", TestVersions.Any);
        await journey.Reviews.StartAsync(_officer, _brightwaterBid);
        await journey.Reviews.DecideAsync(_officer, _brightwaterBid, await journey.CodesAsync(_brightwaterBid), ReviewOutcome.Accepted, null, TestVersions.Any);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private ComparisonService Comparisons => new(_database, TimeProvider.System);

    private ScorecardService Scorecards => new(_database, TimeProvider.System);

    [Fact]
    public async Task A_supplier_name_that_is_a_formula_is_escaped_in_the_comparison_csv()
    {
        await using (var db = _database.CreateDbContext())
        {
            var supplier = await db.Assessments.Where(a => a.Id == _acmeBid).Select(a => a.Supplier!).SingleAsync();
            supplier.Name = "=cmd|' /C calc'!A0";
            await db.SaveChangesAsync();
        }

        var csv = ComparisonExports.Csv(await CompareAsync());
        using var reader = CsvHelper.CsvReader.Create(Encoding.UTF8.GetBytes(csv));
        var fields = new List<string>(reader.Headers.ToArray());
        while (reader.Read())
        {
            fields.AddRange(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString));
        }

        Assert.Contains(fields, f => f.StartsWith("'=cmd|", StringComparison.Ordinal));
        Assert.DoesNotContain(fields, f => f.Length > 0 && "=+-@\t\r".Contains(f[0], StringComparison.Ordinal));
    }

    private async Task<ComparisonService.Comparison> CompareAsync() => (await Comparisons.GetAsync(_officer, Reference))!;

    private static string ResultOf(ComparisonService.Comparison comparison, string code, int bidIndex) =>
        ComparisonService.ResultText(comparison.Rows.Single(r => r.Code == code).Results[bidIndex]);

    [Fact]
    public async Task Each_bids_column_agrees_with_its_own_scorecard()
    {
        var comparison = await CompareAsync();

        Assert.Equal([_acmeBid, _brightwaterBid], comparison.Bids.Select(b => b.AssessmentId));
        foreach (var (bid, column) in comparison.Bids.Select((b, i) => (b, i)))
        {
            var card = (await Scorecards.GetAsync(_officer, bid.AssessmentId))!.Card;
            Assert.Equal((card.Rag, card.RagReason, card.OverallPercent, card.MustPercent, card.ShouldPercent),
                (bid.Card.Rag, bid.Card.RagReason, bid.Card.OverallPercent, bid.Card.MustPercent, bid.Card.ShouldPercent));
            Assert.Equal(
                card.Requirements.Select(r => (r.Input.Code, r.Result)),
                comparison.Rows.Where(row => row.Results[column] is not null).Select(row => (row.Code, row.Results[column]!.Result)));
        }
    }

    [Fact]
    public async Task A_rejected_requirement_is_not_met_for_that_supplier_only()
    {
        var comparison = await CompareAsync();

        Assert.Equal("Not met", ResultOf(comparison, "P.3", 0));
        Assert.Equal("Met", ResultOf(comparison, "P.3", 1));
        Assert.Equal([Rag.Red, Rag.Green], comparison.Bids.Select(b => b.Card.Rag));
    }

    [Fact]
    public async Task A_requirement_in_scope_for_one_bid_only_is_not_in_scope_for_the_other()
    {
        var acmeOnly = (await new TestJourney(_database).CodesAsync(_acmeBid)).Except(await new TestJourney(_database).CodesAsync(_brightwaterBid)).ToList();

        var comparison = await CompareAsync();

        Assert.NotEmpty(acmeOnly);
        Assert.All(acmeOnly, code =>
        {
            Assert.Equal("Met", ResultOf(comparison, code, 0));
            Assert.Equal("Not in scope", ResultOf(comparison, code, 1));
        });
    }

    [Theory]
    [InlineData(TestCallers.Supplier)]
    [InlineData(TestCallers.OtherSupplier)]
    public async Task Supplier_cannot_compare_competing_bids(string supplier)
    {
        var caller = await TestCallers.ForAsync(_database, supplier);

        Assert.Null(await Comparisons.GetAsync(caller, Reference));
        Assert.Null(await Comparisons.FindAsync(caller, _acmeBid));
    }

    [Fact]
    public async Task Another_organisation_with_the_same_reference_sees_only_its_own_bids()
    {
        var otherOfficer = await TestCallers.ForAsync(_database, TestCallers.OtherOfficer);
        var theirs = await TestAssessments.InvitedAsync(_database, otherOfficer);

        var theirComparison = (await Comparisons.GetAsync(otherOfficer, Reference))!;
        var ours = await CompareAsync();

        Assert.Equal([theirs], theirComparison.Bids.Select(b => b.AssessmentId));
        Assert.DoesNotContain(ours.Bids, b => b.AssessmentId == theirs);
    }

    [Fact]
    public async Task Every_nhs_role_of_the_assessing_organisation_may_compare()
    {
        foreach (var who in new[] { TestCallers.Officer, TestCallers.Ccio, TestCallers.Administrator })
        {
            Assert.Equal(2, (await Comparisons.GetAsync(await TestCallers.ForAsync(_database, who), Reference))!.Bids.Count);
        }
    }

    [Fact]
    public async Task Withdrawn_and_draft_bids_are_left_out_and_named()
    {
        var withdrawn = await TestAssessments.InvitedAsync(_database, _officer, _brightwater.Email, _brightwater.SupplierName!);
        Assert.True((await new AssessmentService(_database, TimeProvider.System).WithdrawAsync(_officer, withdrawn, "The supplier withdrew its bid.", new Portal.Features.ReadVersion(null, Any: true))).Succeeded);
        var draft = await TestAssessments.ConfirmedAsync(_database, _officer);

        var comparison = await CompareAsync();

        Assert.Equal([_acmeBid, _brightwaterBid], comparison.Bids.Select(b => b.AssessmentId));
        Assert.Equal([(withdrawn, "withdrawn"), (draft, "a draft, not yet sent to the supplier")], comparison.LeftOut.Select(l => (l.AssessmentId, l.Why)));
    }

    [Fact]
    public async Task An_unknown_or_empty_reference_has_no_comparison()
    {
        Assert.Null(await Comparisons.GetAsync(_officer, "PR-NOPE"));
        Assert.Null(await Comparisons.GetAsync(_officer, "  "));
        Assert.Null(await Comparisons.GetAsync(_officer, null));
    }

    [Fact]
    public async Task The_link_to_compare_counts_the_bids_of_the_assessments_procurement()
    {
        var procurement = await Comparisons.FindAsync(_officer, _brightwaterBid);

        Assert.Equal(new ComparisonService.Procurement(Reference, 2), procurement);
    }

    [Fact]
    public async Task The_csv_export_reads_back_as_the_matrix()
    {
        var comparison = await CompareAsync();

        using var reader = CsvHelper.CsvReader.Create(Encoding.UTF8.GetBytes(ComparisonExports.Csv(comparison)));
        var header = reader.Headers.ToArray();
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        }

        Assert.Equal(["row", "id", "title", $"Acme Clinical Systems Ltd (OAP-{_acmeBid:D5})", $"Brightwater Health Software Ltd (OAP-{_brightwaterBid:D5})"], header);
        Assert.Equal(comparison.Rows.Count, rows.Count(r => r[0] == "requirement"));
        Assert.Equal(["Not met", "Met"], rows.Single(r => r[0] == "requirement" && r[1] == "P.3")[3..]);
        Assert.Equal(["Red", "Green"], rows.Single(r => r[0] == "rag")[3..]);
        Assert.Equal(comparison.Bids.Select(b => b.Card.OverallPercent.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)), rows.Single(r => r[0] == "overall_percent")[3..]);
    }

    [Fact]
    public async Task The_pdf_export_reads_back_with_each_suppliers_result_by_requirement()
    {
        var comparison = await CompareAsync();

        using var pdf = UglyToad.PdfPig.PdfDocument.Open(ComparisonPdf.Render(comparison));
        var pages = pdf.GetPages().ToList();
        var text = string.Join("\n", pages.Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        var p3 = pages.SelectMany(p => p.GetWords().Where(w => w.Text == "P.3").Select(w => (Page: p, Word: w))).Single();
        var p3Row = string.Join(" ", p3.Page.GetWords().Where(w => Math.Abs(w.BoundingBox.Bottom - p3.Word.BoundingBox.Bottom) < 1).Select(w => w.Text));

        Assert.True(pages[0].Width > pages[0].Height, "A4 landscape");
        Assert.Contains("Compare bids: PR-2026-001", text, StringComparison.Ordinal);
        Assert.Contains($"Brightwater Health Software Ltd OAP-{_brightwaterBid:D5} Under review Green", text, StringComparison.Ordinal);
        Assert.All(comparison.Rows, row => Assert.Contains($"{row.Code} ", text, StringComparison.Ordinal));
        Assert.Matches(@"P\.3 .* Not met Met$", p3Row);
        Assert.Contains("Not in scope", text, StringComparison.Ordinal);
        Assert.Contains($"Page {pages.Count} of {pages.Count}", text, StringComparison.Ordinal);
    }
}
