using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Users;
using Portal.Features;
using Portal.Features.Administration;
using Portal.Tests.Features.Dashboards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Auth;

/// <summary>
/// A person deactivated, moved to another organisation or with their role removed stops acting as before within a
/// minute in a circuit that stays open, and at once through the API.
/// </summary>
public sealed class SessionRevalidationTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private readonly MovableClock _clock = new();
    private PortalUser _officer = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        await using var db = _database.CreateDbContext();
        _officer = await db.Users.AsNoTracking().SingleAsync(u => u.ObjectId == TestCallers.Officer);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private ClaimsPrincipal SignedInOfficer() => new(PortalIdentity.For(
        "Development", _officer.Id, _officer.DisplayName, _officer.Email, _officer.TenantId, _officer.ObjectId, _officer.Role));

    private CurrentUser CircuitUser() => new(new FixedState(SignedInOfficer()), new CallerResolver(_database), _clock);

    private async Task DeactivateOfficerAsync()
    {
        var administrator = await TestCallers.ForAsync(_database, TestCallers.Administrator);
        var done = await new AdministrationService(_database, _clock).SetActiveAsync(administrator, _officer.Id, active: false, ReadVersion.None);
        Assert.True(done.Succeeded, done.Message);
    }

    private async Task ChangeOfficerAsync(Action<PortalUser> change)
    {
        await using var db = _database.CreateDbContext();
        change(await db.Users.SingleAsync(u => u.Id == _officer.Id));
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task A_person_deactivated_during_a_circuit_is_no_one_within_a_minute()
    {
        var user = CircuitUser();
        Assert.NotNull(await user.GetAsync());

        await DeactivateOfficerAsync();
        _clock.MoveForward(CurrentUser.RevalidationInterval);

        Assert.Null(await user.GetAsync());
        await Assert.ThrowsAsync<AccessDeniedException>(user.RequireAsync);
    }

    [Fact]
    public async Task A_role_removed_during_a_circuit_is_gone_within_a_minute()
    {
        var user = CircuitUser();
        Assert.True((await user.RequireAsync()).IsInRole(PortalRoles.ProcurementOfficer));

        // As a later sign-in records it, once the role was taken away in Entra ID.
        await ChangeOfficerAsync(u => u.Role = null);
        _clock.MoveForward(CurrentUser.RevalidationInterval);

        Assert.Empty((await user.RequireAsync()).Roles);
    }

    [Fact]
    public async Task A_person_moved_to_another_organisation_acts_for_the_new_one_within_a_minute()
    {
        var user = CircuitUser();
        var before = (await user.RequireAsync()).NhsOrganisationId;
        var other = (await TestCallers.ForAsync(_database, TestCallers.OtherOfficer)).NhsOrganisationId;

        await ChangeOfficerAsync(u => u.LinkTo(other, null));
        _clock.MoveForward(CurrentUser.RevalidationInterval);

        Assert.NotEqual(before, other);
        Assert.Equal(other, (await user.RequireAsync()).NhsOrganisationId);
    }

    [Fact]
    public async Task The_circuits_sign_in_stops_being_valid_once_the_person_is_deactivated_or_loses_the_role()
    {
        var services = new ServiceCollection().AddSingleton<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Data.PortalDbContext>>(_database)
            .AddScoped<CallerResolver>().BuildServiceProvider();
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        Assert.True(await RevalidatingAuthenticationState.IsStillValidAsync(scopes, SignedInOfficer(), default));

        await ChangeOfficerAsync(u => u.Role = PortalRoles.CcioReviewer);
        Assert.False(await RevalidatingAuthenticationState.IsStillValidAsync(scopes, SignedInOfficer(), default));

        await ChangeOfficerAsync(u => u.Role = PortalRoles.ProcurementOfficer);
        await DeactivateOfficerAsync();
        Assert.False(await RevalidatingAuthenticationState.IsStillValidAsync(scopes, SignedInOfficer(), default));
    }

    [Fact]
    public async Task A_circuit_is_signed_out_when_its_person_moves_to_another_organisation()
    {
        var services = new ServiceCollection().AddSingleton<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Data.PortalDbContext>>(_database)
            .AddScoped<CallerResolver>().BuildServiceProvider();
        using var circuit = new RevalidatingAuthenticationState(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance,
            services.GetRequiredService<IServiceScopeFactory>());
        var state = new AuthenticationState(SignedInOfficer());
        Assert.True(await circuit.CheckAsync(state, default));

        var other = (await TestCallers.ForAsync(_database, TestCallers.OtherOfficer)).NhsOrganisationId;
        await ChangeOfficerAsync(u => u.LinkTo(other, null));

        Assert.False(await circuit.CheckAsync(state, default));
    }

    [Fact]
    public async Task The_portal_checks_live_circuits_with_the_revalidating_sign_in()
    {
        await using var factory = new PortalAppFactory();
        await using var scope = factory.Services.CreateAsyncScope();

        Assert.IsType<RevalidatingAuthenticationState>(scope.ServiceProvider.GetRequiredService<AuthenticationStateProvider>());
    }

    [Fact]
    public async Task An_api_token_of_a_person_deactivated_a_moment_ago_is_refused_at_once()
    {
        await using var factory = new PortalAppFactory();
        using var client = await factory.ApiClientForAsync(TestCallers.Supplier);
        using (var before = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var contexts = factory.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Data.PortalDbContext>>();
        var administrator = await TestCallers.ForAsync(contexts, TestCallers.Administrator);
        var supplierId = await factory.DemoUserIdAsync(TestCallers.Supplier);
        Assert.True((await new AdministrationService(contexts, TimeProvider.System).SetActiveAsync(administrator, supplierId, active: false, ReadVersion.None)).Succeeded);

        using var after = await client.GetAsync(new Uri("/api/v1/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    private sealed class FixedState(ClaimsPrincipal principal) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(principal));
    }
}
