using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Scorecards;
using Portal.Data.SignOffs;
using Portal.Features.Assessments;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Assessments;

/// <summary>Finding and ordering assessments in the list: search, sort, the RAG and due-date columns, and who can find what.</summary>
public sealed class AssessmentSearchTests : IAsyncLifetime
{
    private static readonly DateOnly Today = TimeProvider.System.PortalToday();

    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private AssessmentService _assessments = default!;

    /// <summary>Acme's maternity system: Red, answers due in 10 days.</summary>
    private int _maternity;

    /// <summary>Brightwater's pharmacy system, procurement TENDER-77: Green, answers due in 3 days.</summary>
    private int _pharmacy;

    /// <summary>Acme's radiology system: Amber, signed off with conditions, the earliest due in 20 days.</summary>
    private int _radiology;

    /// <summary>A draft with nothing chosen: not yet scored, nothing due.</summary>
    private int _draft;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _assessments = new AssessmentService(_database, TimeProvider.System);
        _maternity = await TestAssessments.InvitedAsync(_database, _officer);
        _pharmacy = await TestAssessments.InvitedAsync(_database, _officer, "bea.lindqvist@brightwater.example", "Brightwater Health Software Ltd", procurementReference: "TENDER-77");
        _radiology = await TestAssessments.InvitedAsync(_database, _officer);
        _draft = (await new AssessmentStartService(_database, TimeProvider.System).CreateDraftAsync(_officer)).Value!.Summary.Id;

        await using var db = _database.CreateDbContext();
        await ShapeAsync(db, _maternity, "Maternity records", Today.AddDays(10), RagStatus.Red);
        await ShapeAsync(db, _pharmacy, "Pharmacy stock control", Today.AddDays(3), RagStatus.Green);
        await ShapeAsync(db, _radiology, "Radiology imaging", Today.AddDays(1), RagStatus.Amber);
        var radiology = await db.Assessments.SingleAsync(a => a.Id == _radiology);
        radiology.MoveTo(AssessmentStatus.SignedOffWithConditions, DateTime.UtcNow);
        db.SignOffs.Add(new SignOff
        {
            AssessmentId = _radiology, Decision = SignOffDecision.ApprovedWithConditions, SignedByName = "Chris Morgan", SignedByRole = "CCIO",
            Attestation = "Signed.", Snapshot = "{}", Seal = "seal", SignedAt = DateTime.UtcNow,
            Conditions = [new() { Text = "Publish the FHIR API", Owner = "Acme", DueDate = Today.AddDays(40) }, new() { Text = "Share the audit API", Owner = "Acme", DueDate = Today.AddDays(20) }],
        });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Theory]
    [InlineData("OAP-{0:D5}")]
    [InlineData("oap-{0}")]
    [InlineData("OAP{0:D5}")]
    public async Task Searching_for_a_reference_finds_only_that_assessment_however_the_reference_is_written(string written)
    {
        var search = string.Format(System.Globalization.CultureInfo.InvariantCulture, written, _pharmacy);

        var page = await _assessments.PageAsync(_officer, new AssessmentService.ListQuery(Search: search));

        Assert.Equal([_pharmacy], page.Rows.Select(r => r.Id));
    }

    [Theory]
    [InlineData("{0}")]
    [InlineData(" {0:D5} ")]
    public async Task Searching_for_a_bare_number_finds_the_assessment_with_that_reference(string written)
    {
        var search = string.Format(System.Globalization.CultureInfo.InvariantCulture, written, _pharmacy);

        var page = await _assessments.PageAsync(_officer, new AssessmentService.ListQuery(Search: search));

        Assert.Contains(_pharmacy, page.Rows.Select(r => r.Id));
    }

    [Theory]
    [InlineData("maternity", "maternity")]
    [InlineData("STOCK CONTROL", "pharmacy")]
    [InlineData("Brightwater", "pharmacy")]
    [InlineData("tender-77", "pharmacy")]
    [InlineData("Acme Clinical", "maternity,radiology")]
    [InlineData("PR-2026", "maternity,radiology")]
    [InlineData("100%_", "")]
    public async Task Searching_finds_assessments_by_system_supplier_or_procurement_reference(string search, string expected)
    {
        var page = await _assessments.PageAsync(_officer, new AssessmentService.ListQuery(Search: search, Sort: AssessmentSort.System));

        Assert.Equal(Ids(expected), page.Rows.Select(r => r.Id));
        Assert.Equal(page.Rows.Count, page.Total);
    }

    [Fact]
    public async Task A_supplier_searching_never_finds_another_suppliers_assessment()
    {
        var brightwater = await TestCallers.ForAsync(_database, TestCallers.OtherSupplier);

        foreach (var search in new[] { $"OAP-{_maternity:D5}", _maternity.ToString(System.Globalization.CultureInfo.InvariantCulture), "Maternity", "Acme", "PR-2026-001" })
        {
            var page = await _assessments.PageAsync(brightwater, new AssessmentService.ListQuery(Search: search));
            Assert.True(page.Total == 0, $"Searching \"{search}\" found {string.Join(", ", page.Rows.Select(r => r.Reference))}.");
        }

        var own = await _assessments.PageAsync(brightwater, new AssessmentService.ListQuery(Search: "pharmacy"));
        Assert.Equal([_pharmacy], own.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Another_organisations_officer_searching_for_a_reference_finds_nothing()
    {
        var other = await TestCallers.ForAsync(_database, TestCallers.OtherOfficer);

        var page = await _assessments.PageAsync(other, new AssessmentService.ListQuery(Search: $"OAP-{_pharmacy:D5}"));

        Assert.Equal(0, page.Total);
    }

    [Theory]
    [InlineData(AssessmentSort.System, false, "draft,maternity,pharmacy,radiology")]
    [InlineData(AssessmentSort.System, true, "radiology,pharmacy,maternity,draft")]
    [InlineData(AssessmentSort.Reference, false, "maternity,pharmacy,radiology,draft")]
    [InlineData(AssessmentSort.Reference, true, "draft,radiology,pharmacy,maternity")]
    [InlineData(AssessmentSort.Supplier, false, "maternity,radiology,pharmacy,draft")]
    [InlineData(AssessmentSort.Supplier, true, "pharmacy,radiology,maternity,draft")]
    [InlineData(AssessmentSort.Status, false, "draft,maternity,pharmacy,radiology")]
    [InlineData(AssessmentSort.Status, true, "radiology,pharmacy,maternity,draft")]
    [InlineData(AssessmentSort.Rag, false, "maternity,radiology,pharmacy,draft")]
    [InlineData(AssessmentSort.Rag, true, "pharmacy,radiology,maternity,draft")]
    [InlineData(AssessmentSort.Due, false, "pharmacy,maternity,radiology,draft")]
    [InlineData(AssessmentSort.Due, true, "radiology,maternity,pharmacy,draft")]
    public async Task Sorting_orders_the_whole_list_in_the_database_with_gaps_last_either_way(AssessmentSort sort, bool descending, string expected)
    {
        var page = await _assessments.PageAsync(_officer, new AssessmentService.ListQuery(Sort: sort, Descending: descending));

        Assert.Equal(Ids(expected), page.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Sorted_pages_follow_on_from_one_another_without_repeats()
    {
        var pages = new List<int>();
        for (var number = 1; number <= 4; number++)
        {
            pages.AddRange((await _assessments.PageAsync(_officer, new AssessmentService.ListQuery(Page: number, PageSize: 1, Sort: AssessmentSort.Due))).Rows.Select(r => r.Id));
        }

        Assert.Equal(Ids("pharmacy,maternity,radiology,draft"), pages);
    }

    [Fact]
    public async Task Each_row_carries_its_stored_rag_status_and_the_next_date_something_is_due()
    {
        var rows = (await _assessments.PageAsync(_officer, new AssessmentService.ListQuery())).Rows.ToDictionary(r => r.Id);

        Assert.Equal((RagStatus.Red, Today.AddDays(10), "Response due"), (rows[_maternity].Rag, rows[_maternity].NextDue, rows[_maternity].NextDueWhat));
        Assert.Equal((RagStatus.Amber, Today.AddDays(20), "Conditions due"), (rows[_radiology].Rag, rows[_radiology].NextDue, rows[_radiology].NextDueWhat));
        Assert.Equal((null, null), (rows[_draft].Rag, rows[_draft].NextDue));
    }

    [Fact]
    public async Task A_stored_score_whose_inputs_changed_is_shown_as_updating_until_the_worker_works_it_out_again()
    {
        await using (var db = _database.CreateDbContext())
        {
            var score = await db.AssessmentScores.SingleAsync(s => s.AssessmentId == _maternity);
            score.InputsStamp = Guid.NewGuid();
            await db.SaveChangesAsync();
        }

        var before = (await _assessments.PageAsync(_officer, new AssessmentService.ListQuery(Search: "maternity"))).Rows.Single();
        await TestScoreWorker.For(_database).RunOnceAsync();
        var after = (await _assessments.PageAsync(_officer, new AssessmentService.ListQuery(Search: "maternity"))).Rows.Single();

        Assert.Equal((RagStatus.Red, true), (before.Rag, before.ScoreUpdating));
        // Nothing has been reviewed, so worked out afresh it is not yet scored, whatever was stored before.
        Assert.Equal((null, false), (after.Rag, after.ScoreUpdating));
    }

    [Theory]
    [InlineData("OAP-00012", 12)]
    [InlineData("oap 7", 7)]
    [InlineData("0042", 42)]
    [InlineData("OAP-", -1)]
    [InlineData("12a", -1)]
    [InlineData("99999999999999", -1)]
    public void A_reference_is_read_as_people_type_it(string typed, int id) =>
        Assert.Equal(id, AssessmentService.ReferenceNumber(typed));

    private IEnumerable<int> Ids(string names) => names.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(name => name switch
    {
        "maternity" => _maternity,
        "pharmacy" => _pharmacy,
        "radiology" => _radiology,
        "draft" => _draft,
        _ => throw new ArgumentException(name),
    });

    /// <summary>Names the system, sets when answers are due and stores a score worked out from the current inputs, as the dashboard would.</summary>
    private static async Task ShapeAsync(Portal.Data.PortalDbContext db, int id, string systemName, DateOnly due, RagStatus rag)
    {
        var assessment = await db.Assessments.SingleAsync(a => a.Id == id);
        assessment.SystemName = systemName;
        assessment.ResponseDueDate = due;
        var score = await db.AssessmentScores.SingleAsync(s => s.AssessmentId == id);
        score.Rag = rag;
        score.CalculatedFromStamp = score.InputsStamp;
        score.CalculatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync();
    }
}
