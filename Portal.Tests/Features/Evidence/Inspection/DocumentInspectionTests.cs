using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data.Evidence;
using Portal.Features;
using Portal.Features.Evidence;
using Portal.Features.Evidence.Inspection;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence.Inspection;

/// <summary>Every file of <see cref="HostileDocuments"/> through the supplier's upload, against one database for the class.</summary>
public sealed class DocumentInspectionTests(DocumentInspectionTests.Workspace workspace) : IClassFixture<DocumentInspectionTests.Workspace>
{
    /// <summary>One database, supplier and invited assessment; each file goes to the same answer, so the class shares them.</summary>
    public sealed class Workspace : IAsyncLifetime
    {
        public TestDatabase Database { get; private set; } = default!;

        public Caller Supplier { get; private set; } = default!;

        public int AssessmentId { get; private set; }

        public EvidenceWorkspaceService Service { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            Database = await TestDatabase.CreateAsync();
            Supplier = await TestCallers.ForAsync(Database, TestCallers.Supplier);
            AssessmentId = await TestAssessments.InvitedAsync(Database, await TestCallers.ForAsync(Database, TestCallers.Officer));
            Service = new(Database, new LocalFolderEvidenceStore(Path.Combine(Database.Directory, "evidence")),
                Options.Create(new EvidenceOptions { AssessmentQuotaBytes = 1L << 30 }), TimeProvider.System);
        }

        public async Task DisposeAsync() => await Database.DisposeAsync();
    }

    [Fact]
    public void The_corpus_holds_at_least_80_files_with_benign_ones_of_every_accepted_type()
    {
        Assert.True(HostileDocuments.All.Count >= 80, $"The corpus holds {HostileDocuments.All.Count} files.");
        Assert.Equal(HostileDocuments.All.Count, HostileDocuments.All.Select(c => c.Name).Distinct().Count());
        var acceptedTypes = HostileDocuments.All.Where(c => c.Refusal is null).Select(c => DocumentTypes.ForFileName(c.FileName)).Distinct().ToList();
        Assert.All(DocumentTypes.All, type => Assert.Contains(type, acceptedTypes));
    }

    [Theory]
    [MemberData(nameof(HostileDocuments.Names), MemberType = typeof(HostileDocuments))]
    public async Task Each_corpus_file_is_accepted_or_refused_with_its_reason_and_every_refusal_is_audited(string name)
    {
        var file = HostileDocuments.Get(name);
        var bytes = file.Content();
        using var content = new MemoryStream(bytes);
        var title = $"Corpus {name}";

        var outcome = await workspace.Service.AddDocumentAsync(workspace.Supplier, workspace.AssessmentId, "C.3",
            new EvidenceInput(EvidenceItemKind.Documentation, title, null, TimeProvider.System.PortalToday(), null), file.FileName, content);

        await using var db = workspace.Database.CreateDbContext();
        var stored = await db.EvidenceItems.AnyAsync(e => e.Title == title);
        if (file.Refusal is null)
        {
            Assert.True(outcome.Kind == OutcomeKind.Done, outcome.Message);
            Assert.True(stored);
            return;
        }

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("file", outcome.Field);
        Assert.Contains(file.Refusal, outcome.Message, StringComparison.Ordinal);
        Assert.False(stored);
        var sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var audit = await db.AuditEvents.Where(e => e.Action == "DocumentRefused" && e.After == sha256 && e.AssessmentId == workspace.AssessmentId).ToListAsync();
        Assert.Contains(audit, e => e.Summary.Contains(outcome.Message!, StringComparison.Ordinal) && e.ActorUserId == workspace.Supplier.UserId);
    }

    [Theory]
    [InlineData("odt-mimetype-inflation-bomb", "unpacks to 300 MB")]
    [InlineData("docx-lying-size-header", "more packed data than it says")]
    [InlineData("docx-200-mb-entry", "unpacks to 200 MB")]
    public void A_bomb_is_refused_from_the_archive_headers_having_inflated_nothing_and_read_little_of_the_upload(string name, string reason)
    {
        var upload = HostileDocuments.Get(name).Content();
        using var content = new CountingStream(upload);

        var (zip, refusal) = CappedZip.Open(content, ArchiveLimits.Default);

        Assert.Null(zip);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
        // Inflating the entry would need all of its packed bytes; only the archive's end and directory (twice: the check, then .NET's reader) were read.
        Assert.InRange(content.BytesRead, 1, 192 * 1024);
        Assert.True(upload.Length > 4 * 192 * 1024, $"The bomb's packed entry is {upload.Length} bytes.");
    }

    [Fact]
    public void An_entry_past_the_entry_cap_is_refused_before_it_is_inflated()
    {
        var limits = ArchiveLimits.Default with { MaxEntryBytes = 1L << 20 };
        using var content = new MemoryStream(HostileDocuments.Zip(
            ("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>", 0),
            ("word/document.xml", "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>", 0),
            ("word/media/a.bin", null, 2L << 20)));

        var verdict = DocumentInspector.Inspect(DocumentTypes.Docx, content, limits);

        Assert.False(verdict.Accepted);
        Assert.Contains("unpacks to 2 MB; the portal opens parts of at most 1 MB", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_entry_is_inflated_no_further_than_it_declares()
    {
        using var content = new MemoryStream(HostileDocuments.Docx(parts: [("word/notes.xml", "<notes>" + new string('x', 5000) + "</notes>")]));
        var (zip, refusal) = CappedZip.Open(content, ArchiveLimits.Default);
        Assert.Null(refusal);
        using (zip)
        {
            var entry = zip!.Entry("word/notes.xml")!;
            using var stream = zip.Open(entry);

            stream.CopyTo(Stream.Null);

            Assert.Equal(entry.Length, zip.BytesInflated);
        }
    }

    /// <summary>A read-only stream over bytes that counts what is read from it.</summary>
    private sealed class CountingStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = base.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override int Read(Span<byte> buffer)
        {
            var read = base.Read(buffer);
            BytesRead += read;
            return read;
        }
    }

    [Fact]
    public void Parts_that_together_pass_the_total_cap_are_refused()
    {
        var limits = ArchiveLimits.Default with { MaxTotalBytes = 3L << 20, RatioCheckedFromBytes = long.MaxValue };
        using var content = new MemoryStream(HostileDocuments.Zip(
            ("[Content_Types].xml", "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>", 0),
            ("word/document.xml", "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"/>", 0),
            ("word/media/a.bin", null, 2L << 20), ("word/media/b.bin", null, 2L << 20)));

        var verdict = DocumentInspector.Inspect(DocumentTypes.Docx, content, limits);

        Assert.False(verdict.Accepted);
        Assert.Contains("unpacks to more than 3 MB", verdict.Reason, StringComparison.Ordinal);
    }
}
