using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Organisations;
using Portal.Features;
using Portal.Features.Administration;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Administration;

/// <summary>Administrators put trusts under integrated care boards: who may, what is refused and why, and two at once.</summary>
public sealed class OrganisationParentTests : IAsyncLifetime
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

    private async Task<AdministrationService.OrganisationRow> OrganisationAsync(string odsCode) =>
        (await _service.ListOrganisationsAsync(_administrator)).Single(o => o.OdsCode == odsCode);

    private async Task<AdministrationService.OrganisationRow> AddAsync(string odsCode, NhsOrganisationKind kind)
    {
        Assert.True((await _service.AddOrganisationAsync(_administrator, odsCode, $"Organisation {odsCode}", kind)).Succeeded);
        return await OrganisationAsync(odsCode);
    }

    [Fact]
    public async Task The_demo_trust_starts_under_the_demo_icb()
    {
        var trust = await OrganisationAsync("XDV");

        Assert.Equal("XDS", trust.ParentOdsCode);
        Assert.Equal("NHS Demo Shire Integrated Care Board", trust.ParentName);
    }

    [Fact]
    public async Task An_administrator_puts_a_trust_under_an_icb_and_the_change_is_audited_with_a_new_version()
    {
        var trust = await AddAsync("RT1", NhsOrganisationKind.Trust);

        var result = await _service.SetParentAsync(_administrator, trust.Id, " xds ", ReadVersion.Of(trust.ConcurrencyStamp));

        Assert.True(result.Succeeded, result.Message);
        var after = await OrganisationAsync("RT1");
        Assert.Equal("XDS", after.ParentOdsCode);
        Assert.NotEqual(trust.ConcurrencyStamp, after.ConcurrencyStamp);
        await using var db = _database.CreateDbContext();
        var audit = await db.AuditEvents.SingleAsync(e => e.Action == "OrganisationParentSet" && e.EntityId == "RT1");
        Assert.Equal("no ICB", audit.Before);
        Assert.Equal("NHS Demo Shire Integrated Care Board (XDS)", audit.After);
        Assert.Equal(_administrator.UserId, audit.ActorUserId);
    }

    [Fact]
    public async Task A_blank_code_takes_the_trust_out_of_its_icb()
    {
        var trust = await OrganisationAsync("XDV");

        var result = await _service.SetParentAsync(_administrator, trust.Id, "  ", ReadVersion.Of(trust.ConcurrencyStamp));

        Assert.True(result.Succeeded, result.Message);
        Assert.Null((await OrganisationAsync("XDV")).ParentOdsCode);
    }

    [Theory]
    [InlineData("ZZZ9", "No organisation has ODS code ZZZ9")]
    [InlineData("RT2", "is not an integrated care board")]
    [InlineData("RT1", "cannot be its own parent")]
    [InlineData("X'; DROP TABLE NhsOrganisations;--", "3 to 6 letters and digits")]
    [InlineData("QMMQMMQ", "3 to 6 letters and digits")]
    public async Task A_parent_that_is_missing_not_an_icb_itself_or_malformed_is_refused_on_the_field(string code, string expected)
    {
        var trust = await AddAsync("RT1", NhsOrganisationKind.Trust);
        await AddAsync("RT2", NhsOrganisationKind.Trust);

        var result = await _service.SetParentAsync(_administrator, trust.Id, code, ReadVersion.Of(trust.ConcurrencyStamp));

        Assert.Equal(OutcomeKind.Invalid, result.Kind);
        Assert.Contains(expected, result.Message, StringComparison.Ordinal);
        Assert.Equal([AdministrationService.ParentField], result.Problems.Keys);
        Assert.Null((await OrganisationAsync("RT1")).ParentOdsCode);
    }

    [Fact]
    public async Task An_icb_cannot_be_put_under_another_icb_so_no_chain_or_cycle_can_form()
    {
        var other = await AddAsync("QO1", NhsOrganisationKind.IntegratedCareBoard);
        var demo = await OrganisationAsync("XDS");

        var under = await _service.SetParentAsync(_administrator, demo.Id, "QO1", ReadVersion.Of(demo.ConcurrencyStamp));
        var back = await _service.SetParentAsync(_administrator, other.Id, "XDS", ReadVersion.Of(other.ConcurrencyStamp));

        Assert.Equal(OutcomeKind.Invalid, under.Kind);
        Assert.Contains("an ICB has no parent", under.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Invalid, back.Kind);
        Assert.Null((await OrganisationAsync("XDS")).ParentOdsCode);
        Assert.Null((await OrganisationAsync("QO1")).ParentOdsCode);
    }

    [Fact]
    public async Task A_second_administrator_choosing_from_the_earlier_version_is_told_someone_changed_it()
    {
        await AddAsync("QO1", NhsOrganisationKind.IntegratedCareBoard);
        var read = await OrganisationAsync("XDV");
        Assert.True((await _service.SetParentAsync(_administrator, read.Id, "QO1", ReadVersion.Of(read.ConcurrencyStamp))).Succeeded);

        var second = await _service.SetParentAsync(_administrator, read.Id, "", ReadVersion.Of(read.ConcurrencyStamp));

        Assert.Equal(OutcomeKind.Stale, second.Kind);
        Assert.Contains("Someone else changed Demo Valley NHS Foundation Trust", second.Message, StringComparison.Ordinal);
        Assert.Equal("QO1", (await OrganisationAsync("XDV")).ParentOdsCode);
    }

    [Fact]
    public async Task A_change_that_names_no_version_is_refused_as_stale_rather_than_overwriting()
    {
        var trust = await OrganisationAsync("XDV");

        var result = await _service.SetParentAsync(_administrator, trust.Id, "", ReadVersion.None);

        Assert.Equal(OutcomeKind.Stale, result.Kind);
        Assert.Equal("XDS", (await OrganisationAsync("XDV")).ParentOdsCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public async Task An_organisation_that_does_not_exist_is_not_found(int id)
    {
        var result = await _service.SetParentAsync(_administrator, id, "XDS", new ReadVersion(null, Any: true));

        Assert.Equal(OutcomeKind.NotFound, result.Kind);
    }

    [Theory]
    [InlineData(TestCallers.Officer)]
    [InlineData(TestCallers.OtherOfficer)]
    [InlineData(TestCallers.Ccio)]
    [InlineData(TestCallers.Supplier)]
    public async Task Only_an_administrator_may_set_a_parent(string person)
    {
        var caller = await TestCallers.ForAsync(_database, person);
        var trust = await OrganisationAsync("XDV");

        var result = await _service.SetParentAsync(caller, trust.Id, "", ReadVersion.Of(trust.ConcurrencyStamp));

        Assert.Equal(OutcomeKind.Forbidden, result.Kind);
        Assert.Equal("XDS", (await OrganisationAsync("XDV")).ParentOdsCode);
    }
}
