using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.AccessTokens;
using Portal.Features.AccessTokens;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.AccessTokens;

public sealed class AccessTokenServiceTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private AccessTokenService _tokens = default!;
    private Caller _supplier = default!;
    private Caller _officer = default!;
    private DateOnly _today;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _tokens = new AccessTokenService(_database, TimeProvider.System);
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _today = DateOnly.FromDateTime(DateTime.UtcNow);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_new_token_is_shown_once_with_the_oap_prefix_and_stored_only_as_its_hash()
    {
        var (result, created) = await _tokens.CreateAsync(_supplier, "Evidence sync", TokenScope.ReadWrite, _today.AddDays(30));

        Assert.True(result.Succeeded, result.Message);
        Assert.StartsWith("oap_", created!.Token, StringComparison.Ordinal);
        Assert.True(created.Token.Length >= 40);
        await using var db = _database.CreateDbContext();
        var stored = await db.PersonalAccessTokens.SingleAsync(t => t.Id == created.Row.Id);
        Assert.Equal(PersonalAccessToken.HashOf(created.Token), stored.TokenHash);
        Assert.DoesNotContain(created.Token, stored.TokenHash + stored.Hint + stored.Name, StringComparison.Ordinal);
        Assert.Equal($"oap_…{created.Token[^4..]}", stored.Hint);
    }

    [Fact]
    public async Task Two_tokens_are_never_the_same()
    {
        var (_, first) = await _tokens.CreateAsync(_supplier, "One", TokenScope.Read, _today.AddDays(30));
        var (_, second) = await _tokens.CreateAsync(_supplier, "Two", TokenScope.Read, _today.AddDays(30));

        Assert.NotEqual(first!.Token, second!.Token);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(AccessTokenService.MaxLifetimeDays + 1)]
    public async Task An_expiry_not_after_today_or_more_than_a_year_ahead_is_refused_on_the_field(int days)
    {
        var (result, created) = await _tokens.CreateAsync(_supplier, "Sync", TokenScope.Read, _today.AddDays(days));

        Assert.False(result.Succeeded);
        Assert.Equal("expiresOn", result.Field);
        Assert.Null(created);
    }

    [Fact]
    public async Task A_token_without_a_name_is_refused_on_the_field()
    {
        var (result, _) = await _tokens.CreateAsync(_supplier, "   ", TokenScope.Read, _today.AddDays(30));

        Assert.Equal("name", result.Field);
    }

    [Fact]
    public async Task A_token_expires_at_the_end_of_the_chosen_day()
    {
        var (_, created) = await _tokens.CreateAsync(_supplier, "Sync", TokenScope.Read, _today.AddDays(10));

        Assert.Equal(_today.AddDays(11).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), created!.Row.ExpiresAt);
    }

    [Fact]
    public async Task Creating_and_revoking_a_token_each_write_an_audit_event_naming_the_token_but_never_its_value()
    {
        var (_, created) = await _tokens.CreateAsync(_supplier, "Evidence sync", TokenScope.ReadWrite, _today.AddDays(30));
        await _tokens.RevokeAsync(_supplier, created!.Row.Id);

        await using var db = _database.CreateDbContext();
        var events = await db.AuditEvents.Where(e => e.EntityType == nameof(PersonalAccessToken)).OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(["AccessTokenCreated", "AccessTokenRevoked"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Contains("Evidence sync", e.Summary, StringComparison.Ordinal));
        Assert.All(events, e => Assert.DoesNotContain(created.Token, e.Summary + e.Before + e.After + e.EntityId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nobody_can_revoke_or_list_another_persons_token()
    {
        var (_, created) = await _tokens.CreateAsync(_supplier, "Evidence sync", TokenScope.ReadWrite, _today.AddDays(30));

        var revoked = await _tokens.RevokeAsync(_officer, created!.Row.Id);
        var officersTokens = await _tokens.ListAsync(_officer);

        Assert.False(revoked.Succeeded);
        Assert.DoesNotContain(officersTokens, t => t.Id == created.Row.Id);
        Assert.Null((await _tokens.ListAsync(_supplier)).Single(t => t.Id == created.Row.Id).RevokedAt);
    }

    [Fact]
    public async Task A_person_may_hold_only_so_many_active_tokens()
    {
        var active = (await _tokens.ListAsync(_officer)).Count(t => t.IsUsableAt(DateTime.UtcNow));
        for (var i = active; i < AccessTokenService.MaxActiveTokens; i++)
        {
            Assert.True((await _tokens.CreateAsync(_officer, $"Token {i}", TokenScope.Read, _today.AddDays(5))).Result.Succeeded);
        }

        var (result, _) = await _tokens.CreateAsync(_officer, "One too many", TokenScope.Read, _today.AddDays(5));

        Assert.False(result.Succeeded);
        Assert.Contains("Revoke one", result.Message, StringComparison.Ordinal);
    }
}
