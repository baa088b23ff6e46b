using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Users;
using Portal.Features.Comparisons;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Comparisons;

/// <summary>The compare page and its CSV over HTTP, for a procurement reference full of characters a URL must escape.</summary>
public sealed class ComparisonHttpTests : IAsyncLifetime
{
    private const string Reference = "Trust PAS 2026/01 & renewal?";
    private readonly PortalAppFactory _factory = new();
    private int _acmeBid;

    public async Task InitializeAsync()
    {
        var contexts = _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        _acmeBid = await TestAssessments.InvitedAsync(contexts, officer, procurementReference: Reference);
        await TestAssessments.InvitedAsync(contexts, officer, "bea.lindqvist@brightwater-health.example", "Brightwater Health Software Ltd", procurementReference: Reference);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<HttpClient> ClientAsync(string who, string role) => _factory.ClientFor(await _factory.DemoUserIdAsync(who), role);

    public static TheoryData<string, string> CannotCompare => new()
    {
        { TestCallers.Supplier, PortalRoles.SupplierAccountManager },
        { TestCallers.OtherSupplier, PortalRoles.SupplierAccountManager },
        { TestCallers.OtherOfficer, PortalRoles.ProcurementOfficer },
    };

    [Theory]
    [MemberData(nameof(CannotCompare))]
    public async Task Suppliers_and_other_organisations_get_404_for_the_comparison_downloads(string who, string role)
    {
        using var client = await ClientAsync(who, role);

        using var csv = await client.GetAsync(ComparisonService.Address(Reference, "csv"));
        using var pdf = await client.GetAsync(ComparisonService.Address(Reference, "pdf"));

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (csv.StatusCode, pdf.StatusCode));
    }

    [Theory]
    [InlineData(TestCallers.Supplier, PortalRoles.SupplierAccountManager, "Brightwater")]
    [InlineData(TestCallers.OtherSupplier, PortalRoles.SupplierAccountManager, "Acme")]
    [InlineData(TestCallers.OtherOfficer, PortalRoles.ProcurementOfficer, "Acme")]
    public async Task Suppliers_and_other_organisations_see_no_bid_on_the_compare_page(string who, string role, string competitor)
    {
        using var client = await ClientAsync(who, role);

        var page = await client.GetStringAsync(ComparisonService.Address(Reference));

        Assert.Contains("Comparison not available", page, StringComparison.Ordinal);
        Assert.DoesNotContain(competitor, page, StringComparison.Ordinal);
        Assert.DoesNotContain("OAP-", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_assessing_organisation_sees_both_bids_on_the_page_and_in_the_csv()
    {
        using var client = await ClientAsync(TestCallers.Ccio, PortalRoles.CcioReviewer);

        var page = await client.GetStringAsync(ComparisonService.Address(Reference));
        using var csv = await client.GetAsync(ComparisonService.Address(Reference, "csv"));
        var text = await csv.Content.ReadAsStringAsync();

        Assert.Contains("Compare bids: Trust PAS 2026/01 &amp; renewal?", page, StringComparison.Ordinal);
        Assert.Contains("Brightwater Health Software Ltd", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("Trust-PAS-2026-01---renewal--comparison-", csv.Content.Headers.ContentDisposition!.FileNameStar ?? csv.Content.Headers.ContentDisposition.FileName, StringComparison.Ordinal);
        Assert.Contains("Acme Clinical Systems Ltd", text, StringComparison.Ordinal);
        Assert.Contains("Brightwater Health Software Ltd", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_assessing_organisation_downloads_the_comparison_as_a_pdf_attachment()
    {
        using var client = await ClientAsync(TestCallers.Officer, PortalRoles.ProcurementOfficer);

        using var response = await client.GetAsync(ComparisonService.Address(Reference, "pdf"));
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Contains("Brightwater Health Software Ltd", string.Join(" ", pdf.GetPage(1).GetWords().Select(w => w.Text)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_assessment_page_links_nhs_staff_to_the_comparison_and_not_the_supplier()
    {
        using var officer = await ClientAsync(TestCallers.Officer, PortalRoles.ProcurementOfficer);
        using var supplier = await ClientAsync(TestCallers.Supplier, PortalRoles.SupplierAccountManager);

        var officerPage = await officer.GetStringAsync($"/assessments/{_acmeBid}");
        var supplierPage = await supplier.GetStringAsync($"/assessments/{_acmeBid}");

        Assert.Contains(System.Net.WebUtility.HtmlEncode(ComparisonService.Address(Reference)), officerPage, StringComparison.Ordinal);
        Assert.Contains("Compare the 2 bids for", officerPage, StringComparison.Ordinal);
        Assert.Contains("Patient administration system", supplierPage, StringComparison.Ordinal);
        Assert.DoesNotContain("/procurements/compare", supplierPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_anonymous_visitor_gets_no_comparison_csv()
    {
        using var client = _factory.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync(ComparisonService.Address(Reference, "csv"));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }
}
