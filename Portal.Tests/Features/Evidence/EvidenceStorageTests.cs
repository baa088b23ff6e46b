using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data.Evidence;
using Portal.Features;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence;

/// <summary>
/// Storage that cannot be abused or orphaned: the quota counts what the store holds, a removed document leaves the
/// store, a document is visible only once its row commits, and the sweep clears what a killed process leaves behind.
/// </summary>
public sealed class EvidenceStorageTests : IAsyncLifetime
{
    private static readonly byte[] Pdf = SampleDocuments.Pdf();
    private TestDatabase _database = default!;
    private Caller _supplier = default!;
    private int _assessmentId;
    private LocalFolderEvidenceStore _store = default!;
    private EvidenceWorkspaceService _workspace = default!;
    private readonly EvidenceOptions _options = new() { MaxFileBytes = 64 * 1024, AssessmentQuotaBytes = 3 * Pdf.Length };

    private string Folder => Path.Combine(_database.Directory, "evidence");

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _assessmentId = await TestAssessments.InvitedAsync(_database, await TestCallers.ForAsync(_database, TestCallers.Officer));
        _store = new LocalFolderEvidenceStore(Folder);
        _workspace = new(_database, _store, Options.Create(_options), TimeProvider.System);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<Outcome<EvidenceChange>> UploadAsync(string name = "spec.pdf")
    {
        using var content = new MemoryStream(Pdf);
        return await _workspace.AddDocumentAsync(_supplier, _assessmentId, "C.3",
            new(EvidenceItemKind.Documentation, name, null, DateOnly.FromDateTime(DateTime.UtcNow), null), name, content);
    }

    private string[] FilesInStore() => [.. Directory.GetFiles(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private async Task<string[]> StoredNamesAsync()
    {
        await using var db = _database.CreateDbContext();
        return [.. (await db.EvidenceItems.Where(e => e.StoredName != null).Select(e => e.StoredName!).ToListAsync()).Order(StringComparer.Ordinal)];
    }

    private EvidenceSweep Sweep(int graceMinutes = 60) =>
        new(_database, _store, Options.Create(new EvidenceOptions { OrphanGraceMinutes = graceMinutes }), TimeProvider.System, NullLogger<EvidenceSweep>.Instance);

    [Fact]
    public async Task Upload_and_remove_again_and_again_leaves_no_file_behind_and_the_quota_counts_what_is_stored()
    {
        // Ten times the quota goes through upload-and-remove; each removal takes its file with it.
        for (var round = 0; round < 10; round++)
        {
            var added = await UploadAsync();
            Assert.Equal(OutcomeKind.Done, added.Kind);
            Assert.Single(FilesInStore());
            var removed = await _workspace.RemoveEvidenceAsync(_supplier, _assessmentId, added.Value!.Item!.Id);
            Assert.Equal(OutcomeKind.Done, removed.Kind);
            Assert.Empty(FilesInStore());
        }

        for (var kept = 0; kept < 3; kept++)
        {
            Assert.Equal(OutcomeKind.Done, (await UploadAsync($"kept-{kept}.pdf")).Kind);
        }

        var overQuota = await UploadAsync("one-too-many.pdf");

        Assert.Equal(OutcomeKind.Invalid, overQuota.Kind);
        Assert.Contains("would pass its", overQuota.Message, StringComparison.Ordinal);
        // What the store holds is exactly the documents the rows name: nothing pending, nothing orphaned.
        Assert.Equal(await StoredNamesAsync(), FilesInStore());
    }

    [Fact]
    public async Task A_saved_document_is_pending_and_cannot_be_opened_until_it_is_promoted()
    {
        using var content = new MemoryStream(Pdf);
        var saved = await _store.SaveAsync(content, CancellationToken.None);

        await Assert.ThrowsAsync<FileNotFoundException>(() => _store.OpenAsync(saved.StoredName, CancellationToken.None));
        var listed = Assert.Single(await ListAsync());
        Assert.True(listed.Pending);

        await _store.PromoteAsync(saved.StoredName, CancellationToken.None);
        await _store.PromoteAsync(saved.StoredName, CancellationToken.None);

        await using (var opened = await _store.OpenAsync(saved.StoredName, CancellationToken.None))
        using (var copy = new MemoryStream())
        {
            await opened.CopyToAsync(copy);
            Assert.Equal(Pdf, copy.ToArray());
        }

        Assert.False(Assert.Single(await ListAsync()).Pending);
        await _store.DeleteAsync(saved.StoredName, CancellationToken.None);
        await _store.DeleteAsync(saved.StoredName, CancellationToken.None);
        Assert.Empty(await ListAsync());
        await Assert.ThrowsAsync<ArgumentException>(() => _store.OpenAsync("../portal.db", CancellationToken.None));
    }

    [Fact]
    public async Task The_sweep_removes_old_files_without_rows_finishes_committed_promotions_and_reports_rows_without_files()
    {
        var kept = (await UploadAsync("kept.pdf")).Value!.Item!.Id;
        var unpromoted = (await UploadAsync("unpromoted.pdf")).Value!.Item!.Id;
        var lost = (await UploadAsync("lost.pdf")).Value!.Item!.Id;
        await using (var db = _database.CreateDbContext())
        {
            var names = await db.EvidenceItems.ToDictionaryAsync(e => e.Id, e => e.StoredName!);
            // Killed between the row's commit and the promotion: the document is still pending.
            File.Move(Path.Combine(Folder, names[unpromoted]), Path.Combine(Folder, names[unpromoted] + ".partial"));
            // A row whose document has gone (restored from an older backup, deleted by hand).
            File.Delete(Path.Combine(Folder, names[lost]));
        }

        // Killed mid-upload long ago, killed between a removal's commit and its delete, and an upload in progress now.
        var oldPending = await SaveAsync(promote: false, age: TimeSpan.FromHours(2));
        var oldStored = await SaveAsync(promote: true, age: TimeSpan.FromHours(2));
        var inProgress = await SaveAsync(promote: false, age: TimeSpan.Zero);
        var ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
        Assert.Null(await _workspace.OpenDocumentAsync(ccio, unpromoted));

        var report = await Sweep().RunAsync();

        Assert.Equal(2, report.RemovedFiles);
        Assert.Equal(2 * Pdf.Length, report.RemovedBytes);
        Assert.Equal(1, report.Promoted);
        Assert.Equal([lost], report.RowsWithoutFiles);
        var left = await ListAsync();
        Assert.DoesNotContain(left, e => e.StoredName == oldPending || e.StoredName == oldStored);
        Assert.Contains(left, e => e.StoredName == inProgress && e.Pending);
        foreach (var id in new[] { unpromoted, kept })
        {
            var download = await _workspace.OpenDocumentAsync(ccio, id);
            Assert.NotNull(download);
            await download.Content.DisposeAsync();
        }

        Assert.Null(await _workspace.OpenDocumentAsync(ccio, lost));

        var again = await Sweep().RunAsync();
        Assert.Equal((0, 0), (again.RemovedFiles, again.Promoted));
        Assert.Equal([lost], again.RowsWithoutFiles);
    }

    [Fact]
    public async Task The_sweep_worker_runs_only_on_the_instance_holding_its_lease()
    {
        var clock = TimeProvider.System;
        var options = Options.Create(new EvidenceOptions());
        EvidenceSweepWorker Worker() => new(Sweep(), new Portal.Hosting.JobLease(_database, clock), options, clock, NullLogger<EvidenceSweepWorker>.Instance);
        var first = Worker();
        var second = Worker();

        Assert.NotNull(await first.RunOnceAsync());
        Assert.Null(await second.RunOnceAsync());
    }

    private async Task<string> SaveAsync(bool promote, TimeSpan age)
    {
        using var content = new MemoryStream(Pdf);
        var saved = await _store.SaveAsync(content, CancellationToken.None);
        if (promote)
        {
            await _store.PromoteAsync(saved.StoredName, CancellationToken.None);
        }

        var path = Path.Combine(Folder, saved.StoredName + (promote ? "" : ".partial"));
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return saved.StoredName;
    }

    private async Task<List<StoreEntry>> ListAsync()
    {
        var entries = new List<StoreEntry>();
        await foreach (var entry in _store.ListAsync(CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }
}
