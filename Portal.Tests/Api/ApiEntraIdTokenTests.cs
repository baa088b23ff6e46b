using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Users;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>
/// In production the API also accepts Entra ID access tokens for the portal's app registration. Entra ID is never
/// contacted in tests: the bearer scheme is given a local signing key in place of the tenant's published keys, and
/// everything else (audience, Microsoft.Identity.Web's own checks, the portal user record, roles) runs as configured.
/// </summary>
public sealed class ApiEntraIdTokenTests : IAsyncLifetime
{
    private const string TenantId = "11111111-2222-3333-4444-555555555555";
    private const string ClientId = "66666666-7777-8888-9999-000000000000";
    private static readonly string Issuer = $"https://login.microsoftonline.com/{TenantId}/v2.0";
    private static readonly SymmetricSecurityKey SigningKey = new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private readonly PortalAppFactory _factory = new("Production", settings: PortalAppFactory.EntraIdSettings(), configureServices: services =>
        services.PostConfigure<JwtBearerOptions>(ApiAuthentication.EntraIdScheme, options =>
        {
            options.Configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
            options.Configuration.SigningKeys.Add(SigningKey);
            options.TokenValidationParameters.IssuerSigningKey = SigningKey;
            options.TokenValidationParameters.IssuerValidator = (issuer, _, _) =>
                issuer == Issuer ? issuer : throw new SecurityTokenInvalidIssuerException($"Unexpected issuer {issuer}");
        }));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    /// <summary>A version 2.0 access token for the app registration, whose audience is then the client id.</summary>
    private static string EntraToken(string objectId, string role, string audience = ClientId) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256),
            Subject = new ClaimsIdentity(
            [
                new Claim("tid", TenantId),
                new Claim("oid", objectId),
                new Claim("name", "Casey Entra"),
                new Claim("preferred_username", "casey.entra@demo-valley.nhs.uk"),
                new Claim("scp", "access_as_user"),
                new Claim("roles", role),
                new Claim("ver", "2.0"),
            ]),
        });

    private HttpClient Client(string token)
    {
        var client = _factory.CreateClient(new() { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task An_entra_id_access_token_signs_in_with_its_app_role_and_records_the_person()
    {
        var objectId = Guid.NewGuid().ToString();
        using var client = Client(EntraToken(objectId, PortalRoles.CcioReviewer));

        using var raw = await client.GetAsync("/api/v1/me");
        Assert.True(raw.IsSuccessStatusCode, $"{raw.Headers.WwwAuthenticate} {await raw.Content.ReadAsStringAsync()}");
        var me = await raw.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("Casey Entra", me.GetProperty("name").GetString());
        Assert.Equal(PortalRoles.CcioReviewer, me.GetProperty("role").GetString());
        Assert.Equal("ReadWrite", me.GetProperty("scope").GetString());
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(PortalRoles.CcioReviewer, await db.Users.Where(u => u.TenantId == TenantId && u.ObjectId == objectId).Select(u => u.Role).SingleAsync());
    }

    [Fact]
    public async Task An_entra_id_token_for_another_application_gets_401()
    {
        using var client = Client(EntraToken(Guid.NewGuid().ToString(), PortalRoles.CcioReviewer, audience: "api://some-other-application"));

        using var response = await client.GetAsync("/api/v1/me");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "Entra ID access token was refused");
    }

    [Fact]
    public async Task An_entra_id_person_whose_portal_account_is_deactivated_gets_401()
    {
        var objectId = Guid.NewGuid().ToString();
        using (var first = Client(EntraToken(objectId, PortalRoles.ProcurementOfficer)))
        {
            Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/v1/me")).StatusCode);
        }

        await using (var db = await _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            await db.Users.Where(u => u.ObjectId == objectId).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false));
        }

        using var client = Client(EntraToken(objectId, PortalRoles.ProcurementOfficer));
        using var response = await client.GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
