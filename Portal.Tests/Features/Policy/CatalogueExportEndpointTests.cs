using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Policy.Catalogue;
using Portal.Data.Users;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Policy;

public sealed class CatalogueExportEndpointTests : IAsyncLifetime
{
    private readonly PortalAppFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<int> CurrentVersionIdAsync()
    {
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.FrameworkVersions.Select(v => v.Id).SingleAsync();
    }

    [Fact]
    public async Task Any_role_downloads_the_catalogue_as_json_that_reads_back_whole()
    {
        using var client = _factory.ClientFor(await _factory.DemoUserIdAsync(TestCallers.Supplier), PortalRoles.SupplierAccountManager);

        using var response = await client.GetAsync($"/policy/versions/{await CurrentVersionIdAsync()}/catalogue.json");
        var json = await response.Content.ReadAsStringAsync();
        var read = CatalogueReader.Read(json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nhse-open-api-policy-2014-05.json", response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName);
        Assert.True(read.IsValid, string.Join("; ", read.Problems));
        Assert.Equal(107, read.Document!.Requirements.Count);
    }

    [Fact]
    public async Task The_csv_download_has_a_header_and_a_row_per_requirement()
    {
        using var client = _factory.ClientFor(await _factory.DemoUserIdAsync(TestCallers.Ccio), PortalRoles.CcioReviewer);

        var csv = await client.GetStringAsync($"/policy/versions/{await CurrentVersionIdAsync()}/catalogue.csv");
        using var reader = CsvHelper.CsvReader.Create(Encoding.UTF8.GetBytes(csv));
        _ = reader.Headers;
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetString(i)).ToArray());
        }

        Assert.Equal("id", reader.Headers[2]);
        Assert.Equal(107, rows.Count);
        var c4 = rows.Single(r => r[2] == "C.4");
        Assert.Equal("NHS England Open API Architecture Policy", c4[0]);
        Assert.Equal("NegotiationGuidance", c4[14]);
    }

    [Fact]
    public async Task An_unknown_version_is_not_found()
    {
        using var client = _factory.ClientFor(await _factory.DemoUserIdAsync(TestCallers.Officer), PortalRoles.ProcurementOfficer);

        using var response = await client.GetAsync("/policy/versions/9999/catalogue.json");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_anonymous_visitor_cannot_download_the_catalogue()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync($"/policy/versions/{await CurrentVersionIdAsync()}/catalogue.json");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }
}
