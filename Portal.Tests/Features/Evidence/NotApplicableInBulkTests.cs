using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Features;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence;

/// <summary>One "not applicable" justification given to several requirements: each is its own answer, checked and audited.</summary>
public sealed class NotApplicableInBulkTests : IAsyncLifetime
{
    private const string Why = "The system holds no patient records, so record-level access does not arise.";
    private TestDatabase _database = default!;
    private Caller _supplier = default!;
    private int _assessmentId;
    private EvidenceWorkspaceService _workspace = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _assessmentId = await TestAssessments.InvitedAsync(_database, await TestCallers.ForAsync(_database, TestCallers.Officer));
        _workspace = new(_database, new LocalFolderEvidenceStore(Path.Combine(_database.Directory, "evidence")), Options.Create(new EvidenceOptions()), TimeProvider.System);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<IReadOnlyList<WorkspaceRequirement>> RequirementsAsync() => (await _workspace.GetAsync(_supplier, _assessmentId))!.Requirements;

    private static BulkTarget Target(WorkspaceRequirement r) => new(r.Code, ReadVersion.Of(r.Response?.ConcurrencyStamp));

    [Fact]
    public async Task Each_chosen_requirement_is_saved_as_its_own_not_applicable_answer_and_audited_on_its_own()
    {
        var chosen = (await RequirementsAsync()).Take(3).ToList();

        var result = await _workspace.MarkNotApplicableAsync(_supplier, _assessmentId, [.. chosen.Select(Target)], Why);

        Assert.Equal(OutcomeKind.Done, result.Kind);
        Assert.Equal(chosen.Select(r => r.Code), result.Value!.Saved);
        Assert.Empty(result.Value.Skipped);
        Assert.Equal("Marked 3 requirements not applicable.", result.Message);
        var after = (await RequirementsAsync()).Where(r => chosen.Any(c => c.Code == r.Code)).ToList();
        Assert.All(after, r =>
        {
            Assert.Equal(ComplianceClaim.NotApplicable, r.Response!.Claim);
            Assert.Equal(Why, r.Response.NotApplicableJustification);
            Assert.True(r.IsAnswered);
        });
        Assert.Equal(3, after.Select(r => r.Response!.ConcurrencyStamp).Distinct().Count());
        await using var db = _database.CreateDbContext();
        var audited = await db.AuditEvents.Where(e => e.AssessmentId == _assessmentId && e.Action == "ResponseSaved").Select(e => e.EntityId).ToListAsync();
        Assert.Equal(chosen.Select(r => $"OAP-{_assessmentId:D5}/{r.Code}").Order(), audited.Order());
    }

    [Fact]
    public async Task A_requirement_that_already_has_a_different_answer_is_skipped_and_the_person_is_told_why()
    {
        var chosen = (await RequirementsAsync()).Take(3).ToList();
        await _workspace.SaveResponseAsync(_supplier, _assessmentId, chosen[1].Code, new(ComplianceClaim.Meets, "Our FHIR API returns every record.", null, null, null), ReadVersion.None);
        await _workspace.SaveResponseAsync(_supplier, _assessmentId, chosen[2].Code, new(null, "Half-written thoughts", null, null, null), ReadVersion.None);
        var read = (await RequirementsAsync()).Take(3).ToList();

        var result = await _workspace.MarkNotApplicableAsync(_supplier, _assessmentId, [.. read.Select(Target)], Why);

        Assert.Equal(OutcomeKind.Done, result.Kind);
        Assert.Equal([chosen[0].Code], result.Value!.Saved);
        Assert.Equal([chosen[1].Code, chosen[2].Code], result.Value.Skipped.Select(s => s.Code));
        Assert.Contains("already answered \"Meets\"", result.Value.Skipped[0].Reason, StringComparison.Ordinal);
        Assert.Contains("already has text written", result.Value.Skipped[1].Reason, StringComparison.Ordinal);
        Assert.Equal("Marked 1 requirement not applicable; skipped 2.", result.Message);
        var after = await RequirementsAsync();
        Assert.Equal(ComplianceClaim.Meets, after.Single(r => r.Code == chosen[1].Code).Response!.Claim);
        Assert.Equal("Half-written thoughts", after.Single(r => r.Code == chosen[2].Code).Response!.Narrative);
    }

    [Fact]
    public async Task A_requirement_answered_by_someone_since_the_person_read_it_is_skipped_not_overwritten()
    {
        var read = (await RequirementsAsync()).Take(2).ToList();
        var evidenceOnly = await _workspace.AddLinkAsync(_supplier, _assessmentId, read[0].Code,
            new(EvidenceItemKind.Documentation, "API reference", "https://developer.acme.example/api", TimeProvider.System.PortalToday(), null));
        var stale = new BulkTarget(read[0].Code, ReadVersion.Of(Guid.NewGuid()));

        var result = await _workspace.MarkNotApplicableAsync(_supplier, _assessmentId, [stale, Target(read[1])], Why);

        Assert.Equal(OutcomeKind.Done, evidenceOnly.Kind);
        Assert.Equal([read[1].Code], result.Value!.Saved);
        Assert.Contains("changed since you read it", Assert.Single(result.Value.Skipped).Reason, StringComparison.Ordinal);
        Assert.Null((await RequirementsAsync()).Single(r => r.Code == read[0].Code).Response!.Claim);
    }

    [Fact]
    public async Task Another_supplier_is_told_the_assessment_does_not_exist_and_nhs_staff_are_refused_and_nothing_changes()
    {
        var chosen = (await RequirementsAsync()).Take(2).Select(Target).ToList();
        var otherSupplier = await TestCallers.ForAsync(_database, TestCallers.OtherSupplier);
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);

        var byOtherSupplier = await _workspace.MarkNotApplicableAsync(otherSupplier, _assessmentId, chosen, Why);
        var byOfficer = await _workspace.MarkNotApplicableAsync(officer, _assessmentId, chosen, Why);

        Assert.Equal(OutcomeKind.NotFound, byOtherSupplier.Kind);
        Assert.Equal(OutcomeKind.Forbidden, byOfficer.Kind);
        Assert.All(await RequirementsAsync(), r => Assert.Null(r.Response));
        await using var db = _database.CreateDbContext();
        Assert.False(await db.AuditEvents.AnyAsync(e => e.AssessmentId == _assessmentId && e.Action == "ResponseSaved"));
    }

    [Theory]
    [InlineData("   ", 2, "justification")]
    [InlineData(Why, 0, null)]
    public async Task A_missing_justification_or_an_empty_choice_is_refused_naming_what_is_missing(string justification, int count, string? field)
    {
        var chosen = (await RequirementsAsync()).Take(count).Select(Target).ToList();

        var result = await _workspace.MarkNotApplicableAsync(_supplier, _assessmentId, chosen, justification);

        Assert.Equal(OutcomeKind.Invalid, result.Kind);
        Assert.Equal(field, result.Field);
        Assert.All(await RequirementsAsync(), r => Assert.Null(r.Response));
    }
}
