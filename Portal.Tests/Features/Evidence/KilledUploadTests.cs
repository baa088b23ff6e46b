using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence;

/// <summary>
/// The real portal as a process, killed in the middle of a large upload: with the whole document written and held in
/// quarantine while the scanner reads it. Nothing half-done is ever visible, the restarted portal works, and the
/// sweep leaves no orphan behind. Run against each evidence store (<see cref="FolderKilledUploadTests"/>,
/// <see cref="BlobKilledUploadTests"/>).
/// </summary>
public abstract class KilledUploadTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portal-killed-upload").FullName;
    private readonly List<TcpClient> _scannerConnections = [];
    private TcpListener _scanner = default!;
    private DbContextFactory _database = default!;

    private string DatabasePath => Path.Combine(_directory, "portal.db");

    protected string Folder => Path.Combine(_directory, "evidence");

    /// <summary>The portal processes' settings that choose the store under test.</summary>
    protected abstract IReadOnlyDictionary<string, string> StoreSettings { get; }

    /// <summary>The same store as the portal processes use, seen by the test.</summary>
    protected abstract IEvidenceStore Store { get; }

    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public Task InitializeAsync()
    {
        _scanner = new TcpListener(IPAddress.Loopback, 0);
        _scanner.Start();
        _database = new DbContextFactory(DatabasePath);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _scannerConnections.ForEach(c => c.Dispose());
        _scanner.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        await DisposeStoreAsync();
    }

    private async Task<List<StoreEntry>> EntriesAsync()
    {
        var entries = new List<StoreEntry>();
        await foreach (var entry in Store.ListAsync(CancellationToken.None))
        {
            entries.Add(entry);
        }

        return entries;
    }

    [Fact]
    public async Task A_portal_killed_mid_upload_shows_nothing_half_written_and_the_sweep_leaves_no_orphan()
    {
        // A scanner that takes the whole document (speaking INSTREAM) and never answers, so the upload is held at a
        // known moment: every byte written to the store, the row not yet made.
        var scanned = ReceiveOneScanAsync();
        var document = LargeText(20 * 1024 * 1024);
        int assessmentId;
        Task<HttpResponseMessage> upload;
        using var supplier = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        supplier.DefaultRequestHeaders.Authorization = new("Bearer", Portal.Data.Seed.PortalSeeder.DemoToken(TestCallers.Supplier));
        await using (var first = await PortalProcess.StartAsync(DatabasePath, _directory, "first", new Dictionary<string, string>(StoreSettings)
        {
            ["Evidence__Scanning__ClamAv__Host"] = "127.0.0.1",
            ["Evidence__Scanning__ClamAv__Port"] = ((IPEndPoint)_scanner.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Evidence__Scanning__ClamAv__TimeoutSeconds"] = "600",
        }))
        {
            assessmentId = await TestAssessments.InvitedAsync(_database, await TestCallers.ForAsync(_database, TestCallers.Officer));
            supplier.BaseAddress = first.Address;
            upload = supplier.PostAsync(new Uri($"/api/v1/assessments/{assessmentId}/responses/C.3/evidence/documents", UriKind.Relative), Form(document, "release-notes.txt"));

            var streamed = await scanned.WaitAsync(TimeSpan.FromMinutes(2));

            Assert.Equal(document.Length, streamed);
            var pending = Assert.Single(await EntriesAsync());
            Assert.True(pending.Pending);
            Assert.Equal(document.Length, pending.SizeBytes);
            Assert.Empty(await EvidenceAsync(supplier, assessmentId));
        } // killed here, mid-upload

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => upload);
        var orphan = Assert.Single(await EntriesAsync());

        await using var second = await PortalProcess.StartAsync(DatabasePath, _directory, "second", StoreSettings);
        using var again = second.Client(TestCallers.Supplier);
        Assert.Empty(await EvidenceAsync(again, assessmentId));
        await using (var db = _database.CreateDbContext())
        {
            Assert.Empty(await db.EvidenceItems.Where(e => e.AssessmentId == assessmentId).ToListAsync());
        }

        // The sweep, once the orphan is past the grace period (none here), removes it and finds nothing else amiss.
        var report = await new EvidenceSweep(_database, Store, Options.Create(new EvidenceOptions { OrphanGraceMinutes = 0 }),
            TimeProvider.System, NullLogger<EvidenceSweep>.Instance).RunAsync();

        Assert.Equal((1, (long)document.Length, 0), (report.RemovedFiles, report.RemovedBytes, report.Promoted));
        Assert.Empty(report.RowsWithoutFiles);
        Assert.DoesNotContain(await EntriesAsync(), e => e.StoredName == orphan.StoredName);
        Assert.Empty(await EntriesAsync());

        // The restarted portal takes the same document whole (no scanner is configured on it).
        using var added = await again.PostAsync(new Uri($"/api/v1/assessments/{assessmentId}/responses/C.3/evidence/documents", UriKind.Relative), Form(document, "release-notes.txt"));
        Assert.True(added.StatusCode == HttpStatusCode.Created, await added.Content.ReadAsStringAsync());
        Assert.Equal(document, await again.GetByteArrayAsync(added.Headers.Location));
        Assert.False(Assert.Single(await EntriesAsync()).Pending);
    }

    /// <summary>Accepts one INSTREAM scan, reads every chunk to the zero-length one, and returns the bytes scanned; never answers.</summary>
    private Task<long> ReceiveOneScanAsync() => Task.Run(async () =>
    {
        var client = await _scanner.AcceptTcpClientAsync();
        _scannerConnections.Add(client);
        var stream = client.GetStream();
        var command = new byte[10];
        await stream.ReadExactlyAsync(command);
        Assert.Equal("zINSTREAM\0", Encoding.ASCII.GetString(command));
        var length = new byte[4];
        long total = 0;
        var chunk = new byte[64 * 1024];
        while (true)
        {
            await stream.ReadExactlyAsync(length);
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(length);
            if (size == 0)
            {
                return total;
            }

            for (var left = size; left > 0;)
            {
                var read = await stream.ReadAsync(chunk.AsMemory(0, Math.Min(left, chunk.Length)));
                if (read == 0)
                {
                    throw new EndOfStreamException("The portal closed the scan mid-chunk.");
                }

                left -= read;
            }

            total += size;
        }
    });

    private static byte[] LargeText(int bytes)
    {
        var line = Encoding.ASCII.GetBytes("Release 6.2 adds the FHIR R4 Appointment API and retires the legacy export.\n");
        var text = new byte[bytes];
        for (var at = 0; at < bytes; at += line.Length)
        {
            line.AsSpan(0, Math.Min(line.Length, bytes - at)).CopyTo(text.AsSpan(at));
        }

        return text;
    }

    private static MultipartFormDataContent Form(byte[] document, string fileName) => new()
    {
        { new ByteArrayContent(document) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") } }, "file", fileName },
        { new StringContent("Release notes"), "title" },
        { new StringContent("Documentation"), "kind" },
        { new StringContent(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), "evidenceDate" },
    };

    private static async Task<List<JsonElement>> EvidenceAsync(HttpClient client, int assessmentId) =>
        [.. (await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/assessments/{assessmentId}/evidence", UriKind.Relative))).EnumerateArray()];

    /// <summary>The test's own view of the portal's database file.</summary>
    private sealed class DbContextFactory(string path) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext()
        {
            var builder = new DbContextOptionsBuilder<PortalDbContext>();
            DatabaseSetup.Configure(builder, new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={path}" });
            return new PortalDbContext(builder.Options);
        }
    }
}

/// <summary>A killed upload on the local folder store.</summary>
public sealed class FolderKilledUploadTests : KilledUploadTests
{
    private LocalFolderEvidenceStore? _store;

    protected override IReadOnlyDictionary<string, string> StoreSettings { get; } = new Dictionary<string, string>();

    protected override IEvidenceStore Store => _store ??= new LocalFolderEvidenceStore(Folder);
}

/// <summary>A killed upload on Azure Blob Storage (Azurite): what was staged and committed as pending is swept.</summary>
public sealed class BlobKilledUploadTests : KilledUploadTests
{
    private readonly string _container = Azurite.NewContainerName();
    private BlobEvidenceStore? _store;

    protected override IReadOnlyDictionary<string, string> StoreSettings => new Dictionary<string, string>
    {
        ["Evidence__Store"] = "Blob",
        ["Evidence__Blob__ConnectionString"] = Azurite.ConnectionString,
        ["Evidence__Blob__Container"] = _container,
    };

    protected override IEvidenceStore Store => _store ??= new BlobEvidenceStore(Azurite.Container(_container), TimeProvider.System);

    protected override async Task DisposeStoreAsync() => await Azurite.Container(_container).DeleteIfExistsAsync();
}
