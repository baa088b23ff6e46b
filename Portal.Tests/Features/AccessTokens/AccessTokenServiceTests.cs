using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Features;
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
        _today = TimeProvider.System.PortalToday();
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_new_token_is_shown_once_with_the_oap_prefix_and_stored_only_as_its_hash()
    {
        var outcome = await _tokens.CreateAsync(_supplier, "Evidence sync", TokenScope.ReadWrite, _today.AddDays(30));

        Assert.True(outcome.Succeeded, outcome.Message);
        var created = outcome.Value!;
        Assert.StartsWith("oap_", created.Token, StringComparison.Ordinal);
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
        var first = await _tokens.CreateAsync(_supplier, "One", TokenScope.Read, _today.AddDays(30));
        var second = await _tokens.CreateAsync(_supplier, "Two", TokenScope.Read, _today.AddDays(30));

        Assert.NotEqual(first.Value!.Token, second.Value!.Token);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(AccessTokenService.MaxLifetimeDays + 1)]
    public async Task An_expiry_not_after_today_or_more_than_a_year_ahead_is_refused_on_the_field(int days)
    {
        var outcome = await _tokens.CreateAsync(_supplier, "Sync", TokenScope.Read, _today.AddDays(days));

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("expiresOn", outcome.Field);
        Assert.Contains("Choose an expiry date after today", outcome.Problems["expiresOn"], StringComparison.Ordinal);
        Assert.Null(outcome.Value);
    }

    [Fact]
    public async Task A_token_without_a_name_is_refused_on_the_field()
    {
        var before = (await _tokens.ListAsync(_supplier)).Count;

        var outcome = await _tokens.CreateAsync(_supplier, "   ", TokenScope.Read, _today.AddDays(30));

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("name", outcome.Field);
        Assert.Equal(before, (await _tokens.ListAsync(_supplier)).Count);
    }

    [Fact]
    public async Task A_token_expires_at_the_end_of_the_chosen_day()
    {
        var created = (await _tokens.CreateAsync(_supplier, "Sync", TokenScope.Read, _today.AddDays(10))).Value!;

        Assert.Equal(_today.AddDays(11).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), created.Row.ExpiresAt);
    }

    [Fact]
    public async Task Creating_and_revoking_a_token_each_write_an_audit_event_naming_the_token_but_never_its_value()
    {
        var created = (await _tokens.CreateAsync(_supplier, "Evidence sync", TokenScope.ReadWrite, _today.AddDays(30))).Value!;
        Assert.True((await _tokens.RevokeAsync(_supplier, created.Row.Id)).Succeeded);

        await using var db = _database.CreateDbContext();
        var events = await db.AuditEvents.Where(e => e.EntityType == nameof(PersonalAccessToken)).OrderBy(e => e.Sequence).ToListAsync();
        Assert.Equal(["AccessTokenCreated", "AccessTokenRevoked"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Contains("Evidence sync", e.Summary, StringComparison.Ordinal));
        Assert.All(events, e => Assert.DoesNotContain(created.Token, e.Summary + e.Before + e.After + e.EntityId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Nobody_can_revoke_or_list_another_persons_token()
    {
        var created = (await _tokens.CreateAsync(_supplier, "Evidence sync", TokenScope.ReadWrite, _today.AddDays(30))).Value!;

        var revoked = await _tokens.RevokeAsync(_officer, created.Row.Id);
        var missing = await _tokens.RevokeAsync(_officer, created.Row.Id + 1000);
        var officersTokens = await _tokens.ListAsync(_officer);

        Assert.Equal(OutcomeKind.NotFound, revoked.Kind);
        Assert.Equal(missing.Kind, revoked.Kind);
        Assert.Equal(missing.Message, revoked.Message);
        Assert.DoesNotContain(officersTokens, t => t.Id == created.Row.Id);
        Assert.Null((await _tokens.ListAsync(_supplier)).Single(t => t.Id == created.Row.Id).RevokedAt);
    }

    [Fact]
    public async Task A_person_may_hold_only_so_many_active_tokens()
    {
        var active = (await _tokens.ListAsync(_officer)).Count(t => t.IsUsableAt(DateTime.UtcNow));
        for (var i = active; i < AccessTokenService.MaxActiveTokens; i++)
        {
            Assert.True((await _tokens.CreateAsync(_officer, $"Token {i}", TokenScope.Read, _today.AddDays(5))).Succeeded);
        }

        var outcome = await _tokens.CreateAsync(_officer, "One too many", TokenScope.Read, _today.AddDays(5));

        Assert.Equal(OutcomeKind.Conflict, outcome.Kind);
        Assert.Contains("Revoke one", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scope_that_does_not_exist_is_refused_on_the_field()
    {
        var outcome = await _tokens.CreateAsync(_supplier, "Sync", (TokenScope)42, _today.AddDays(30));

        Assert.Equal(OutcomeKind.Invalid, outcome.Kind);
        Assert.Equal("scope", outcome.Field);
    }

    [Fact]
    public async Task Revoking_a_token_twice_is_done_both_times_and_it_stays_revoked()
    {
        var created = (await _tokens.CreateAsync(_supplier, "Sync", TokenScope.Read, _today.AddDays(30))).Value!;

        var first = await _tokens.RevokeAsync(_supplier, created.Row.Id);
        var second = await _tokens.RevokeAsync(_supplier, created.Row.Id);

        Assert.True(first.Succeeded, first.Message);
        Assert.True(second.Succeeded, second.Message);
        Assert.Contains("already revoked", second.Message, StringComparison.Ordinal);
        Assert.NotNull((await _tokens.ListAsync(_supplier)).Single(t => t.Id == created.Row.Id).RevokedAt);
    }
}
