using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Users;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Dashboards;

/// <summary>The dashboard page over HTTP, prerendered by the real portal, a month after a supplier was invited.</summary>
public sealed class DashboardHttpTests : IAsyncLifetime
{
    private const string SystemName = "Patient administration system";
    private readonly MovableClock _clock = new();
    private readonly PortalAppFactory _factory;
    private int _assessmentId;

    public DashboardHttpTests()
    {
        _factory = new PortalAppFactory(configureServices: services => services.AddSingleton<TimeProvider>(_clock));
    }

    public async Task InitializeAsync()
    {
        var contexts = _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        _assessmentId = await TestAssessments.InvitedAsync(contexts, officer);
        _clock.MoveForwardDays(31);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<HttpClient> ClientAsync(string who, string role) => _factory.ClientFor(await _factory.DemoUserIdAsync(who), role);

    [Fact]
    public async Task The_officer_sees_the_late_supplier_answers_with_a_link_to_the_assessment()
    {
        using var client = await ClientAsync(TestCallers.Officer, PortalRoles.ProcurementOfficer);

        var page = await client.GetStringAsync("/dashboard");

        Assert.Contains("Supplier answers past their due date (1)", page, StringComparison.Ordinal);
        Assert.Contains($"href=\"/assessments/{_assessmentId}\"", page, StringComparison.Ordinal);
        Assert.Contains(SystemName, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_supplier_is_refused_the_page_and_sees_no_organisations_figures()
    {
        using var client = await ClientAsync(TestCallers.Supplier, PortalRoles.SupplierAccountManager);

        using var response = await client.GetAsync("/dashboard");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(SystemName, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Supplier answers past their due date", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_organisations_officer_sees_only_their_own_empty_dashboard()
    {
        using var client = await ClientAsync(TestCallers.OtherOfficer, PortalRoles.ProcurementOfficer);

        using var response = await client.GetAsync("/dashboard");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Dashboard: NHS Demo Shire Integrated Care Board", body, StringComparison.Ordinal);
        Assert.Contains("No assessments yet", body, StringComparison.Ordinal);
        Assert.DoesNotContain(SystemName, body, StringComparison.Ordinal);
    }
}
