using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;
using Portal.Features;

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
        new(EvidenceItemKind.Documentation, title, url, TimeProvider.System.PortalToday(), null);

    [Fact]
    public async Task A_saved_answer_is_read_back_with_its_evidence_and_counts_towards_progress()
    {
        var saved = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.3", new(ComplianceClaim.Meets, "Listed in our developer portal.", null, null, null), ReadVersion.None);
        await _workspace.AddLinkAsync(_supplier, _assessmentId, "P.3", Link());

        var view = (await _workspace.GetAsync(_supplier, _assessmentId))!;
        var p3 = view.Requirements.Single(r => r.Code == "P.3");

        Assert.Equal(OutcomeKind.Done, saved.Kind);
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
            new(claim, null, justification, plannedDate is null ? null : DateOnly.Parse(plannedDate, System.Globalization.CultureInfo.InvariantCulture), plan), ReadVersion.None);

        var c1 = (await _workspace.GetAsync(_supplier, _assessmentId))!.Requirements.Single(r => r.Code == "C.1");

        Assert.Equal(answered, c1.IsAnswered);
    }

    [Fact]
    public async Task Each_refusal_of_an_answer_says_why_in_its_own_kind()
    {
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        var otherSupplier = await TestCallers.ForAsync(_database, TestCallers.OtherSupplier);
        var answer = new ResponseDraft(ComplianceClaim.Meets, "Listed in our developer portal.", null, null, null);
        var first = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.3", answer, ReadVersion.None);

        var byOfficer = await _workspace.SaveResponseAsync(officer, _assessmentId, "P.3", answer, ReadVersion.None);
        var byOtherSupplier = await _workspace.SaveResponseAsync(otherSupplier, _assessmentId, "P.3", answer, ReadVersion.None);
        var outOfScope = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "Z.99", answer, ReadVersion.None);
        var overUnread = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.3", answer with { Narrative = "Changed." }, ReadVersion.None);
        var overOld = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.3", answer with { Narrative = "Changed." }, ReadVersion.Of(Guid.NewGuid()));
        var badLink = await _workspace.SaveFunctionAsync(_supplier, _assessmentId, 1, "GET /x", "not a link", ReadVersion.None);

        Assert.Equal(OutcomeKind.Done, first.Kind);
        Assert.Equal(OutcomeKind.Forbidden, byOfficer.Kind);
        Assert.Equal(OutcomeKind.NotFound, byOtherSupplier.Kind);
        Assert.Equal(OutcomeKind.NotFound, outOfScope.Kind);
        Assert.Equal(OutcomeKind.Stale, overUnread.Kind);
        Assert.Equal(OutcomeKind.Stale, overOld.Kind);
        Assert.Equal("Listed in our developer portal.", overOld.Current!.Response!.Narrative);
        Assert.Equal(OutcomeKind.Invalid, badLink.Kind);
        Assert.Equal("documentationUrl", badLink.Field);
    }

    [Fact]
    public async Task Adding_or_removing_evidence_gives_the_answer_a_new_stamp_so_nobody_saves_over_an_answer_they_have_not_seen_whole()
    {
        var saved = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.3", new(ComplianceClaim.Meets, "See the link.", null, null, null), ReadVersion.None);
        var read = saved.Value!.Response!.ConcurrencyStamp;

        var added = await _workspace.AddLinkAsync(_supplier, _assessmentId, "P.3", Link());
        var overOld = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.3", new(ComplianceClaim.DoesNotMeet, "Changed.", null, null, null), ReadVersion.Of(read));
        var removed = await _workspace.RemoveEvidenceAsync(_supplier, _assessmentId, added.Value!.Item!.Id);
        var again = await _workspace.RemoveEvidenceAsync(_supplier, _assessmentId, added.Value.Item.Id);

        Assert.NotEqual(read, added.Value.Requirement.Response!.ConcurrencyStamp);
        Assert.Equal(OutcomeKind.Stale, overOld.Kind);
        Assert.NotEqual(added.Value.Requirement.Response.ConcurrencyStamp, removed.Value!.Requirement.Response!.ConcurrencyStamp);
        Assert.Empty(removed.Value.Requirement.Response.Evidence);
        Assert.Equal(OutcomeKind.NotFound, again.Kind);
    }

    [Fact]
    public async Task Text_typed_while_evidence_was_added_is_saved_without_a_conflict_with_oneself()
    {
        await using var queue = new ResponseSaveQueue(_workspace, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<ResponseSaveQueue>.Instance);
        var saved = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.3", new(ComplianceClaim.Meets, "First words.", null, null, null), ReadVersion.None);
        queue.Open(_assessmentId, "P.3", saved.Value!.Response);

        await _workspace.AddLinkAsync(_supplier, _assessmentId, "P.3", Link());
        queue.Change(_supplier, _assessmentId, "P.3", new(ComplianceClaim.Meets, "First words, and more.", null, null, null));
        await queue.SaveNowAsync(_assessmentId, "P.3");

        var p3 = (await _workspace.GetAsync(_supplier, _assessmentId))!.Requirements.Single(r => r.Code == "P.3");
        var state = queue.Open(_assessmentId, "P.3", p3.Response);
        Assert.Null(state.Conflict);
        Assert.False(state.Unsaved);
        Assert.Equal("First words, and more.", p3.Response!.Narrative);
        Assert.Single(p3.Response.Evidence);
    }

    [Fact]
    public async Task Text_typed_while_someone_else_changed_the_words_is_a_conflict_not_an_overwrite()
    {
        await using var queue = new ResponseSaveQueue(_workspace, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<ResponseSaveQueue>.Instance);
        var saved = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.3", new(ComplianceClaim.Meets, "First words.", null, null, null), ReadVersion.None);
        queue.Open(_assessmentId, "P.3", saved.Value!.Response);

        await _workspace.SaveResponseAsync(_supplier with { DisplayName = "Pat Colleague" }, _assessmentId, "P.3",
            new(ComplianceClaim.Meets, "Pat's words.", null, null, null), ReadVersion.Of(saved.Value.Response!.ConcurrencyStamp));
        queue.Change(_supplier, _assessmentId, "P.3", new(ComplianceClaim.Meets, "My words.", null, null, null));
        await queue.SaveNowAsync(_assessmentId, "P.3");

        var state = queue.Open(_assessmentId, "P.3", null);
        Assert.Equal("Pat's words.", state.Conflict!.Narrative);
        Assert.Equal("Pat's words.", (await _workspace.GetAsync(_supplier, _assessmentId))!.Requirements.Single(r => r.Code == "P.3").Response!.Narrative);
    }

    [Fact]
    public async Task Changing_only_the_narrative_is_audited_as_a_narrative_change_not_as_meets_becoming_meets()
    {
        var first = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.3", new(ComplianceClaim.Meets, "First words.", null, null, null), ReadVersion.None);
        await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.3", new(ComplianceClaim.Meets, "Better words.", null, null, null),
            ReadVersion.Of(first.Value!.Response!.ConcurrencyStamp));

        await using var db = _database.CreateDbContext();
        var edit = await db.AuditEvents.Where(e => e.AssessmentId == _assessmentId && e.Action == "ResponseSaved").OrderBy(e => e.Id).LastAsync();
        Assert.Equal("Saved the answer to P.3: Meets (narrative changed).", edit.Summary);
        Assert.Null(edit.Before);
        Assert.Null(edit.After);
    }

    [Fact]
    public async Task Two_people_saving_the_same_answer_the_second_is_shown_both_versions()
    {
        var first = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "C.3", new(ComplianceClaim.Meets, "Original", null, null, null), ReadVersion.None);
        var colleague = _supplier with { UserId = _supplier.UserId, DisplayName = "Colleague" };

        var theirs = await Workspace().SaveResponseAsync(colleague, _assessmentId, "C.3", new(ComplianceClaim.PartiallyMeets, "Colleague's edit", null, null, null), ReadVersion.Of(first.Value!.Response!.ConcurrencyStamp));
        var mine = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "C.3", new(ComplianceClaim.Meets, "My later edit", null, null, null), ReadVersion.Of(first.Value!.Response!.ConcurrencyStamp));

        Assert.Equal(OutcomeKind.Done, theirs.Kind);
        Assert.Equal(OutcomeKind.Stale, mine.Kind);
        Assert.Equal("Colleague's edit", mine.Current!.Response!.Narrative);
        Assert.Contains("The answer to C.3 changed since you read it: Colleague saved a different answer", mine.Message, StringComparison.Ordinal);
        var kept = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "C.3", new(ComplianceClaim.Meets, "My later edit", null, null, null), ReadVersion.Of(mine.Current.Response.ConcurrencyStamp));
        Assert.Equal(OutcomeKind.Done, kept.Kind);
    }

    [Fact]
    public async Task Two_first_answers_racing_on_sqlite_end_in_one_saved_and_one_conflict()
    {
        var a = Workspace().SaveResponseAsync(_supplier, _assessmentId, "C.5", new(ComplianceClaim.Meets, "A", null, null, null), ReadVersion.None);
        var b = Workspace().SaveResponseAsync(_supplier, _assessmentId, "C.5", new(ComplianceClaim.Meets, "B", null, null, null), ReadVersion.None);

        var results = await Task.WhenAll(a, b);

        Assert.Single(results, r => r.Kind == OutcomeKind.Done);
        Assert.Single(results, r => r.Kind == OutcomeKind.Stale);
        await using var db = _database.CreateDbContext();
        Assert.Equal(1, await db.RequirementResponses.CountAsync(r => r.AssessmentId == _assessmentId));
    }

    [Fact]
    public async Task An_uploaded_pdf_is_stored_under_a_generated_name_with_its_sha256()
    {
        var pdf = SampleDocuments.Pdf();
        using var content = new MemoryStream(pdf);

        var saved = await _workspace.AddDocumentAsync(_supplier, _assessmentId, "C.3", Link("Interface specification", null), "../Interface spec.pdf", content);

        Assert.Equal(OutcomeKind.Done, saved.Kind);
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

        Assert.Equal(OutcomeKind.Invalid, saved.Kind);
        Assert.Equal("file", saved.Field);
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

    [Fact]
    public async Task Two_uploads_at_once_that_each_fit_the_quota_but_not_together_keep_only_one()
    {
        // Both uploads pass the early quota check before either is saved (the store holds each until both arrive),
        // as two people uploading at the same moment do: the check inside the save must see the other's document.
        _options.AssessmentQuotaBytes = (SampleDocuments.Pdf().Length * 2) - 1;
        var store = new GatedStore(new LocalFolderEvidenceStore(Path.Combine(_database.Directory, "evidence")), arrivals: 2);
        var workspace = new EvidenceWorkspaceService(_database, store, Options.Create(_options), TimeProvider.System);

        async Task<Outcome<EvidenceChange>> UploadAsync(string name)
        {
            using var content = new MemoryStream(SampleDocuments.Pdf());
            return await workspace.AddDocumentAsync(_supplier, _assessmentId, "C.3", Link(name, null), $"{name}.pdf", content);
        }

        var outcomes = await Task.WhenAll(UploadAsync("one"), UploadAsync("two"));

        Assert.Single(outcomes, o => o.Succeeded);
        Assert.Contains("would pass its", Assert.Single(outcomes, o => !o.Succeeded).Message, StringComparison.Ordinal);
        await using var db = _database.CreateDbContext();
        Assert.Single(await db.EvidenceItems.Where(e => e.AssessmentId == _assessmentId && e.StoredName != null).ToListAsync());
        Assert.Single(Directory.GetFiles(Path.Combine(_database.Directory, "evidence")));
    }

    /// <summary>Holds every save until <c>arrivals</c> saves have begun, then lets them all go on.</summary>
    private sealed class GatedStore(IEvidenceStore inner, int arrivals) : IEvidenceStore
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public string Description => inner.Description;

        public async Task<StoredDocument> SaveAsync(Stream content, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _arrived) == arrivals)
            {
                _all.SetResult();
            }

            await _all.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return await inner.SaveAsync(content, cancellationToken);
        }

        public Task PromoteAsync(string storedName, CancellationToken cancellationToken) => inner.PromoteAsync(storedName, cancellationToken);

        public Task<Stream> OpenAsync(string storedName, string sha256, CancellationToken cancellationToken) => inner.OpenAsync(storedName, sha256, cancellationToken);

        public Task DeleteAsync(string storedName, CancellationToken cancellationToken) => inner.DeleteAsync(storedName, cancellationToken);

        public IAsyncEnumerable<StoreEntry> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);
    }

    [Theory]
    [InlineData("", "https://x.example", "title")]
    [InlineData("Docs", "ftp://files.example/spec", "url")]
    [InlineData("Docs", "javascript:alert(1)", "url")]
    [InlineData("Docs", "not a link", "url")]
    public async Task A_bad_link_is_refused_naming_the_field(string title, string url, string field)
    {
        var saved = await _workspace.AddLinkAsync(_supplier, _assessmentId, "C.3", Link(title, url));

        Assert.Equal(OutcomeKind.Invalid, saved.Kind);
        Assert.Equal(field, saved.Field);
    }

    [Fact]
    public async Task Submitting_with_answers_missing_lists_them_and_changes_nothing()
    {
        await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.1", new(ComplianceClaim.Meets, null, null, null, null), ReadVersion.None);

        var result = await _workspace.SubmitAsync(_supplier, _assessmentId);

        Assert.Equal(OutcomeKind.Invalid, result.Kind);
        Assert.DoesNotContain("P.1", result.Problems.Keys);
        Assert.Contains("P.6", result.Problems.Keys);
        Assert.Contains("API operation for Register a new patient", result.Problems.Values);
        await using var db = _database.CreateDbContext();
        Assert.Equal(AssessmentStatus.AwaitingSupplier, (await db.Assessments.SingleAsync(a => a.Id == _assessmentId)).Status);
    }

    [Fact]
    public async Task When_everything_is_answered_the_supplier_submits_and_can_no_longer_edit()
    {
        var view = (await _workspace.GetAsync(_supplier, _assessmentId))!;
        foreach (var requirement in view.Requirements)
        {
            await _workspace.SaveResponseAsync(_supplier, _assessmentId, requirement.Code, new(ComplianceClaim.Meets, "Evidence attached.", null, null, null), ReadVersion.None);
        }

        foreach (var function in view.Functions)
        {
            await _workspace.SaveFunctionAsync(_supplier, _assessmentId, function.Id, "POST /patients", "https://developer.acme.example/patients", ReadVersion.Of(function.ConcurrencyStamp));
        }

        var result = await _workspace.SubmitAsync(_supplier, _assessmentId);
        var after = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "P.1", new(ComplianceClaim.DoesNotMeet, null, null, null, null), ReadVersion.None);

        Assert.True(result.Succeeded, result.Message);
        Assert.Empty(result.Problems);
        Assert.Equal(OutcomeKind.Conflict, after.Kind);
        Assert.False((await _workspace.GetAsync(_supplier, _assessmentId))!.CanEdit);
        await using var db = _database.CreateDbContext();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.AssessmentId == _assessmentId && e.Action == "AssessmentSubmitted"));
    }

    [Fact]
    public async Task Evidence_added_before_a_claim_does_not_make_the_first_claim_a_conflict()
    {
        await _workspace.AddLinkAsync(_supplier, _assessmentId, "C.4", Link("Sandbox", "https://sandbox.acme.example"));

        var saved = await _workspace.SaveResponseAsync(_supplier, _assessmentId, "C.4", new(ComplianceClaim.Meets, null, null, null, null), ReadVersion.None);

        Assert.Equal(OutcomeKind.Done, saved.Kind);
    }
}
