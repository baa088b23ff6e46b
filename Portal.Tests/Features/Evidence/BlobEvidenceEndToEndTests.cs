using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Portal.Data.Users;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence;

/// <summary>The real portal with Evidence:Store=Blob on Azurite, shared by the tests of <see cref="BlobEvidenceEndToEndTests"/>.</summary>
public sealed class BlobPortal : IAsyncLifetime
{
    public string ContainerName { get; } = Azurite.NewContainerName();

    public PortalAppFactory Factory { get; private set; } = default!;

    public BlobContainerClient Container => Azurite.Container(ContainerName);

    public Task InitializeAsync()
    {
        Factory = new PortalAppFactory(settings: new Dictionary<string, string?>
        {
            ["Evidence:Store"] = "Blob",
            ["Evidence:Blob:ConnectionString"] = Azurite.ConnectionString,
            ["Evidence:Blob:Container"] = ContainerName,
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Container.DeleteIfExistsAsync();
    }
}

/// <summary>
/// Evidence documents through the real portal host kept in Azure Blob Storage (Azurite): uploaded through the API,
/// downloaded back through the API and the page's download link, a changed blob refused, readiness and the
/// administrators' page saying which store is in use.
/// </summary>
public sealed class BlobEvidenceEndToEndTests(BlobPortal portal) : IClassFixture<BlobPortal>
{
    private static byte[] ReleaseNotes(int bytes)
    {
        var line = Encoding.ASCII.GetBytes("Release 6.2 adds the FHIR R4 Appointment API and retires the legacy export.\n");
        var text = new byte[bytes];
        for (var at = 0; at < bytes; at += line.Length)
        {
            line.AsSpan(0, Math.Min(line.Length, bytes - at)).CopyTo(text.AsSpan(at));
        }

        return text;
    }

    private async Task<(HttpClient Supplier, int EvidenceId, Uri Content)> UploadAsync(byte[] document)
    {
        var assessmentId = await portal.Factory.InvitedAssessmentAsync();
        var supplier = await portal.Factory.ApiClientForAsync(TestCallers.Supplier);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(document) { Headers = { ContentType = new MediaTypeHeaderValue("text/plain") } }, "file", "release-notes.txt" },
            { new StringContent("Release notes"), "title" },
            { new StringContent("Documentation"), "kind" },
            { new StringContent(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), "evidenceDate" },
        };
        using var uploaded = await supplier.PostAsync($"/api/v1/assessments/{assessmentId}/responses/C.3/evidence/documents", form);
        Assert.True(uploaded.StatusCode == HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());
        var evidence = await uploaded.Content.ReadFromJsonAsync<JsonElement>();
        return (supplier, evidence.GetProperty("id").GetInt32(), uploaded.Headers.Location!);
    }

    private async Task<string> StoredNameAsync(int evidenceId)
    {
        var contexts = portal.Factory.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Data.PortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        return db.EvidenceItems.Single(e => e.Id == evidenceId).StoredName!;
    }

    [Fact]
    public async Task A_document_uploaded_through_the_api_is_kept_as_a_blob_and_downloads_back_whole()
    {
        // Larger than one 4 MiB block, so it goes up in several.
        var document = ReleaseNotes((9 * 1024 * 1024) + 123);

        var (supplier, evidenceId, content) = await UploadAsync(document);
        using (supplier)
        {
            Assert.Equal(document, await supplier.GetByteArrayAsync(content));
        }

        var blob = portal.Container.GetBlobClient(await StoredNameAsync(evidenceId));
        var properties = (await blob.GetPropertiesAsync()).Value;
        Assert.Equal((document.LongLength, "stored"), (properties.ContentLength, properties.Metadata["state"]));
        var ccio = portal.Factory.ClientFor(await portal.Factory.DemoUserIdAsync(TestCallers.Ccio), PortalRoles.CcioReviewer);
        using var download = await ccio.GetAsync($"/evidence/{evidenceId}/download");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("release-notes.txt", download.Content.Headers.ContentDisposition!.FileNameStar ?? download.Content.Headers.ContentDisposition.FileName);
        Assert.Equal(document, await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_blob_changed_in_the_storage_account_is_refused_not_downloaded()
    {
        var document = ReleaseNotes(64 * 1024);
        var (supplier, evidenceId, content) = await UploadAsync(document);
        var blob = portal.Container.GetBlobClient(await StoredNameAsync(evidenceId));
        var metadata = (await blob.GetPropertiesAsync()).Value.Metadata;
        var changed = (byte[])document.Clone();
        changed[100] = (byte)'!';
        await blob.UploadAsync(new BinaryData(changed), new Azure.Storage.Blobs.Models.BlobUploadOptions { Metadata = metadata });

        using (supplier)
        using (var refused = await supplier.GetAsync(content))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
            Assert.DoesNotContain("!", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Readiness_covers_the_blob_store_and_administrators_see_which_store_is_in_use()
    {
        using var anonymous = portal.Factory.CreateClient();
        using var ready = await anonymous.GetAsync("/health/ready");
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var evidence = body.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "evidence store");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", evidence.GetProperty("status").GetString());
        Assert.True((await portal.Container.ExistsAsync()).Value);

        var administrator = portal.Factory.ClientFor(await portal.Factory.DemoUserIdAsync(TestCallers.Administrator), PortalRoles.Administrator);
        var page = WebUtility.HtmlDecode(await administrator.GetStringAsync("/admin/users"));

        Assert.Contains($"Documents are kept in Azure Blob Storage: the container '{portal.ContainerName}' at http://127.0.0.1:", page, StringComparison.Ordinal);
        Assert.IsType<BlobEvidenceStore>(portal.Factory.Services.GetRequiredService<IEvidenceStore>());
    }
}
