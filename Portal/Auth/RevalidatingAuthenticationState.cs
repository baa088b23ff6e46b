using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Portal.Auth;

/// <summary>
/// Checks a live circuit's sign-in against the person's record every minute. When they have been deactivated or
/// their role removed, the circuit is signed out: the page they are on asks them to sign in again, and every feature
/// service call from then on is made by no one.
/// </summary>
public sealed class RevalidatingAuthenticationState(ILoggerFactory loggerFactory, IServiceScopeFactory scopes)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => CurrentUser.RevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        await IsStillValidAsync(scopes, authenticationState.User, cancellationToken);

    /// <summary>Whether the principal still names an active person who holds every portal role it carries.</summary>
    public static async Task<bool> IsStillValidAsync(IServiceScopeFactory scopes, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (principal.Identity?.IsAuthenticated != true)
        {
            return true;
        }

        await using var scope = scopes.CreateAsyncScope();
        var caller = await scope.ServiceProvider.GetRequiredService<CallerResolver>().ResolveAsync(principal, cancellationToken);
        return caller is not null && Data.Users.PortalRoles.All.Where(principal.IsInRole).All(caller.IsInRole);
    }
}
