using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.AccessTokens;
using Portal.Data.Seed;
using Portal.Data.Users;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>How API calls sign in: personal access tokens as bearer tokens, never cookies.</summary>
public sealed class ApiAuthenticationTests : IAsyncLifetime
{
    private readonly PortalAppFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private IDbContextFactory<PortalDbContext> Contexts => _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

    [Fact]
    public async Task A_personal_access_token_signs_in_as_its_owner_with_the_role_the_portal_gives_them()
    {
        using var client = await _factory.ApiClientForAsync(TestCallers.Supplier);

        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");

        Assert.Equal("Sam Okafor", me.GetProperty("name").GetString());
        Assert.Equal(PortalRoles.SupplierAccountManager, me.GetProperty("role").GetString());
        Assert.Equal("Acme Clinical Systems Ltd", me.GetProperty("supplier").GetProperty("name").GetString());
        Assert.Equal("ReadWrite", me.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task A_call_without_a_token_gets_401_with_a_problem_saying_how_to_sign_in()
    {
        using var client = _factory.ApiClient(token: null);

        using var response = await client.GetAsync("/api/v1/me");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "/account/tokens");
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.Single().Scheme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_token_gets_401_saying_it_is_not_known()
    {
        using var client = _factory.ApiClient("oap_thisTokenWasNeverIssuedByThePortal000000000");

        using var response = await client.GetAsync("/api/v1/me");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "not known");
    }

    [Fact]
    public async Task A_revoked_token_gets_401_saying_it_was_revoked()
    {
        var token = await _factory.TokenForAsync(TestCallers.Supplier);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            await db.PersonalAccessTokens.Where(t => t.TokenHash == PersonalAccessToken.HashOf(token))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, DateTime.UtcNow));
        }

        using var client = _factory.ApiClient(token);
        using var response = await client.GetAsync("/api/v1/me");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "revoked");
    }

    [Fact]
    public async Task An_expired_token_gets_401_saying_it_expired()
    {
        var token = await _factory.TokenForAsync(TestCallers.Supplier);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            await db.PersonalAccessTokens.Where(t => t.TokenHash == PersonalAccessToken.HashOf(token))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
        }

        using var client = _factory.ApiClient(token);
        using var response = await client.GetAsync("/api/v1/me");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "expired");
    }

    [Fact]
    public async Task A_token_of_a_deactivated_person_gets_401()
    {
        var token = await _factory.TokenForAsync(TestCallers.OtherSupplier);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            await db.Users.Where(u => u.ObjectId == TestCallers.OtherSupplier).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false));
        }

        using var client = _factory.ApiClient(token);
        using var response = await client.GetAsync("/api/v1/me");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "deactivated");
    }

    [Fact]
    public async Task A_read_only_token_reads_but_is_refused_any_write_with_403()
    {
        using var client = await _factory.ApiClientForAsync(TestCallers.Officer, TokenScope.Read);

        using var read = await client.GetAsync("/api/v1/assessments");
        using var write = await client.PostAsync("/api/v1/assessments", null);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        await ApiAssert.ProblemAsync(write, HttpStatusCode.Forbidden, "read-only");
        await using var db = await Contexts.CreateDbContextAsync();
        Assert.Equal(0, await db.Assessments.CountAsync());
    }

    [Fact]
    public async Task The_portals_own_sign_in_never_signs_in_an_api_call()
    {
        var userId = await _factory.DemoUserIdAsync(TestCallers.Officer);
        using var client = _factory.ClientFor(userId, PortalRoles.ProcurementOfficer);

        using var response = await client.PostAsync("/api/v1/assessments", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await using var db = await Contexts.CreateDbContextAsync();
        Assert.Equal(0, await db.Assessments.CountAsync());
    }

    [Fact]
    public async Task Using_a_token_records_when_it_was_last_used()
    {
        var token = await _factory.TokenForAsync(TestCallers.Ccio);
        using var client = _factory.ApiClient(token);

        using var response = await client.GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await Contexts.CreateDbContextAsync();
        var lastUsed = await db.PersonalAccessTokens.Where(t => t.TokenHash == PersonalAccessToken.HashOf(token)).Select(t => t.LastUsedAt).SingleAsync();
        Assert.NotNull(lastUsed);
        Assert.InRange(lastUsed!.Value, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task In_development_a_demo_persons_well_known_token_works()
    {
        using var client = _factory.ApiClient(PortalSeeder.DemoToken(TestCallers.Administrator));

        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");

        Assert.Equal("Ada Price", me.GetProperty("name").GetString());
        Assert.Equal(PortalRoles.Administrator, me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task The_development_sign_in_page_lists_each_demo_persons_token()
    {
        using var client = _factory.CreateClient();

        var page = await client.GetStringAsync("/sign-in");

        Assert.Contains(PortalSeeder.DemoToken(TestCallers.Supplier), page, StringComparison.Ordinal);
        Assert.Contains(PortalSeeder.DemoToken(TestCallers.Ccio), page, StringComparison.Ordinal);
    }
}

/// <summary>Outside Development the demo tokens are refused even if demo data was seeded by mistake.</summary>
public sealed class ApiAuthenticationOutsideDevelopmentTests : IAsyncLifetime
{
    private readonly PortalAppFactory _factory = new("Production", settings: PortalAppFactory.EntraIdSettings());

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Outside_development_a_demo_token_is_refused_with_401()
    {
        using var client = _factory.ApiClient(PortalSeeder.DemoToken(TestCallers.Officer));

        using var response = await client.GetAsync("/api/v1/me");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Unauthorized, "only when the portal runs in Development");
    }

    [Fact]
    public async Task Outside_development_the_sign_in_page_lists_no_demo_tokens()
    {
        using var client = _factory.CreateClient();

        var page = await client.GetStringAsync("/sign-in");

        Assert.DoesNotContain("oap_demo_", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_development_a_personal_access_token_still_works_beside_entra_id_tokens()
    {
        using var client = await _factory.ApiClientForAsync(TestCallers.Supplier);
        await using (var db = await _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync())
        {
            // Real people are not in the demo tenant; move Sam out of it, as an Entra ID sign-in would have recorded him.
            await db.Users.Where(u => u.ObjectId == TestCallers.Supplier).ExecuteUpdateAsync(s => s.SetProperty(u => u.TenantId, "11111111-2222-3333-4444-555555555555"));
        }

        using var response = await client.GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
