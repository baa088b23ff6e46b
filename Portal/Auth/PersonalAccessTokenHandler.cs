using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Api;
using Portal.Data;
using Portal.Data.AccessTokens;
using Portal.Data.Seed;

namespace Portal.Auth;

/// <summary>
/// Signs in API calls that carry <c>Authorization: Bearer oap_...</c>: the token's hash is looked up, and the person
/// it belongs to gets the same claims the portal's sign-in gives them (user id, name, role), plus the token's scope.
/// Anything else in the header is left for the other schemes.
/// </summary>
public sealed class PersonalAccessTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<PortalDbContext> contexts,
    IWebHostEnvironment environment,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PersonalAccessToken";

    /// <summary>Recording every use would make each read a write; once a minute is precise enough to spot unused tokens.</summary>
    private static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    private string? _failure;

    public static bool CarriesPersonalAccessToken(HttpRequest request) =>
        BearerToken(request) is { } token && token.StartsWith(PersonalAccessToken.Prefix, StringComparison.Ordinal);

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = BearerToken(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        if (!token.StartsWith(PersonalAccessToken.Prefix, StringComparison.Ordinal))
        {
            return Fail($"The bearer token is not a portal personal access token (they start '{PersonalAccessToken.Prefix}'). Create one at /account/tokens.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var hash = PersonalAccessToken.HashOf(token);
        await using var db = await contexts.CreateDbContextAsync(Context.RequestAborted);
        var found = await db.PersonalAccessTokens.AsNoTracking()
            .Where(t => t.TokenHash == hash)
            .Select(t => new
            {
                t.Id,
                t.Scope,
                t.ExpiresAt,
                t.RevokedAt,
                t.LastUsedAt,
                t.UserId,
                t.User!.DisplayName,
                t.User.Email,
                t.User.Role,
                t.User.IsActive,
                t.User.TenantId,
                t.User.ObjectId,
            })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (found is null)
        {
            return Fail("The personal access token is not known. Check it was copied whole, or create a new one at /account/tokens.");
        }

        if (found.RevokedAt is not null)
        {
            return Fail("The personal access token was revoked. Create a new one at /account/tokens.");
        }

        if (found.ExpiresAt <= now)
        {
            return Fail($"The personal access token expired at {found.ExpiresAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC. Create a new one at /account/tokens.");
        }

        if (!found.IsActive)
        {
            return Fail("The portal account this token belongs to has been deactivated. Contact your portal administrator.");
        }

        if (found.TenantId == PortalSeeder.DemoTenantId && !environment.IsDevelopment())
        {
            // Demo people and their well-known tokens are for trying the portal on a developer's machine only.
            return Fail("Demo tokens work only when the portal runs in Development.");
        }

        if (found.LastUsedAt is null || now - found.LastUsedAt.Value >= LastUsedPrecision)
        {
            await db.PersonalAccessTokens.Where(t => t.Id == found.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }

        var identity = PortalIdentity.For(SchemeName, found.UserId, found.DisplayName, found.Email, found.TenantId, found.ObjectId, found.Role,
            new Claim(PortalClaimTypes.TokenScope, found.Scope.ToString()),
            new Claim(PortalClaimTypes.TokenId, found.Id.ToString(CultureInfo.InvariantCulture)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        // A refused token counts against its address, so tokens cannot be guessed at speed; a missing one does not.
        if (_failure is not null && await ApiFairUse.RefusedByAddressAsync(Context, AddressLimited.InvalidToken))
        {
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        var description = _failure ?? "Send a personal access token as 'Authorization: Bearer oap_...'. Create one at /account/tokens.";
        Response.Headers.WWWAuthenticate = _failure is null
            ? "Bearer realm=\"portal-api\""
            : $"Bearer realm=\"portal-api\", error=\"invalid_token\", error_description=\"{description.Replace("\"", "'", StringComparison.Ordinal)}\"";
        Context.Items[ApiAuthentication.ChallengeDetailKey] = description;
    }

    private AuthenticateResult Fail(string message)
    {
        _failure = message;
        return AuthenticateResult.Fail(message);
    }
}
