using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Organisations;
using Portal.Features.Administration;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Administration;

public sealed class AdministrationServiceTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _administrator = default!;
    private AdministrationService _service = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _administrator = await TestCallers.ForAsync(_database, TestCallers.Administrator);
        _service = new AdministrationService(_database, TimeProvider.System);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<AdministrationService.PersonRow> PersonAsync(string objectId)
    {
        var id = (await TestCallers.ForAsync(_database, objectId)).UserId;
        return (await _service.ListPeopleAsync(_administrator)).Single(p => p.UserId == id);
    }

    [Fact]
    public async Task An_administrator_links_a_person_to_an_organisation_and_the_change_is_audited()
    {
        var priya = await PersonAsync(TestCallers.OtherOfficer);
        var trust = (await _service.ListOrganisationsAsync(_administrator)).Single(o => o.OdsCode == "XDV");

        var result = await _service.LinkPersonAsync(_administrator, priya.UserId, trust.Id, null, priya.ConcurrencyStamp);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal(trust.Id, (await PersonAsync(TestCallers.OtherOfficer)).NhsOrganisationId);
        await using var db = _database.CreateDbContext();
        var audit = await db.AuditEvents.SingleAsync(e => e.Action == "PersonLinked");
        Assert.Equal("NHS Demo Shire Integrated Care Board", audit.Before);
        Assert.Equal("Demo Valley NHS Foundation Trust", audit.After);
        Assert.Equal(_administrator.UserId, audit.ActorUserId);
    }

    [Fact]
    public async Task A_supplier_account_manager_cannot_be_linked_to_an_nhs_organisation()
    {
        var sam = await PersonAsync(TestCallers.Supplier);
        var trust = (await _service.ListOrganisationsAsync(_administrator))[0];

        var result = await _service.LinkPersonAsync(_administrator, sam.UserId, trust.Id, null, sam.ConcurrencyStamp);

        Assert.False(result.Succeeded);
        Assert.Equal("affiliation", result.Field);
        Assert.Contains("link them to a supplier", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_nhs_role_cannot_be_linked_to_a_supplier()
    {
        var olivia = await PersonAsync(TestCallers.Officer);
        var supplier = (await _service.ListSuppliersAsync(_administrator))[0];

        var result = await _service.LinkPersonAsync(_administrator, olivia.UserId, null, supplier.Id, olivia.ConcurrencyStamp);

        Assert.False(result.Succeeded);
        Assert.Contains("link them to an NHS organisation", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_administrator_saving_a_stale_record_is_told_of_the_conflict()
    {
        var stale = await PersonAsync(TestCallers.OtherOfficer);
        var organisations = await _service.ListOrganisationsAsync(_administrator);
        await _service.LinkPersonAsync(_administrator, stale.UserId, organisations[0].Id, null, stale.ConcurrencyStamp);

        var second = await _service.LinkPersonAsync(_administrator, stale.UserId, organisations[1].Id, null, stale.ConcurrencyStamp);

        Assert.True(second.IsConflict);
        Assert.Equal(organisations[0].Id, (await PersonAsync(TestCallers.OtherOfficer)).NhsOrganisationId);
    }

    [Fact]
    public async Task Nobody_but_an_administrator_may_see_or_change_people()
    {
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);

        await Assert.ThrowsAsync<AccessDeniedException>(() => _service.ListPeopleAsync(officer));
        await Assert.ThrowsAsync<AccessDeniedException>(() => _service.LinkPersonAsync(officer, officer.UserId, null, null, Guid.Empty));
        await Assert.ThrowsAsync<AccessDeniedException>(() => _service.AddOrganisationAsync(officer, "RX1", "A trust", NhsOrganisationKind.Trust));
    }

    [Theory]
    [InlineData("R", "A Trust", "odsCode", "Enter the ODS code")]
    [InlineData("XDV", "Another trust", "odsCode", "already exists")]
    [InlineData("RX9", "", "name", "Enter the organisation's name")]
    public async Task Adding_an_organisation_with_bad_details_names_the_field(string odsCode, string name, string field, string message)
    {
        var result = await _service.AddOrganisationAsync(_administrator, odsCode, name, NhsOrganisationKind.Trust);

        Assert.False(result.Succeeded);
        Assert.Equal(field, result.Field);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrator_adds_an_organisation_and_a_supplier()
    {
        var organisation = await _service.AddOrganisationAsync(_administrator, " rx9 ", "Riverside NHS Trust", NhsOrganisationKind.Trust);
        var supplier = await _service.AddSupplierAsync(_administrator, "Northwind Health Ltd", "12345678");

        Assert.True(organisation.Succeeded);
        Assert.True(supplier.Succeeded);
        Assert.Contains(await _service.ListOrganisationsAsync(_administrator), o => o.OdsCode == "RX9");
        Assert.Contains(await _service.ListSuppliersAsync(_administrator), s => s.Name == "Northwind Health Ltd" && s.CompanyNumber == "12345678");
    }

    [Fact]
    public async Task An_administrator_cannot_deactivate_their_own_account()
    {
        var result = await _service.SetActiveAsync(_administrator, _administrator.UserId, active: false);

        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task A_deactivated_person_is_no_longer_a_caller()
    {
        var sam = await PersonAsync(TestCallers.Supplier);
        await _service.SetActiveAsync(_administrator, sam.UserId, active: false);
        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(PortalClaimTypes.UserId, sam.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture))], "Test"));

        var caller = await new CallerResolver(_database).ResolveAsync(principal);

        Assert.Null(caller);
    }
}
