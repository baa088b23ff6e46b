using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data.Evidence;
using Portal.Features;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence;

/// <summary>
/// Malware scanning against a real clamd (Debian's clamav-daemon), which scripts/test.sh starts with a signature
/// database it writes (scripts/test-clamd.sh) and names in PORTAL_CLAMD. clamd names a finding from a signature file
/// of one's own with ".UNOFFICIAL" after the signature's name. Infected files are refused and audited,
/// clean ones kept, and a scanner that is down or silent means the upload is refused, never kept unscanned.
/// </summary>
public sealed class ClamAvScannerTests : IAsyncLifetime
{
    /// <summary>The EICAR anti-virus test file: harmless, and found by every scanner (here as Portal.Test.Eicar).</summary>
    public const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    /// <summary>Bytes that scripts/test-clamd.sh's custom signature Portal.Test.CustomMarker finds anywhere in a file.</summary>
    public const string CustomMarker = "OPEN-API-PORTAL-TEST-MALWARE-MARKER";

    private TestDatabase _database = default!;
    private Caller _supplier = default!;
    private int _assessmentId;

    private string Folder => Path.Combine(_database.Directory, "evidence");

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _assessmentId = await TestAssessments.InvitedAsync(_database, await TestCallers.ForAsync(_database, TestCallers.Officer));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    /// <summary>The clamd that scripts/test.sh started; a clear failure when there is none.</summary>
    private static ClamAvOptions Clamd()
    {
        var value = Environment.GetEnvironmentVariable("PORTAL_CLAMD");
        if (string.IsNullOrWhiteSpace(value) || value.LastIndexOf(':') is var colon && colon < 1 || !int.TryParse(value[(colon + 1)..], out var port))
        {
            throw new InvalidOperationException(
                "PORTAL_CLAMD is not set to host:port, so the malware-scanning tests have no clamd to scan with. scripts/test.sh starts one; "
                + "for a narrow run start it as scripts/test-clamd.sh describes and export PORTAL_CLAMD=127.0.0.1:<port>.");
        }

        return new ClamAvOptions { Host = value[..colon], Port = port, TimeoutSeconds = 30 };
    }

    private static ClamAvScanner Scanner(ClamAvOptions clamAv) => new(Options.Create(new EvidenceOptions { Scanning = new() { ClamAv = clamAv } }));

    private EvidenceWorkspaceService Workspace(ClamAvOptions clamAv) =>
        new(_database, new LocalFolderEvidenceStore(Folder), Options.Create(new EvidenceOptions { Scanning = new() { ClamAv = clamAv } }), TimeProvider.System, Scanner(clamAv));

    private async Task<Outcome<EvidenceChange>> UploadAsync(EvidenceWorkspaceService workspace, string fileName, byte[] bytes)
    {
        using var content = new MemoryStream(bytes);
        return await workspace.AddDocumentAsync(_supplier, _assessmentId, "C.3",
            new(EvidenceItemKind.Documentation, "Scanned", null, TimeProvider.System.PortalToday(), null), fileName, content);
    }

    public static TheoryData<string, string, ScanResult, string?> Samples => new()
    {
        { "the EICAR test file", Eicar, ScanResult.Infected, "Portal.Test.Eicar.UNOFFICIAL" },
        { "EICAR inside other text", $"Release notes\n{Eicar}\nEnd of notes\n", ScanResult.Infected, "Portal.Test.Eicar.UNOFFICIAL" },
        { "a file with the custom signature", $"name,value\nmarker,{CustomMarker}\n", ScanResult.Infected, "Portal.Test.CustomMarker.UNOFFICIAL" },
        { "a clean PDF", Encoding.ASCII.GetString(SampleDocuments.Pdf()), ScanResult.Clean, null },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task The_real_clamd_finds_each_signature_and_passes_clean_files(string what, string content, ScanResult expected, string? finding)
    {
        using var stream = new MemoryStream(Encoding.ASCII.GetBytes(content));

        var verdict = await Scanner(Clamd()).ScanAsync(stream, CancellationToken.None);

        Assert.True(verdict == new ScanVerdict(expected, finding), $"{what}: {verdict}");
    }

    [Fact]
    public async Task A_document_larger_than_one_chunk_is_streamed_whole_so_a_signature_at_its_end_is_found()
    {
        var bytes = Encoding.ASCII.GetBytes(new string('a', 300 * 1024) + CustomMarker);
        using var stream = new MemoryStream(bytes);

        var verdict = await Scanner(Clamd()).ScanAsync(stream, CancellationToken.None);

        Assert.Equal(new ScanVerdict(ScanResult.Infected, "Portal.Test.CustomMarker.UNOFFICIAL"), verdict);
    }

    [Theory]
    [InlineData("eicar.txt", Eicar, "Portal.Test.Eicar.UNOFFICIAL")]
    [InlineData("suppliers.csv", "name,value\nmarker," + CustomMarker + "\n", "Portal.Test.CustomMarker.UNOFFICIAL")]
    public async Task An_infected_upload_is_refused_with_a_clear_message_audited_and_leaves_nothing_stored(string fileName, string content, string finding)
    {
        var refused = await UploadAsync(Workspace(Clamd()), fileName, Encoding.ASCII.GetBytes(content));

        Assert.Equal(OutcomeKind.Invalid, refused.Kind);
        Assert.Equal("file", refused.Field);
        Assert.Equal($"{fileName} was not added: the virus scanner found {finding} in it. Check the file with your own anti-virus software, then upload a clean copy.", refused.Message);
        await using var db = _database.CreateDbContext();
        Assert.Empty(await db.EvidenceItems.ToListAsync());
        var audited = Assert.Single(await db.AuditEvents.Where(e => e.Action == "DocumentRefused").ToListAsync());
        Assert.Equal($"Refused the document {fileName} for C.3: the virus scanner found {finding}.", audited.Summary);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(content))), audited.After);
        Assert.Equal(_supplier.UserId, audited.ActorUserId);
        Assert.Empty(Directory.GetFiles(Folder));
    }

    [Fact]
    public async Task A_clean_upload_is_scanned_kept_and_can_be_downloaded()
    {
        var added = await UploadAsync(Workspace(Clamd()), "spec.pdf", SampleDocuments.Pdf());

        Assert.Equal(OutcomeKind.Done, added.Kind);
        var download = await Workspace(Clamd()).OpenDocumentAsync(_supplier, added.Value!.Item!.Id);
        Assert.NotNull(download);
        await download.Content.DisposeAsync();
        Assert.Single(Directory.GetFiles(Folder));
    }

    [Fact]
    public async Task When_the_scanner_refuses_connections_the_upload_is_refused_with_a_clear_message_and_audited()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        await AssertRefusedAsUnavailableAsync(new ClamAvOptions { Host = "127.0.0.1", Port = closedPort, TimeoutSeconds = 30 });
    }

    [Fact]
    public async Task When_the_scanner_takes_the_file_but_never_answers_the_upload_is_refused_after_the_timeout()
    {
        // A scanner that accepts the connection, reads everything and says nothing: a hung clamd.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        var accepting = Task.Run(async () =>
        {
            var client = await silent.AcceptTcpClientAsync();
            held.Add(client);
            await client.GetStream().CopyToAsync(Stream.Null);
        });

        await AssertRefusedAsUnavailableAsync(new ClamAvOptions { Host = "127.0.0.1", Port = ((IPEndPoint)silent.LocalEndpoint).Port, TimeoutSeconds = 1 });

        held.ForEach(c => c.Dispose());
        await accepting;
    }

    private async Task AssertRefusedAsUnavailableAsync(ClamAvOptions down)
    {
        var refused = await UploadAsync(Workspace(down), "spec.pdf", SampleDocuments.Pdf());

        // Not the supplier's fault and not their file's: the scanner is unavailable, and they may simply try again.
        Assert.Equal(OutcomeKind.Unavailable, refused.Kind);
        Assert.Empty(refused.Problems);
        Assert.Equal("The virus scanner is not answering; your file was not added. Try again in a few minutes.", refused.Message);
        await using var db = _database.CreateDbContext();
        Assert.Empty(await db.EvidenceItems.ToListAsync());
        var audited = Assert.Single(await db.AuditEvents.Where(e => e.Action == "DocumentRefused").ToListAsync());
        Assert.StartsWith("Refused the document spec.pdf for C.3: the virus scanner gave no verdict", audited.Summary, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Folder));
    }

    [Theory]
    [InlineData("stream: OK", ScanResult.Clean, null)]
    [InlineData("stream: Win.Test.EICAR_HDB-1 FOUND", ScanResult.Infected, "Win.Test.EICAR_HDB-1")]
    [InlineData("INSTREAM size limit exceeded. ERROR", ScanResult.Unavailable, "clamd answered \"INSTREAM size limit exceeded. ERROR\"")]
    [InlineData("", ScanResult.Unavailable, "clamd closed the connection without a verdict")]
    public void Each_clamd_reply_reads_as_its_verdict(string reply, ScanResult result, string? finding) =>
        Assert.Equal(new ScanVerdict(result, finding), ClamAvScanner.Verdict(reply));
}
