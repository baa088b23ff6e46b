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
    // Guarded: sign-out arrives on the revalidation loop's thread, not the circuit's.
    private readonly Lock _gate = new();
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
        lock (_gate)
        {
            if (_caller is not { IsFaulted: false, IsCanceled: false } cached || now - _resolvedAt >= RevalidationInterval)
            {
                _resolvedAt = now;
                cached = _caller = ResolveAsync();
            }

            return cached;
        }
    }

    /// <summary>The caller, or an exception for pages that are only reachable signed in.</summary>
    public async Task<Caller> RequireAsync() =>
        await GetAsync() ?? throw new AccessDeniedException("You need to be signed in with a portal account to do this.");

    public void Dispose() => _authenticationState.AuthenticationStateChanged -= Forget;

    private void Forget(Task<AuthenticationState> state)
    {
        lock (_gate)
        {
            _caller = null;
        }
    }

    private async Task<Caller?> ResolveAsync()
    {
        var state = await _authenticationState.GetAuthenticationStateAsync();
        return await _resolver.ResolveAsync(state.User);
    }
}
