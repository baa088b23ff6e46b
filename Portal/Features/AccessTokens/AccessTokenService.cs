using System.Globalization;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.AccessTokens;
using Portal.Features.Audit;

namespace Portal.Features.AccessTokens;

/// <summary>
/// A person's personal access tokens for the API: made with a name, a scope and an expiry, shown once, kept only as
/// a hash, listed with when each was last used, and revoked. People manage only their own tokens.
/// </summary>
public sealed class AccessTokenService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    /// <summary>The longest a token may live: a forgotten token stops working within a year.</summary>
    public const int MaxLifetimeDays = 365;

    public const int DefaultLifetimeDays = 90;

    /// <summary>Enough for a person's scripts and integrations; more usually means old tokens were never revoked.</summary>
    public const int MaxActiveTokens = 20;

    public sealed record TokenRow(int Id, string Name, string Hint, TokenScope Scope, DateTime CreatedAt, DateTime ExpiresAt, DateTime? LastUsedAt, DateTime? RevokedAt)
    {
        public bool IsUsableAt(DateTime now) => RevokedAt is null && ExpiresAt > now;
    }

    /// <summary>A token just made: <see cref="Token"/> is the only time the portal ever holds it in clear.</summary>
    public sealed record CreatedToken(TokenRow Row, string Token);

    public async Task<IReadOnlyList<TokenRow>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.PersonalAccessTokens.AsNoTracking()
            .Where(t => t.UserId == caller.UserId)
            .OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id)
            .Select(t => new TokenRow(t.Id, t.Name, t.Hint, t.Scope, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<Outcome<CreatedToken>> CreateAsync(
        Caller caller, string? name, TokenScope scope, DateOnly? expiresOn, CancellationToken cancellationToken = default)
    {
        var cleanName = TypedText.Tidy(name, 100);
        if (cleanName is null)
        {
            return Outcome.Invalid("Give the token a name that says where it is used, for example \"Nightly evidence sync\".", "name");
        }

        if (!Enum.IsDefined(scope))
        {
            return Outcome.Invalid("Choose what the token may do: read, or read and write.", "scope");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now.InPortalTime());
        if (expiresOn is not { } expiry)
        {
            return Outcome.Invalid("Choose when the token expires.", "expiresOn");
        }

        if (expiry <= today || expiry > today.AddDays(MaxLifetimeDays))
        {
            return Outcome.Invalid(
                $"Choose an expiry date after today and no later than {today.AddDays(MaxLifetimeDays).ToString("d MMMM yyyy", CultureInfo.InvariantCulture)} (a year from now).", "expiresOn");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var active = await db.PersonalAccessTokens.CountAsync(t => t.UserId == caller.UserId && t.RevokedAt == null && t.ExpiresAt > now, cancellationToken);
        if (active >= MaxActiveTokens)
        {
            return Outcome.Conflict($"You already have {MaxActiveTokens} active tokens. Revoke one you no longer use first.");
        }

        var token = NewToken();
        var entity = new PersonalAccessToken
        {
            UserId = caller.UserId,
            Name = cleanName,
            TokenHash = PersonalAccessToken.HashOf(token),
            Hint = PersonalAccessToken.HintOf(token),
            Scope = scope,
            CreatedAt = now,
            // The token works to the end of the chosen day, in UTC.
            ExpiresAt = expiry.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
        };
        db.PersonalAccessTokens.Add(entity);
        AuditTrail.Record(db, caller, now, "AccessTokenCreated", nameof(PersonalAccessToken), entity.Hint,
            $"{caller.DisplayName} created the API token '{cleanName}' ({ScopeName(scope)}, expires {expiry.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}).",
            after: ScopeName(scope));
        if (await db.SaveCommandAsync("Your tokens changed while this one was being made. Try again.", cancellationToken) is { } refused)
        {
            return refused;
        }

        return Outcome.Done(
            new CreatedToken(new TokenRow(entity.Id, entity.Name, entity.Hint, entity.Scope, entity.CreatedAt, entity.ExpiresAt, null, null), token),
            $"Token '{cleanName}' created. Copy it now: the portal will not show it again.");
    }

    /// <summary>Revokes one of the caller's own tokens; revoking one already revoked is done, so a repeated click is harmless.</summary>
    public async Task<Outcome> RevokeAsync(Caller caller, int tokenId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var token = await db.PersonalAccessTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == caller.UserId, cancellationToken);
        if (token is null)
        {
            return Outcome.NotFound("That token is not one of yours.");
        }

        if (token.RevokedAt is not null)
        {
            return Outcome.Done($"Token '{token.Name}' was already revoked.");
        }

        token.RevokedAt = now;
        AuditTrail.Record(db, caller, now, "AccessTokenRevoked", nameof(PersonalAccessToken), token.Hint,
            $"{caller.DisplayName} revoked the API token '{token.Name}'.", before: ScopeName(token.Scope));
        if (await db.SaveCommandAsync($"Token '{token.Name}' changed while you were revoking it. Reload the list and try again.", cancellationToken) is { } refused)
        {
            return refused;
        }

        return Outcome.Done($"Token '{token.Name}' is revoked; anything using it can no longer call the API.");
    }

    public static string ScopeName(TokenScope scope) => scope == TokenScope.Read ? "read only" : "read and write";

    /// <summary>The prefix and 32 random bytes in URL-safe base64 (43 characters): unguessable, and safe in a header or a URL.</summary>
    private static string NewToken() =>
        PersonalAccessToken.Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
