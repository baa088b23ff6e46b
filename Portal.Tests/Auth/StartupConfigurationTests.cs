using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Portal.Data.Users;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Auth;

public sealed class StartupConfigurationTests
{
    [Fact]
    public async Task Production_without_entra_id_settings_exits_non_zero_naming_the_missing_setting()
    {
        var workingDirectory = Directory.CreateTempSubdirectory("portal-production-start").FullName;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Portal.dll"), "--urls", "http://127.0.0.1:0"])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("AzureAd", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        using var process = Process.Start(start)!;
        var errorTask = process.StandardError.ReadToEndAsync();
        var outputTask = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.NotEqual(0, process.ExitCode);
        var error = await errorTask + await outputTask;
        Assert.Contains("AzureAd:TenantId", error, StringComparison.Ordinal);
        Assert.Contains("AzureAd:ClientId", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://login.microsoftonline.com/", "false", null)]
    [InlineData("http://portal-idp.example/", "false", null)]
    [InlineData("https://login.microsoftonline.com/", null, true)]
    [InlineData("https://login.microsoftonline.com/", "true", true)]
    [InlineData("http://127.0.0.1:4000/", null, true)]
    [InlineData("http://127.0.0.1:4000/", "false", false)]
    [InlineData("http://[::1]:4000/", "false", false)]
    public void Metadata_over_plain_http_is_refused_at_start_up_unless_the_provider_is_on_the_loopback_address(string instance, string? setting, bool? required)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureAd:Instance"] = instance, ["AzureAd:RequireHttpsMetadata"] = setting })
            .Build();

        var refused = Record.Exception(() => { Portal.Auth.EntraIdSettings.RequireHttpsMetadata(configuration); });
        var answer = refused is null ? Portal.Auth.EntraIdSettings.RequireHttpsMetadata(configuration) : (bool?)null;

        Assert.Equal(required, answer);
        if (required is null)
        {
            Assert.IsType<Portal.Hosting.PortalConfigurationException>(refused);
            Assert.Contains($"AzureAd:RequireHttpsMetadata is false, but AzureAd:Instance ({instance}) is not on this machine's loopback address", refused.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Production_has_no_development_sign_in()
    {
        await using var factory = new PortalAppFactory("Production", testSignIn: false, PortalAppFactory.EntraIdSettings());
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        var signInPage = await client.GetStringAsync("/sign-in");
        using var devSignIn = await client.PostAsync("/auth/dev-sign-in", new FormUrlEncodedContent(new Dictionary<string, string> { ["userId"] = "1" }));
        var routes = factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText);

        Assert.DoesNotContain("/auth/dev-sign-in", routes);
        Assert.False(devSignIn.IsSuccessStatusCode || (int)devSignIn.StatusCode is >= 300 and < 400);
        Assert.DoesNotContain("Development sign-in", signInPage, StringComparison.Ordinal);
        Assert.Contains("Sign in with your NHS or organisation account", signInPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_sends_an_anonymous_visitor_to_entra_id()
    {
        // No network here: give the OpenID Connect handler the tenant's endpoints instead of letting it fetch them.
        await using var factory = new PortalAppFactory("Production", testSignIn: false, PortalAppFactory.EntraIdSettings(), services =>
            services.PostConfigure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, options =>
            {
                options.Configuration = new OpenIdConnectConfiguration
                {
                    Issuer = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0",
                    AuthorizationEndpoint = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/oauth2/v2.0/authorize",
                };
                options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(options.Configuration);
            }));
        using var client = factory.CreateClient(new() { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/");

        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.StartsWith("https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/oauth2/v2.0/authorize", location, StringComparison.Ordinal);
        Assert.Contains("client_id=66666666-7777-8888-9999-000000000000", location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entra_id_sign_in_token_keeps_its_app_role_as_a_role_the_portal_sees()
    {
        await using var factory = new PortalAppFactory("Production", testSignIn: false, PortalAppFactory.EntraIdSettings());
        var options = factory.Services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(OpenIdConnectDefaults.AuthenticationScheme);
        const string issuer = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0";
        var key = new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = "66666666-7777-8888-9999-000000000000",
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
            Subject = new System.Security.Claims.ClaimsIdentity([new("oid", Guid.NewGuid().ToString()), new("name", "Casey Entra"), new("roles", PortalRoles.CcioReviewer)]),
        });
        // Validate as the sign-in's OpenID Connect handler does, with its own token handler and parameters; only the
        // tenant's signing keys and issuer check (fetched from Entra ID in production) are replaced by local ones.
        var parameters = options.TokenValidationParameters.Clone();
        parameters.IssuerSigningKey = key;
        parameters.IssuerValidator = (candidate, _, _) => candidate == issuer ? candidate : throw new SecurityTokenInvalidIssuerException(candidate);

        var result = await options.TokenHandler.ValidateTokenAsync(idToken, parameters);

        Assert.True(result.IsValid, result.Exception?.Message);
        var principal = new System.Security.Claims.ClaimsPrincipal(result.ClaimsIdentity);
        Assert.True(principal.IsInRole(PortalRoles.CcioReviewer), "The app role arrived but the portal would not see it as a role.");
        Assert.Equal("Casey Entra", principal.FindFirst("name")?.Value);
    }
}
