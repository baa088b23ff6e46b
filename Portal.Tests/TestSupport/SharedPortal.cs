namespace Portal.Tests.TestSupport;

/// <summary>
/// One portal (and its database) for a whole test class, for tests that do not change what the others read: starting
/// a host and migrating its database takes longer than most tests themselves. A class whose tests change shared
/// state keeps a portal per test.
/// </summary>
public sealed class SharedPortal : IAsyncLifetime
{
    public PortalAppFactory Factory { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Factory.DisposeAsync();
}
