using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.AccessTokens;
using Portal.Features.AccessTokens;

namespace Portal.Tests.TestSupport;

/// <summary>API callers for HTTP tests: real personal access tokens, made by the real service, sent as bearer tokens.</summary>
public static class ApiClients
{
    public static async Task<string> TokenForAsync(this PortalAppFactory factory, string demoObjectId, TokenScope scope = TokenScope.ReadWrite)
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var caller = await TestCallers.ForAsync(contexts, demoObjectId);
        var created = await new AccessTokenService(contexts, TimeProvider.System)
            .CreateAsync(caller, $"Test token for {demoObjectId}", scope, TimeProvider.System.PortalToday().AddDays(30));
        Assert.True(created.Succeeded, created.Message);
        return created.Value!.Token;
    }

    public static HttpClient ApiClient(this PortalAppFactory factory, string? token)
    {
        // Every answer is held to the OpenAPI document (status, media type, JSON Schema); no redirects are followed.
        var client = factory.CreateDefaultClient(new Uri("http://localhost"), factory.ResponseValidator.Handler());
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    /// <summary>The trust officer's confirmed assessment of Acme's system, with Acme invited: the usual start of an API test.</summary>
    public static async Task<int> InvitedAssessmentAsync(this PortalAppFactory factory)
    {
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        return await TestAssessments.InvitedAsync(contexts, await TestCallers.ForAsync(contexts, TestCallers.Officer));
    }

    public static async Task<HttpClient> ApiClientForAsync(this PortalAppFactory factory, string demoObjectId, TokenScope scope = TokenScope.ReadWrite) =>
        factory.ApiClient(await factory.TokenForAsync(demoObjectId, scope));
}
