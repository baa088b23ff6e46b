using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using MudBlazor.Services;
using Portal.Auth;
using Portal.Data;
using Portal.Features;

namespace Portal.Tests.TestSupport;

/// <summary>
/// The base for component tests: MudBlazor's services and providers, loose JS interop, the portal's real feature
/// services over a real migrated SQLite database, and a sign-in as any demo person.
/// </summary>
public abstract class ComponentTestBase : BunitContext, IAsyncLifetime
{
    protected ComponentTestBase()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Authorization = AddAuthorization();
    }

    protected BunitAuthorizationContext Authorization { get; }

    protected TestDatabase Database { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(Database);
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<CallerResolver>();
        Services.AddScoped<CurrentUser>();
        Services.AddPortalFeatures();
        Services.AddDataProtection();
        Services.AddSingleton<Portal.Features.Evidence.IEvidenceStore>(new Portal.Features.Evidence.LocalFolderEvidenceStore(Path.Combine(Database.Directory, "evidence")));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Signs in as a seeded demo person, with the role and portal user id the real sign-in would give.</summary>
    protected async Task<Caller> SignInAsync(string demoObjectId, bool withRole = true)
    {
        var caller = await TestCallers.ForAsync(Database, demoObjectId);
        Authorization.SetAuthorized(caller.DisplayName);
        if (withRole)
        {
            Authorization.SetRoles([.. caller.Roles]);
        }

        Authorization.SetClaims(new Claim(PortalClaimTypes.UserId, caller.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return caller;
    }

    /// <summary>Renders a component after MudBlazor's popover provider, the one MainLayout renders (no dialog provider:
    /// a component that opened a MudBlazor dialog would find none in the portal, and must fail here too).</summary>
    protected IRenderedComponent<TComponent> RenderWithProviders<TComponent>(Action<ComponentParameterCollectionBuilder<TComponent>>? parameters = null)
        where TComponent : Microsoft.AspNetCore.Components.IComponent
    {
        Render<MudPopoverProvider>();
        return parameters is null ? Render<TComponent>() : Render(parameters);
    }
}
