using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Data.Users;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Assessments;

/// <summary>Every assessment page and the document download, requested over HTTP by people of other organisations.</summary>
public sealed class AssessmentIsolationHttpTests : IAsyncLifetime
{
    private const string SystemName = "Patient administration system";
    private readonly PortalAppFactory _factory = new();
    private int _assessmentId;
    private int _documentId;

    public async Task InitializeAsync()
    {
        var contexts = _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        _assessmentId = await TestAssessments.ConfirmedAsync(contexts, officer);
        await new Portal.Features.Assessments.InvitationService(contexts, TimeProvider.System, _factory.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(),
            _factory.Services.GetRequiredService<Portal.Features.Evidence.IEvidenceStore>()).InviteAsync(officer, _assessmentId, "sam.okafor@acme-clinical.example");
        using var scope = _factory.Services.CreateScope();
        var workspace = scope.ServiceProvider.GetRequiredService<EvidenceWorkspaceService>();
        using var pdf = new MemoryStream(SampleDocuments.Pdf());
        await workspace.AddDocumentAsync(supplier, _assessmentId, "P.1",
            new EvidenceInput(EvidenceItemKind.Documentation, "Specification", null, TimeProvider.System.PortalToday(), null), "spec.pdf", pdf);
        await using var db = await contexts.CreateDbContextAsync();
        _documentId = await db.EvidenceItems.Select(e => e.Id).SingleAsync();
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<HttpClient> ClientAsync(string who, string role) => _factory.ClientFor(await _factory.DemoUserIdAsync(who), role);

    /// <summary>Presses the scorecard page's "Issue PDF scorecard" button: its form posts with the page's antiforgery token.</summary>
    private async Task<HttpResponseMessage> IssueThroughThePageAsync(HttpClient client)
    {
        var page = await client.GetStringAsync($"/assessments/{_assessmentId}/scorecard");
        var form = System.Text.RegularExpressions.Regex.Match(page,
            "<form method=\"post\" action=\"(?<action>[^\"]+)\"[^>]*data-testid=\"issue-scorecard\"[^>]*>\\s*<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]+)\"");
        Assert.True(form.Success, "The scorecard page has no issue form with an antiforgery token.");
        return await client.PostAsync(form.Groups["action"].Value,
            new FormUrlEncodedContent([new(form.Groups["name"].Value, System.Net.WebUtility.HtmlDecode(form.Groups["value"].Value))]));
    }

    public static TheoryData<string, string> Outsiders => new()
    {
        { TestCallers.OtherSupplier, PortalRoles.SupplierAccountManager },
        { TestCallers.OtherOfficer, PortalRoles.ProcurementOfficer },
    };

    [Theory]
    [MemberData(nameof(Outsiders))]
    public async Task Someone_from_another_organisation_gets_no_data_from_any_assessment_page(string who, string role)
    {
        using var client = await ClientAsync(who, role);

        foreach (var path in new[]
        {
            "/assessments", $"/assessments/{_assessmentId}", $"/assessments/{_assessmentId}/evidence", $"/assessments/{_assessmentId}/start",
            $"/assessments/{_assessmentId}/review", $"/assessments/{_assessmentId}/sign-off", $"/assessments/{_assessmentId}/timeline",
            $"/assessments/{_assessmentId}/scorecard", $"/assessments/{_assessmentId}/scorecard.json", $"/assessments/{_assessmentId}/scorecard.csv", $"/assessments/{_assessmentId}/scorecard.pdf", "/",
        })
        {
            using var response = await client.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();

            Assert.DoesNotContain(SystemName, body, StringComparison.Ordinal);
            Assert.DoesNotContain("spec.pdf", body, StringComparison.Ordinal);
            // Said as such, not as a page that reads "not found" under 200: the lists answer, an assessment of
            // another organisation is not found, and a page the role never opens is refused.
            var officersOnly = path.EndsWith("/start", StringComparison.Ordinal) || path.EndsWith("/review", StringComparison.Ordinal) || path.EndsWith("/sign-off", StringComparison.Ordinal);
            var expected = path is "/assessments" or "/" ? HttpStatusCode.OK
                : officersOnly && role == PortalRoles.SupplierAccountManager ? HttpStatusCode.Forbidden
                : HttpStatusCode.NotFound;
            Assert.True(expected == response.StatusCode, $"{path} answered {(int)response.StatusCode}, not {(int)expected}.");
        }
    }

    [Theory]
    [MemberData(nameof(Outsiders))]
    public async Task Someone_from_another_organisation_cannot_download_the_document(string who, string role)
    {
        using var client = await ClientAsync(who, role);

        using var response = await client.GetAsync($"/evidence/{_documentId}/download");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Outsiders))]
    public async Task Someone_from_another_organisation_cannot_download_the_scorecard_workbook(string who, string role)
    {
        using var client = await ClientAsync(who, role);

        using var response = await client.GetAsync($"/assessments/{_assessmentId}/scorecard.xlsx");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData(TestCallers.Ccio, PortalRoles.CcioReviewer)]
    [InlineData(TestCallers.Supplier, PortalRoles.SupplierAccountManager)]
    public async Task The_assessing_organisation_and_the_supplier_download_the_scorecard_workbook(string who, string role)
    {
        using var client = await ClientAsync(who, role);

        using var response = await client.GetAsync($"/assessments/{_assessmentId}/scorecard.xlsx");
        using var workbook = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var summary = MiniExcelLibs.MiniExcel.Query(workbook, useHeaderRow: true, sheetName: "Summary").Cast<IDictionary<string, object?>>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(summary, row => (string?)row["Item"] == "System" && (string?)row["Value"] == SystemName);
    }

    [Fact]
    public async Task The_assessing_organisation_sees_the_pages_and_downloads_the_document_as_an_attachment()
    {
        using var client = await ClientAsync(TestCallers.Ccio, PortalRoles.CcioReviewer);

        var page = await client.GetStringAsync($"/assessments/{_assessmentId}");
        var scorecard = await client.GetStringAsync($"/assessments/{_assessmentId}/scorecard.json");
        Assert.Contains(SystemName, scorecard, StringComparison.Ordinal);
        using var download = await client.GetAsync($"/evidence/{_documentId}/download");

        Assert.Contains(SystemName, page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("spec.pdf", download.Content.Headers.ContentDisposition.FileNameStar ?? download.Content.Headers.ContentDisposition.FileName);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(SampleDocuments.Pdf(), await download.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_pdf_scorecard_downloads_and_the_content_its_code_seals_is_refused_to_outsiders()
    {
        using var ccio = await ClientAsync(TestCallers.Ccio, PortalRoles.CcioReviewer);
        using var outsider = await ClientAsync(TestCallers.OtherSupplier, PortalRoles.SupplierAccountManager);

        using var pdf = await IssueThroughThePageAsync(ccio);
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var code = await db.IssuedScorecards.Where(s => s.AssessmentId == _assessmentId).Select(s => s.VerificationCode).SingleAsync();
        using var sealedContent = await ccio.GetAsync($"/scorecards/issued/{code}.json");
        using var refused = await outsider.GetAsync($"/scorecards/issued/{code}.json");

        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", pdf.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(HttpStatusCode.OK, sealedContent.StatusCode);
        Assert.Contains(SystemName, await sealedContent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
    }

    [Fact]
    public async Task Following_the_pdf_link_records_nothing_and_issuing_needs_the_pages_antiforgery_token()
    {
        using var ccio = await ClientAsync(TestCallers.Ccio, PortalRoles.CcioReviewer);
        var contexts = _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        async Task<(int Issued, int Events)> CountAsync()
        {
            await using var db = await contexts.CreateDbContextAsync();
            return (await db.IssuedScorecards.CountAsync(), await db.AuditEvents.CountAsync(e => e.Action == "ScorecardIssued"));
        }

        var before = await CountAsync();
        using var preview = await ccio.GetAsync($"/assessments/{_assessmentId}/scorecard.pdf");
        using var preview2 = await ccio.GetAsync($"/assessments/{_assessmentId}/scorecard.pdf");
        var afterPreviews = await CountAsync();
        using var forged = await ccio.PostAsync($"/assessments/{_assessmentId}/scorecard/issue", new FormUrlEncodedContent([]));
        var afterForged = await CountAsync();
        using var issued = await IssueThroughThePageAsync(ccio);
        var afterIssue = await CountAsync();

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal("application/pdf", preview.Content.Headers.ContentType!.MediaType);
        Assert.Equal(before, afterPreviews);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(before, afterForged);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        Assert.Equal((before.Issued + 1, before.Events + 1), afterIssue);
    }

    [Fact]
    public async Task An_anonymous_visitor_cannot_download_the_document()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync($"/evidence/{_documentId}/download");

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }
}
