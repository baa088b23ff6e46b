using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence;

public sealed class EvidenceWorkspaceServiceTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _supplier = default!;
    private int _assessmentId;
    private EvidenceWorkspaceService _workspace = default!;
    private readonly EvidenceOptions _options = new() { MaxFileBytes = 64 * 1024, AssessmentQuotaBytes = 1024 * 1024 };

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _assessmentId = await TestAssessments.InvitedAsync(_database, await TestCallers.ForAsync(_database, TestCallers.Officer));
        _workspace = Workspace();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private EvidenceWorkspaceService Workspace() =>
        new(_database, new LocalFolderEvidenceStore(Path.Combine(_database.Directory, "evidence")), Options.Create(_options), TimeProvider.System);

    private static EvidenceInput Link(string title = "API reference", string? url = "https://developer.acme.example/api") =>
        new(EvidenceItemKind.Documentation, title, url, DateOnly.FromDateTime(DateTime.UtcNow), null);

    [Fact]
    public async Task A_saved_answer_is_read_back_with_its_evidence_and_counts_towards_progress()
    {
        var saved = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.3", new(ComplianceClaim.Meets, "Listed in our developer portal.", null, null, null), null);
        await _workspace.AddLinkAsync(_supplier, _assessmentId, "P.3", Link());

        var view = (await _workspace.GetAsync(_supplier, _assessmentId))!;
        var p3 = view.Requirements.Single(r => r.Code == "P.3");

        Assert.Equal(SaveStatus.Saved, saved.Status);
        Assert.True(p3.IsAnswered);
        Assert.Equal("https://developer.acme.example/api", Assert.Single(p3.Response!.Evidence).Url);
        Assert.Equal(1, view.Answered);
        Assert.True(view.CanEdit);
    }

    [Theory]
    [InlineData(ComplianceClaim.NotApplicable, null, null, null, false)]
    [InlineData(ComplianceClaim.NotApplicable, "The system holds no patient data.", null, null, true)]
    [InlineData(ComplianceClaim.WillMeetByDate, null, "2027-03-31", "Release 6 adds it.", true)]
    [InlineData(ComplianceClaim.WillMeetByDate, null, null, "Release 6 adds it.", false)]
    [InlineData(ComplianceClaim.DoesNotMeet, null, null, null, true)]
    public async Task A_claim_counts_as_answered_only_with_the_justification_or_plan_it_needs(
        ComplianceClaim claim, string? justification, string? plannedDate, string? plan, bool answered)
    {
        await _workspace.SaveResponseAsync(_supplier, _assessmentId, "C.1",
            new(claim, null, justification, plannedDate is null ? null : DateOnly.Parse(plannedDate, System.Globalization.CultureInfo.InvariantCulture), plan), null);

        var c1 = (await _workspace.GetAsync(_supplier, _assessmentId))!.Requirements.Single(r => r.Code == "C.1");

        Assert.Equal(answered, c1.IsAnswered);
    }

    [Fact]
    public async Task Two_people_saving_the_same_answer_the_second_is_shown_both_versions()
    {
        var first = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "C.3", new(ComplianceClaim.Meets, "Original", null, null, null), null);
        var colleague = _supplier with { UserId = _supplier.UserId, DisplayName = "Colleague" };

        var theirs = await Workspace().SaveResponseAsync(colleague, _assessmentId, "C.3", new(ComplianceClaim.PartiallyMeets, "Colleague's edit", null, null, null), first.ConcurrencyStamp);
        var mine = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "C.3", new(ComplianceClaim.Meets, "My later edit", null, null, null), first.ConcurrencyStamp);

        Assert.Equal(SaveStatus.Saved, theirs.Status);
        Assert.Equal(SaveStatus.Conflict, mine.Status);
        Assert.Equal("Colleague's edit", mine.Theirs!.Narrative);
        Assert.Contains("Colleague saved a different answer to C.3", mine.Message, StringComparison.Ordinal);
        var kept = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "C.3", new(ComplianceClaim.Meets, "My later edit", null, null, null), mine.Theirs.ConcurrencyStamp);
        Assert.Equal(SaveStatus.Saved, kept.Status);
    }

    [Fact]
    public async Task Two_first_answers_racing_on_sqlite_end_in_one_saved_and_one_conflict()
    {
        var a = Workspace().SaveResponseAsync(_supplier, _assessmentId, "C.5", new(ComplianceClaim.Meets, "A", null, null, null), null);
        var b = Workspace().SaveResponseAsync(_supplier, _assessmentId, "C.5", new(ComplianceClaim.Meets, "B", null, null, null), null);

        var results = await Task.WhenAll(a, b);

        Assert.Single(results, r => r.Status == SaveStatus.Saved);
        Assert.Single(results, r => r.Status == SaveStatus.Conflict);
        await using var db = _database.CreateDbContext();
        Assert.Equal(1, await db.RequirementResponses.CountAsync(r => r.AssessmentId == _assessmentId));
    }

    [Fact]
    public async Task An_uploaded_pdf_is_stored_under_a_generated_name_with_its_sha256()
    {
        var pdf = SampleDocuments.Pdf();
        using var content = new MemoryStream(pdf);

        var saved = await _workspace.AddDocumentAsync(_supplier, _assessmentId, "C.3", Link("Interface specification", null), "../Interface spec.pdf", content);

        Assert.Equal(SaveStatus.Saved, saved.Status);
        await using var db = _database.CreateDbContext();
        var item = await db.EvidenceItems.SingleAsync();
        Assert.Equal("Interface spec.pdf", item.FileName);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pdf)), item.Sha256);
        Assert.True(Guid.TryParseExact(item.StoredName, "N", out _));
        Assert.Equal(pdf, await File.ReadAllBytesAsync(Path.Combine(_database.Directory, "evidence", item.StoredName!)));
        var download = await _workspace.OpenDocumentAsync(await TestCallers.ForAsync(_database, TestCallers.Ccio), item.Id);
        Assert.Equal("application/pdf", download!.ContentType);
        await download.Content.DisposeAsync();
    }

    [Theory]
    [InlineData("setup.pdf", "is named as a PDF but its contents are not one")]
    [InlineData("page.html", "is not a type the portal accepts")]
    public async Task A_disguised_or_disallowed_file_is_refused_with_a_clear_message(string fileName, string message)
    {
        using var content = new MemoryStream(fileName.EndsWith(".html", StringComparison.Ordinal) ? SampleDocuments.Html() : SampleDocuments.Executable());

        var saved = await _workspace.AddDocumentAsync(_supplier, _assessmentId, "C.3", Link("Spec", null), fileName, content);

        Assert.Equal(SaveStatus.Refused, saved.Status);
        Assert.Contains(message, saved.Message, StringComparison.Ordinal);
        await using var db = _database.CreateDbContext();
        Assert.Empty(await db.EvidenceItems.ToListAsync());
    }

    [Fact]
    public async Task A_file_over_the_size_limit_and_one_past_the_quota_are_refused()
    {
        using var large = new MemoryStream([.. "%PDF-"u8, .. new byte[_options.MaxFileBytes]]);
        var tooLarge = await _workspace.AddDocumentAsync(_supplier, _assessmentId, "C.3", Link("Big", null), "big.pdf", large);
        _options.AssessmentQuotaBytes = SampleDocuments.Pdf().Length + 10;
        using (var first = new MemoryStream(SampleDocuments.Pdf()))
        {
            await _workspace.AddDocumentAsync(_supplier, _assessmentId, "C.3", Link("One", null), "one.pdf", first);
        }

        using var second = new MemoryStream(SampleDocuments.Pdf());
        var overQuota = await _workspace.AddDocumentAsync(_supplier, _assessmentId, "C.3", Link("Two", null), "two.pdf", second);

        Assert.Contains("a document may be at most 0.1 MB", tooLarge.Message, StringComparison.Ordinal);
        Assert.Contains("would pass its", overQuota.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "https://x.example", "title")]
    [InlineData("Docs", "ftp://files.example/spec", "url")]
    [InlineData("Docs", "javascript:alert(1)", "url")]
    [InlineData("Docs", "not a link", "url")]
    public async Task A_bad_link_is_refused_naming_the_field(string title, string url, string field)
    {
        var saved = await _workspace.AddLinkAsync(_supplier, _assessmentId, "C.3", Link(title, url));

        Assert.Equal(SaveStatus.Refused, saved.Status);
        Assert.Equal(field, saved.Field);
    }

    [Fact]
    public async Task Submitting_with_answers_missing_lists_them_and_changes_nothing()
    {
        await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.1", new(ComplianceClaim.Meets, null, null, null, null), null);

        var (result, missing) = await _workspace.SubmitAsync(_supplier, _assessmentId);

        Assert.False(result.Succeeded);
        Assert.DoesNotContain(missing, m => m.Code == "P.1");
        Assert.Contains(missing, m => m.Code == "P.6");
        Assert.Contains(missing, m => m.Title == "API operation for Register a new patient");
        await using var db = _database.CreateDbContext();
        Assert.Equal(AssessmentStatus.AwaitingSupplier, (await db.Assessments.SingleAsync(a => a.Id == _assessmentId)).Status);
    }

    [Fact]
    public async Task When_everything_is_answered_the_supplier_submits_and_can_no_longer_edit()
    {
        var view = (await _workspace.GetAsync(_supplier, _assessmentId))!;
        foreach (var requirement in view.Requirements)
        {
            await _workspace.SaveResponseAsync(_supplier, _assessmentId, requirement.Code, new(ComplianceClaim.Meets, "Evidence attached.", null, null, null), null);
        }

        foreach (var function in view.Functions)
        {
            await _workspace.SaveFunctionAsync(_supplier, _assessmentId, function.Id, "POST /patients", "https://developer.acme.example/patients", function.ConcurrencyStamp);
        }

        var (result, missing) = await _workspace.SubmitAsync(_supplier, _assessmentId);
        var after = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.1", new(ComplianceClaim.DoesNotMeet, null, null, null, null), null);

        Assert.True(result.Succeeded, result.Message);
        Assert.Empty(missing);
        Assert.Equal(SaveStatus.Refused, after.Status);
        Assert.False((await _workspace.GetAsync(_supplier, _assessmentId))!.CanEdit);
        await using var db = _database.CreateDbContext();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.AssessmentId == _assessmentId && e.Action == "AssessmentSubmitted"));
    }

    [Fact]
    public async Task Evidence_added_before_a_claim_does_not_make_the_first_claim_a_conflict()
    {
        await _workspace.AddLinkAsync(_supplier, _assessmentId, "C.4", Link("Sandbox", "https://sandbox.acme.example"));

        var saved = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "C.4", new(ComplianceClaim.Meets, null, null, null, null), null);

        Assert.Equal(SaveStatus.Saved, saved.Status);
    }
}
