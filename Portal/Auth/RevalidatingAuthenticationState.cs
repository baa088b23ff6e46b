using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Portal.Auth;

/// <summary>
/// Checks a live circuit's sign-in against the person's record every minute. When they have been deactivated, their
/// role removed, or they now act for another organisation or supplier than when the circuit began, the circuit is
/// signed out: the page they are on asks them to sign in again, and components holding the old caller stop working
/// with it.
/// </summary>
public sealed partial class RevalidatingAuthenticationState(ILoggerFactory loggerFactory, IServiceScopeFactory scopes)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<RevalidatingAuthenticationState>();
    private (int? NhsOrganisationId, int? SupplierId)? _affiliation;

    protected override TimeSpan RevalidationInterval => CurrentUser.RevalidationInterval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        CheckAsync(authenticationState, cancellationToken);

    /// <summary>One check of the circuit's sign-in, as the revalidation loop makes it every minute.</summary>
    internal async Task<bool> CheckAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        try
        {
            var caller = await ResolveAsync(scopes, authenticationState.User, cancellationToken);
            if (!IsStillValid(authenticationState.User, caller))
            {
                return false;
            }

            // The circuit began acting for one organisation or supplier; a move to another ends it rather than carrying on.
            var affiliation = (caller?.NhsOrganisationId, caller?.SupplierId);
            _affiliation ??= affiliation;
            return _affiliation == affiliation;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A database that does not answer for a moment must not sign every circuit out; the next check decides.
            LogCheckFailed(_logger, ex);
            return true;
        }
    }

    /// <summary>Whether the principal still names an active person who holds the portal roles it carries.</summary>
    public static async Task<bool> IsStillValidAsync(IServiceScopeFactory scopes, ClaimsPrincipal principal, CancellationToken cancellationToken) =>
        IsStillValid(principal, await ResolveAsync(scopes, principal, cancellationToken));

    private static bool IsStillValid(ClaimsPrincipal principal, Caller? caller) =>
        principal.Identity?.IsAuthenticated != true
        || (caller is not null && Data.Users.PortalRoles.All.Where(principal.IsInRole).All(caller.IsInRole));

    private static async Task<Caller?> ResolveAsync(IServiceScopeFactory scopes, ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        if (principal.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CallerResolver>().ResolveAsync(principal, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check a circuit's sign-in against the person's record; it stays signed in until the next check.")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
