using Microsoft.AspNetCore.Components.Authorization;

namespace Portal.Auth;

/// <summary>The signed-in caller for the current circuit or request, resolved once and then reused.</summary>
public sealed class CurrentUser(AuthenticationStateProvider authenticationState, CallerResolver resolver)
{
    private Task<Caller?>? _caller;

    public Task<Caller?> GetAsync() => _caller ??= ResolveAsync();

    /// <summary>The caller, or an exception for pages that are only reachable signed in.</summary>
    public async Task<Caller> RequireAsync() =>
        await GetAsync() ?? throw new AccessDeniedException("You need to be signed in with a portal account to do this.");

    private async Task<Caller?> ResolveAsync()
    {
        var state = await authenticationState.GetAuthenticationStateAsync();
        return await resolver.ResolveAsync(state.User);
    }
}
