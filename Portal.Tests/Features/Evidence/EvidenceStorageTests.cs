using System.Security.Cryptography;
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
/// The contract every evidence store keeps, run against each (<see cref="FolderEvidenceStorageTests"/>,
/// <see cref="BlobEvidenceStorageTests"/>): storage that cannot be abused or orphaned: the quota counts what the store
/// holds, a removed document leaves the store, a document is visible only once its row commits, a failed or cancelled
/// save leaves nothing, a changed document is refused rather than served, reads stream, and the sweep clears what a
/// killed process leaves behind.
/// </summary>
public abstract class EvidenceStorageTests : IAsyncLifetime
{
    private static readonly byte[] Pdf = SampleDocuments.Pdf();
    private Caller _supplier = default!;
    private int _assessmentId;
    private EvidenceWorkspaceService _workspace = default!;
    private readonly EvidenceOptions _options = new() { MaxFileBytes = 64 * 1024, AssessmentQuotaBytes = 3 * Pdf.Length };

    protected TestDatabase Database { get; private set; } = default!;

    protected IEvidenceStore Store { get; private set; } = default!;

    /// <summary>A new, empty store of the kind under test.</summary>
    protected abstract Task<IEvidenceStore> CreateStoreAsync();

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    /// <summary>What the backing storage itself holds, read around the store: "name" for a stored document, "name.partial" for a pending one, anything else as it is.</summary>
    protected abstract Task<string[]> BackingNamesAsync();

    /// <summary>Makes a stored document pending again, as a process killed between its row's commit and the promotion leaves it.</summary>
    protected abstract Task UnpromoteAsync(string storedName);

    /// <summary>Removes a document around the store (a restore from an older backup, a deletion by hand).</summary>
    protected abstract Task LoseAsync(string storedName);

    /// <summary>Makes a document look written <paramref name="age"/> ago.</summary>
    protected abstract Task AgeAsync(string storedName, TimeSpan age);

    /// <summary>Replaces a stored document's content around the store, as someone with access to the storage could.</summary>
    protected abstract Task TamperAsync(string storedName, byte[] content);

    /// <summary>What the store's read gives back streams from the store; each store says how it can tell.</summary>
    protected abstract void AssertStreamsFromTheStore(Stream opened);

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        _supplier = await TestCallers.ForAsync(Database, TestCallers.Supplier);
        _assessmentId = await TestAssessments.InvitedAsync(Database, await TestCallers.ForAsync(Database, TestCallers.Officer));
        Store = await CreateStoreAsync();
        _workspace = new(Database, Store, Options.Create(_options), TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await DisposeStoreAsync();
        await Database.DisposeAsync();
    }

    private async Task<Outcome<EvidenceChange>> UploadAsync(string name = "spec.pdf")
    {
        using var content = new MemoryStream(Pdf);
        return await _workspace.AddDocumentAsync(_supplier, _assessmentId, "C.3",
            new(EvidenceItemKind.Documentation, name, null, TimeProvider.System.PortalToday(), null), name, content);
    }

    private async Task<string[]> StoredNamesAsync()
    {
        await using var db = Database.CreateDbContext();
        return [.. (await db.EvidenceItems.Where(e => e.StoredName != null).Select(e => e.StoredName!).ToListAsync()).Order(StringComparer.Ordinal)];
    }

    private EvidenceSweep Sweep(int graceMinutes = 60) =>
        new(Database, Store, Options.Create(new EvidenceOptions { OrphanGraceMinutes = graceMinutes }), TimeProvider.System, NullLogger<EvidenceSweep>.Instance);

    private static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    [Fact]
    public async Task Upload_and_remove_again_and_again_leaves_no_file_behind_and_the_quota_counts_what_is_stored()
    {
        // Ten times the quota goes through upload-and-remove; each removal takes its file with it.
        for (var round = 0; round < 10; round++)
        {
            var added = await UploadAsync();
            Assert.Equal(OutcomeKind.Done, added.Kind);
            Assert.Single(await BackingNamesAsync());
            var removed = await _workspace.RemoveEvidenceAsync(_supplier, _assessmentId, added.Value!.Item!.Id);
            Assert.Equal(OutcomeKind.Done, removed.Kind);
            Assert.Empty(await BackingNamesAsync());
        }

        for (var kept = 0; kept < 3; kept++)
        {
            Assert.Equal(OutcomeKind.Done, (await UploadAsync($"kept-{kept}.pdf")).Kind);
        }

        var overQuota = await UploadAsync("one-too-many.pdf");

        Assert.Equal(OutcomeKind.Invalid, overQuota.Kind);
        Assert.Contains("would pass its", overQuota.Message, StringComparison.Ordinal);
        // What the store holds is exactly the documents the rows name: nothing pending, nothing orphaned.
        Assert.Equal(await StoredNamesAsync(), await BackingNamesAsync());
    }

    [Fact]
    public async Task A_saved_document_is_pending_and_cannot_be_opened_until_it_is_promoted()
    {
        using var content = new MemoryStream(Pdf);
        var saved = await Store.SaveAsync(content, CancellationToken.None);

        Assert.Equal((Pdf.Length, Sha256(Pdf)), (saved.SizeBytes, saved.Sha256));
        await Assert.ThrowsAsync<FileNotFoundException>(() => Store.OpenAsync(saved.StoredName, saved.Sha256, CancellationToken.None));
        var listed = Assert.Single(await ListAsync());
        Assert.True(listed.Pending);
        Assert.Equal([saved.StoredName + ".partial"], await BackingNamesAsync());

        await Store.PromoteAsync(saved.StoredName, CancellationToken.None);
        await Store.PromoteAsync(saved.StoredName, CancellationToken.None);

        await using (var opened = await Store.OpenAsync(saved.StoredName, saved.Sha256, CancellationToken.None))
        using (var copy = new MemoryStream())
        {
            await opened.CopyToAsync(copy);
            Assert.Equal(Pdf, copy.ToArray());
        }

        Assert.False(Assert.Single(await ListAsync()).Pending);
        await Store.DeleteAsync(saved.StoredName, CancellationToken.None);
        await Store.DeleteAsync(saved.StoredName, CancellationToken.None);
        Assert.Empty(await ListAsync());
        Assert.Empty(await BackingNamesAsync());
        await Assert.ThrowsAsync<FileNotFoundException>(() => Store.OpenAsync(saved.StoredName, saved.Sha256, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenAsync("../portal.db", saved.Sha256, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PromoteAsync("../portal.db", CancellationToken.None));
    }

    [Fact]
    public async Task A_cancelled_save_leaves_nothing_in_the_store()
    {
        using var cancel = new CancellationTokenSource();
        // Cancelled part-way, after more than one block's worth has gone to the store.
        await using var content = new FailingStream(3 * 1024 * 1024, afterBytes: 2 * 1024 * 1024, fail: () => cancel.Cancel());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store.SaveAsync(content, cancel.Token));

        Assert.Empty(await BackingNamesAsync());
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task A_save_whose_upload_breaks_off_leaves_nothing_in_the_store()
    {
        await using var content = new FailingStream(3 * 1024 * 1024, afterBytes: 2 * 1024 * 1024,
            fail: () => throw new IOException("The client went away mid-upload."));

        await Assert.ThrowsAsync<IOException>(() => Store.SaveAsync(content, CancellationToken.None));

        Assert.Empty(await BackingNamesAsync());
        Assert.Empty(await ListAsync());
    }

    [Fact]
    public async Task A_document_changed_in_the_store_is_refused_not_served()
    {
        var added = (await UploadAsync()).Value!.Item!.Id;
        var storedName = Assert.Single(await StoredNamesAsync());
        var changed = (byte[])Pdf.Clone();
        changed[^20] ^= 0x01; // one bit, same length: only the hash can tell
        await TamperAsync(storedName, changed);
        var ccio = await TestCallers.ForAsync(Database, TestCallers.Ccio);

        var refused = await Assert.ThrowsAsync<EvidenceIntegrityException>(() => Store.OpenAsync(storedName, Sha256(Pdf), CancellationToken.None));
        var download = await _workspace.OpenDocumentAsync(ccio, added);

        Assert.Equal(storedName, refused.StoredName);
        Assert.Null(download);
        // The same bytes under their own hash read back: the refusal is the hash, nothing else.
        await (await Store.OpenAsync(storedName, Sha256(changed), CancellationToken.None)).DisposeAsync();
    }

    [Fact]
    public async Task A_large_document_is_read_back_from_the_store_a_buffer_at_a_time()
    {
        var document = RandomNumberGenerator.GetBytes(12 * 1024 * 1024);
        using var content = new MemoryStream(document);
        var saved = await Store.SaveAsync(content, CancellationToken.None);
        await Store.PromoteAsync(saved.StoredName, CancellationToken.None);

        await using var opened = await Store.OpenAsync(saved.StoredName, saved.Sha256, CancellationToken.None);
        AssertStreamsFromTheStore(opened);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        while ((read = await opened.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        Assert.Equal((document.Length, Sha256(document)), (total, Convert.ToHexStringLower(hash.GetHashAndReset())));
    }

    [Fact]
    public async Task The_sweep_removes_old_files_without_rows_finishes_committed_promotions_and_reports_rows_without_files()
    {
        var kept = (await UploadAsync("kept.pdf")).Value!.Item!.Id;
        var unpromoted = (await UploadAsync("unpromoted.pdf")).Value!.Item!.Id;
        var lost = (await UploadAsync("lost.pdf")).Value!.Item!.Id;
        await using (var db = Database.CreateDbContext())
        {
            var names = await db.EvidenceItems.ToDictionaryAsync(e => e.Id, e => e.StoredName!);
            // Killed between the row's commit and the promotion: the document is still pending.
            await UnpromoteAsync(names[unpromoted]);
            // A row whose document has gone (restored from an older backup, deleted by hand).
            await LoseAsync(names[lost]);
        }

        // Killed mid-upload long ago, killed between a removal's commit and its delete, and an upload in progress now.
        var oldPending = await SaveAsync(promote: false, age: TimeSpan.FromHours(2));
        var oldStored = await SaveAsync(promote: true, age: TimeSpan.FromHours(2));
        var inProgress = await SaveAsync(promote: false, age: TimeSpan.Zero);
        var ccio = await TestCallers.ForAsync(Database, TestCallers.Ccio);
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
    public async Task The_readiness_probe_writes_through_the_store_and_leaves_nothing()
    {
        var result = await new Portal.Hosting.EvidenceStoreHealthCheck(Store, NullLogger<Portal.Hosting.EvidenceStoreHealthCheck>.Instance)
            .CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, result.Status);
        Assert.Empty(await BackingNamesAsync());
    }

    private async Task<string> SaveAsync(bool promote, TimeSpan age)
    {
        using var content = new MemoryStream(Pdf);
        var saved = await Store.SaveAsync(content, CancellationToken.None);
        if (promote)
        {
            await Store.PromoteAsync(saved.StoredName, CancellationToken.None);
        }

        await AgeAsync(saved.StoredName, age);
        return saved.StoredName;
    }

    private async Task<List<StoreEntry>> ListAsync()
    {
        var entries = new List<StoreEntry>();
        await foreach (var entry in Store.ListAsync(CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <summary>A document of <c>length</c> bytes that gives <c>afterBytes</c> of them, then calls <c>fail</c> (which cancels or throws).</summary>
    private sealed class FailingStream(long length, long afterBytes, Action fail) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= afterBytes)
            {
                fail();
                cancellationToken.ThrowIfCancellationRequested();
            }

            var count = (int)Math.Min(buffer.Length, Math.Min(length, afterBytes) - _position);
            buffer.Span[..count].Fill((byte)'x');
            _position += count;
            return ValueTask.FromResult(count);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>The evidence store contract on the local folder (the embedded default).</summary>
public sealed class FolderEvidenceStorageTests : EvidenceStorageTests
{
    private string Folder => Path.Combine(Database.Directory, "evidence");

    protected override Task<IEvidenceStore> CreateStoreAsync() => Task.FromResult<IEvidenceStore>(new LocalFolderEvidenceStore(Folder));

    protected override Task<string[]> BackingNamesAsync() =>
        Task.FromResult<string[]>([.. Directory.GetFiles(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!]);

    protected override Task UnpromoteAsync(string storedName)
    {
        File.Move(Path.Combine(Folder, storedName), Path.Combine(Folder, storedName + ".partial"));
        return Task.CompletedTask;
    }

    protected override Task LoseAsync(string storedName)
    {
        File.Delete(Path.Combine(Folder, storedName));
        return Task.CompletedTask;
    }

    protected override Task AgeAsync(string storedName, TimeSpan age)
    {
        var path = Path.Combine(Folder, storedName);
        File.SetLastWriteTimeUtc(File.Exists(path) ? path : path + ".partial", DateTime.UtcNow - age);
        return Task.CompletedTask;
    }

    protected override Task TamperAsync(string storedName, byte[] content) => File.WriteAllBytesAsync(Path.Combine(Folder, storedName), content);

    protected override void AssertStreamsFromTheStore(Stream opened) => Assert.IsType<FileStream>(opened);

    [Fact]
    public void It_says_it_is_a_folder_and_where()
    {
        Assert.Equal($"a folder on this instance's disk: {Folder}", Store.Description);
    }
}

/// <summary>The sweep worker takes its lease before it sweeps, whatever the store.</summary>
public sealed class EvidenceSweepWorkerTests : IAsyncLifetime
{
    private TestDatabase _database = default!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task The_sweep_worker_runs_only_on_the_instance_holding_its_lease()
    {
        var clock = TimeProvider.System;
        var options = Options.Create(new EvidenceOptions());
        var store = new LocalFolderEvidenceStore(Path.Combine(_database.Directory, "evidence"));
        EvidenceSweepWorker Worker() => new(new EvidenceSweep(_database, store, options, clock, NullLogger<EvidenceSweep>.Instance),
            new Portal.Hosting.JobLease(_database, clock), options, clock, NullLogger<EvidenceSweepWorker>.Instance);
        var first = Worker();
        var second = Worker();

        Assert.NotNull(await first.RunOnceAsync());
        Assert.Null(await second.RunOnceAsync());
    }
}
