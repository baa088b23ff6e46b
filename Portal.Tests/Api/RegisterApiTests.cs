using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.VisualBasic.FileIO;
using Portal.Data;
using Portal.Data.SignOffs;
using Portal.Data.Reviews;
using Portal.Features;
using Portal.Features.Products;
using Portal.Features.Register;
using Portal.Features.Scorecards;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>
/// The register's open data and public verification, read back by a client with no token: exactly the published fields,
/// and nothing the trust wrote privately (every private text carries <see cref="Marker"/>).
/// </summary>
public sealed class RegisterApiTests(RegisterApiTests.Portal portal) : IClassFixture<RegisterApiTests.Portal>
{
    public const string Marker = "PRIVATE-MARKER-9d1e";

    private static readonly string[] EntryFields =
        ["supplier", "product", "version", "status", "statusText", "workOffPlanTo", "catalogue", "catalogueVersion", "signedOffOn", "organisation", "organisationOdsCode"];

    /// <summary>Trust A's assessment of Acme's "Register PAS" 2.0, signed off with conditions and published; and a scorecard issued for it.</summary>
    public sealed class Portal : IAsyncLifetime
    {
        public const string PublicAddress = "https://register.portal.test";

        public PortalAppFactory Factory { get; } = new(settings: new Dictionary<string, string?> { ["Portal:BaseUrl"] = PublicAddress });

        public string VerificationCode { get; private set; } = string.Empty;

        public int AssessmentId { get; private set; }

        public byte[] Pdf { get; private set; } = [];

        public async Task InitializeAsync()
        {
            var contexts = Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
            var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
            var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
            var ccio = await TestCallers.ForAsync(contexts, TestCallers.Ccio);
            var products = new ProductService(contexts, TimeProvider.System);
            var product = (await products.AddProductAsync(supplier, new("Register PAS", null))).Value!.Id;
            var version = (await products.AddVersionAsync(supplier, product, new("2.0", null, null))).Value!.Id;
            var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", Guid.NewGuid().ToString("N")));
            var id = await journey.SubmittedAsync(officer, supplier);
            Assert.True((await journey.Reviews.StartAsync(officer, id)).Succeeded);
            Assert.True((await journey.Reviews.DecideAsync(officer, id, await journey.CodesAsync(id), ReviewOutcome.Accepted, $"Note {Marker}", TestVersions.Any)).Succeeded);
            Assert.True((await journey.Reviews.CommentAsync(officer, id, "P.1", $"Comment {Marker}", isInternal: true)).Succeeded);
            Assert.True((await journey.Reviews.SendForSignOffAsync(officer, id)).Succeeded);
            var signed = await journey.SignOffs.DecideAsync(ccio, id, new(SignOffService.Choice.ApproveWithConditions, true, $"HL-{Marker}", $"Notes {Marker}", $"Reasons {Marker}",
                [new($"Condition {Marker}", $"Owner {Marker}", TimeProvider.System.PortalToday().AddDays(30), FollowUpParty.Organisation)]), TestVersions.Any);
            Assert.True(signed.Succeeded, signed.Message);
            await using (var db = await contexts.CreateDbContextAsync())
            {
                await db.Assessments.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.ProductVersionId, version));
            }

            using var scope = Factory.Services.CreateScope();
            Assert.True((await scope.ServiceProvider.GetRequiredService<RegisterService>().PublishAsync(officer, id)).Succeeded);
            var issued = await scope.ServiceProvider.GetRequiredService<IssuedScorecardService>().IssueAsync(officer, id);
            Assert.True(issued.Succeeded, issued.Message);
            VerificationCode = issued.Value!.VerificationCode;
            Pdf = issued.Value.Content;
            AssessmentId = id;
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    [Fact]
    public async Task The_json_carries_exactly_the_published_fields_and_nothing_written_privately()
    {
        using var client = portal.Factory.CreateClient();

        using var response = await client.GetAsync("/api/v1/register?search=register%20pas");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, max-age=60", response.Headers.CacheControl?.ToString());
        using var json = JsonDocument.Parse(body);
        Assert.Equal(1, json.RootElement.GetProperty("total").GetInt32());
        var entry = Assert.Single(json.RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(EntryFields.Order(), entry.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(("Register PAS", "2.0", "signed-off-with-conditions", "XDV"),
            (entry.GetProperty("product").GetString(), entry.GetProperty("version").GetString(), entry.GetProperty("status").GetString(), entry.GetProperty("organisationOdsCode").GetString()));
        Assert.DoesNotContain(Marker, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Chris Morgan", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_csv_reads_back_as_the_whole_register_with_nothing_written_privately()
    {
        using var client = portal.Factory.CreateClient();

        using var response = await client.GetAsync("/api/v1/register.csv");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        using var parser = new TextFieldParser(new StringReader(body)) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var rows = new List<string[]>();
        while (!parser.EndOfData)
        {
            rows.Add(parser.ReadFields()!);
        }

        Assert.Equal(["supplier", "product", "version", "status", "status_text", "work_off_plan_to", "catalogue", "catalogue_version", "signed_off_on", "organisation", "organisation_ods_code"], rows[0]);
        var row = Assert.Single(rows.Skip(1));
        Assert.Equal(["Acme Clinical Systems Ltd", "Register PAS", "2.0", "signed-off-with-conditions", "Signed off with conditions", ""], row[..6]);
        Assert.Equal("XDV", row[10]);
        Assert.DoesNotContain(Marker, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_register_page_works_signed_out_and_shows_nothing_written_privately()
    {
        using var client = portal.Factory.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/register?search=Register+PAS");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Signed off with conditions", html, StringComparison.Ordinal);
        Assert.Contains("Register PAS 2.0", html, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, html, StringComparison.Ordinal);
        Assert.DoesNotContain("Chris Morgan", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_issued_pdfs_qr_code_is_its_verification_address_which_shows_the_result_signed_out()
    {
        var decoded = await PdfQrCodes.ReadAsync(portal.Pdf);

        Assert.Equal($"{Portal.PublicAddress}/scorecards/verify?code={portal.VerificationCode}", decoded);
        using var client = portal.Factory.CreateClient(new() { AllowAutoRedirect = false });
        using var page = await client.GetAsync(new Uri(decoded!).PathAndQuery);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        // In the first answer, before any live connection: a phone shows the result as soon as the page arrives.
        Assert.Contains("Genuine: issued by the portal", html, StringComparison.Ordinal);
        Assert.Contains($"This code belongs to a scorecard the portal issued for OAP-{portal.AssessmentId:D5}.", html, StringComparison.Ordinal);
        Assert.Contains(portal.VerificationCode, html, StringComparison.Ordinal);
        // The answer comes before the forms to check another code or a file, on screen without scrolling on a phone.
        Assert.True(html.IndexOf("Genuine: issued by the portal", StringComparison.Ordinal) < html.IndexOf("Check a code", StringComparison.Ordinal),
            "The result of the code in the address comes after the forms.");
    }

    [Fact]
    public async Task Verification_by_code_works_signed_out_and_says_only_what_the_pdf_says()
    {
        using var client = portal.Factory.CreateClient(new() { AllowAutoRedirect = false });

        using var api = await client.GetAsync($"/api/v1/scorecards/verify?code={portal.VerificationCode}");
        var body = await api.Content.ReadAsStringAsync();
        using var page = await client.GetAsync($"/scorecards/verify?code={portal.VerificationCode}");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Genuine", json.RootElement.GetProperty("outcome").GetString());
        Assert.DoesNotContain("Olivia Hart", body, StringComparison.Ordinal);
        Assert.DoesNotContain("pdfSha256", body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Genuine: issued by the portal", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Olivia Hart", html, StringComparison.Ordinal);
        Assert.DoesNotContain("SHA-256 of the PDF issued", html, StringComparison.Ordinal);

        // Renamed after the scorecard was issued: signed out, the answer is still what the PDF printed.
        var contexts = portal.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await db.Assessments.Where(a => db.IssuedScorecards.Any(i => i.AssessmentId == a.Id && i.VerificationCode == portal.VerificationCode))
                .ExecuteUpdateAsync(set => set.SetProperty(a => a.SystemName, "Renamed after issue"));
        }

        using var again = await client.GetAsync($"/api/v1/scorecards/verify?code={portal.VerificationCode}");
        var later = await again.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Renamed after issue", later, StringComparison.Ordinal);
        Assert.Equal(body, later);
    }
}
