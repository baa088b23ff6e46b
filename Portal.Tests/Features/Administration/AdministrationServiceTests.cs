using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Organisations;
using Portal.Features;
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

        var result = await _service.LinkPersonAsync(_administrator, priya.UserId, trust.Id, null, ReadVersion.Of(priya.ConcurrencyStamp));

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

        var result = await _service.LinkPersonAsync(_administrator, sam.UserId, trust.Id, null, ReadVersion.Of(sam.ConcurrencyStamp));

        Assert.False(result.Succeeded);
        Assert.Equal("affiliation", result.Field);
        Assert.Contains("link them to a supplier", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_nhs_role_cannot_be_linked_to_a_supplier()
    {
        var olivia = await PersonAsync(TestCallers.Officer);
        var supplier = (await _service.ListSuppliersAsync(_administrator))[0];

        var result = await _service.LinkPersonAsync(_administrator, olivia.UserId, null, supplier.Id, ReadVersion.Of(olivia.ConcurrencyStamp));

        Assert.False(result.Succeeded);
        Assert.Contains("link them to an NHS organisation", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_administrator_saving_a_stale_record_is_told_of_the_conflict()
    {
        var stale = await PersonAsync(TestCallers.OtherOfficer);
        var organisations = await _service.ListOrganisationsAsync(_administrator);
        await _service.LinkPersonAsync(_administrator, stale.UserId, organisations[0].Id, null, ReadVersion.Of(stale.ConcurrencyStamp));

        var second = await _service.LinkPersonAsync(_administrator, stale.UserId, organisations[1].Id, null, ReadVersion.Of(stale.ConcurrencyStamp));

        Assert.Equal(OutcomeKind.Stale, second.Kind);
        Assert.Contains("Someone else changed", second.Message, StringComparison.Ordinal);
        Assert.Equal(organisations[0].Id, (await PersonAsync(TestCallers.OtherOfficer)).NhsOrganisationId);
    }

    [Fact]
    public async Task Nobody_but_an_administrator_may_see_or_change_people()
    {
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        var priya = await PersonAsync(TestCallers.OtherOfficer);

        await Assert.ThrowsAsync<AccessDeniedException>(() => _service.ListPeopleAsync(officer));
        Assert.Equal(OutcomeKind.Forbidden, (await _service.LinkPersonAsync(officer, priya.UserId, null, null, ReadVersion.Of(priya.ConcurrencyStamp))).Kind);
        Assert.Equal(OutcomeKind.Forbidden, (await _service.SetActiveAsync(officer, priya.UserId, false, ReadVersion.Of(priya.ConcurrencyStamp))).Kind);
        Assert.Equal(OutcomeKind.Forbidden, (await _service.AddOrganisationAsync(officer, "RX1", "A trust", NhsOrganisationKind.Trust)).Kind);
        Assert.Equal(OutcomeKind.Forbidden, (await _service.AddSupplierAsync(officer, "A supplier", null)).Kind);
        Assert.True((await PersonAsync(TestCallers.OtherOfficer)).IsActive);
        Assert.DoesNotContain(await _service.ListOrganisationsAsync(_administrator), o => o.OdsCode == "RX1");
    }

    [Fact]
    public async Task Linking_or_deactivating_someone_who_does_not_exist_is_not_found()
    {
        var linked = await _service.LinkPersonAsync(_administrator, 99_999, null, null, ReadVersion.Of(Guid.NewGuid()));
        var deactivated = await _service.SetActiveAsync(_administrator, 99_999, false, ReadVersion.None);

        Assert.Equal(OutcomeKind.NotFound, linked.Kind);
        Assert.Equal(OutcomeKind.NotFound, deactivated.Kind);
    }

    [Fact]
    public async Task A_link_that_names_no_version_is_stale_and_changes_nothing()
    {
        var priya = await PersonAsync(TestCallers.OtherOfficer);
        var trust = (await _service.ListOrganisationsAsync(_administrator)).Single(o => o.OdsCode == "XDV");

        var result = await _service.LinkPersonAsync(_administrator, priya.UserId, trust.Id, null, ReadVersion.None);

        Assert.Equal(OutcomeKind.Stale, result.Kind);
        Assert.Equal(priya.NhsOrganisationId, (await PersonAsync(TestCallers.OtherOfficer)).NhsOrganisationId);
    }

    [Fact]
    public async Task Choosing_both_an_organisation_and_a_supplier_is_invalid_on_the_field()
    {
        var priya = await PersonAsync(TestCallers.OtherOfficer);

        var result = await _service.LinkPersonAsync(_administrator, priya.UserId, 1, 1, ReadVersion.Of(priya.ConcurrencyStamp));

        Assert.Equal(OutcomeKind.Invalid, result.Kind);
        Assert.Equal("affiliation", result.Field);
    }

    [Fact]
    public async Task Deactivating_from_a_record_someone_changed_since_is_stale()
    {
        var stale = await PersonAsync(TestCallers.OtherOfficer);
        var organisations = await _service.ListOrganisationsAsync(_administrator);
        Assert.True((await _service.LinkPersonAsync(_administrator, stale.UserId, organisations[0].Id, null, ReadVersion.Of(stale.ConcurrencyStamp))).Succeeded);

        var result = await _service.SetActiveAsync(_administrator, stale.UserId, false, ReadVersion.Of(stale.ConcurrencyStamp));

        Assert.Equal(OutcomeKind.Stale, result.Kind);
        Assert.True((await PersonAsync(TestCallers.OtherOfficer)).IsActive);
    }

    [Fact]
    public async Task Adding_a_supplier_gives_back_its_id_and_a_second_with_the_same_name_is_invalid_on_the_field()
    {
        var added = await _service.AddSupplierAsync(_administrator, "Northwind Health Ltd", null);
        var again = await _service.AddSupplierAsync(_administrator, " Northwind Health Ltd ", null);

        Assert.True(added.Succeeded, added.Message);
        Assert.Equal("Northwind Health Ltd", (await _service.ListSuppliersAsync(_administrator)).Single(s => s.Id == added.Value).Name);
        Assert.Equal(OutcomeKind.Invalid, again.Kind);
        Assert.Equal("name", again.Field);
    }

    [Fact]
    public async Task A_bad_companies_house_number_is_invalid_on_the_field()
    {
        var result = await _service.AddSupplierAsync(_administrator, "Northwind Health Ltd", "123");

        Assert.Equal(OutcomeKind.Invalid, result.Kind);
        Assert.Equal("companyNumber", result.Field);
    }

    [Theory]
    [InlineData("R", "A Trust", "odsCode", "Enter the ODS code")]
    [InlineData("XDV", "Another trust", "odsCode", "already exists")]
    [InlineData("RX9", "", "name", "Enter the organisation's name")]
    public async Task Adding_an_organisation_with_bad_details_names_the_field(string odsCode, string name, string field, string message)
    {
        var result = await _service.AddOrganisationAsync(_administrator, odsCode, name, NhsOrganisationKind.Trust);

        Assert.Equal(OutcomeKind.Invalid, result.Kind);
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
        Assert.Contains(await _service.ListOrganisationsAsync(_administrator), o => o.OdsCode == "RX9" && o.Id == organisation.Value);
        Assert.Contains(await _service.ListSuppliersAsync(_administrator), s => s.Name == "Northwind Health Ltd" && s.CompanyNumber == "12345678");
    }

    [Fact]
    public async Task An_administrator_cannot_deactivate_their_own_account()
    {
        var result = await _service.SetActiveAsync(_administrator, _administrator.UserId, active: false, ReadVersion.None);

        Assert.Equal(OutcomeKind.Forbidden, result.Kind);
    }

    [Fact]
    public async Task A_deactivated_person_is_no_longer_a_caller()
    {
        var sam = await PersonAsync(TestCallers.Supplier);
        Assert.True((await _service.SetActiveAsync(_administrator, sam.UserId, active: false, ReadVersion.Of(sam.ConcurrencyStamp))).Succeeded);
        var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(PortalClaimTypes.UserId, sam.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture))], "Test"));

        var caller = await new CallerResolver(_database).ResolveAsync(principal);

        Assert.Null(caller);
    }
}
