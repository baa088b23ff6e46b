using Microsoft.AspNetCore.Components.Authorization;

namespace Portal.Auth;

/// <summary>
/// The signed-in caller for the current circuit or request. Resolved again once it is older than
/// <see cref="RevalidationInterval"/>, so a person deactivated, unlinked or with a role removed stops acting as
/// before within that time, even in a circuit that stays open all day.
/// </summary>
public sealed class CurrentUser : IDisposable
{
    public static readonly TimeSpan RevalidationInterval = TimeSpan.FromMinutes(1);

    private readonly AuthenticationStateProvider _authenticationState;
    private readonly CallerResolver _resolver;
    private readonly TimeProvider _clock;
    private Task<Caller?>? _caller;
    private DateTimeOffset _resolvedAt;

    public CurrentUser(AuthenticationStateProvider authenticationState, CallerResolver resolver, TimeProvider clock)
    {
        _authenticationState = authenticationState;
        _resolver = resolver;
        _clock = clock;
        _authenticationState.AuthenticationStateChanged += Forget;
    }

    public Task<Caller?> GetAsync()
    {
        var now = _clock.GetUtcNow();
        if (_caller is null || now - _resolvedAt >= RevalidationInterval || _caller.IsFaulted || _caller.IsCanceled)
        {
            _resolvedAt = now;
            _caller = ResolveAsync();
        }

        return _caller;
    }

    /// <summary>The caller, or an exception for pages that are only reachable signed in.</summary>
    public async Task<Caller> RequireAsync() =>
        await GetAsync() ?? throw new AccessDeniedException("You need to be signed in with a portal account to do this.");

    public void Dispose() => _authenticationState.AuthenticationStateChanged -= Forget;

    private void Forget(Task<AuthenticationState> state) => _caller = null;

    private async Task<Caller?> ResolveAsync()
    {
        var state = await _authenticationState.GetAuthenticationStateAsync();
        return await _resolver.ResolveAsync(state.User);
    }
}
