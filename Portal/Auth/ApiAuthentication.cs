using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Identity.Web;

namespace Portal.Auth;

/// <summary>
/// How API calls sign in: a personal access token, or (outside Development) an Entra ID access token for the
/// portal's app registration. Cookies never sign in an API call, so a page on another site cannot make a signed-in
/// person's browser change data through the API (no cross-site request forgery).
/// </summary>
public static class ApiAuthentication
{
    /// <summary>The policy scheme the API's endpoints authenticate with; it forwards to the token's own scheme.</summary>
    public const string Scheme = "Api";

    /// <summary>The authorisation policy every API endpoint requires.</summary>
    public const string Policy = "Api";

    public const string EntraIdScheme = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>Where a failed sign-in leaves its reason for the problem details the API answers with.</summary>
    public const string ChallengeDetailKey = "portal.api.challenge";

    public static WebApplicationBuilder AddPortalApiAuthentication(this WebApplicationBuilder builder)
    {
        var acceptEntraId = !builder.Environment.IsDevelopment();
        var authentication = builder.Services.AddAuthentication();
        authentication.AddScheme<AuthenticationSchemeOptions, PersonalAccessTokenHandler>(PersonalAccessTokenHandler.SchemeName, null);
        if (acceptEntraId)
        {
            // The same app registration as the sign-in: its app roles arrive in the "roles" claim of the access token.
            authentication.AddMicrosoftIdentityWebApi(builder.Configuration.GetSection(EntraIdSettings.Section), EntraIdScheme);
            builder.Services.Configure<JwtBearerOptions>(EntraIdScheme, options =>
            {
                // Keep Entra ID's claim names ("roles", "oid", "tid", "name") as they are, so the role claim type below holds.
                options.MapInboundClaims = false;
                options.TokenValidationParameters.RoleClaimType = "roles";
                options.Events ??= new JwtBearerEvents();
                var challengeOfMicrosoftIdentityWeb = options.Events.OnChallenge;
                options.Events.OnChallenge = async context =>
                {
                    // As for personal access tokens: a refused token counts against its address.
                    if (context.AuthenticateFailure is not null && await Api.ApiFairUse.RefusedByAddressAsync(context.HttpContext, Api.AddressLimited.InvalidToken))
                    {
                        context.HandleResponse();
                        return;
                    }

                    await challengeOfMicrosoftIdentityWeb(context);
                };
                var checksOfMicrosoftIdentityWeb = options.Events.OnTokenValidated;
                options.Events.OnTokenValidated = async context =>
                {
                    await checksOfMicrosoftIdentityWeb(context);
                    if (context.Result is null || context.Result.Succeeded)
                    {
                        var failure = await AuthenticationSetup.AddPortalUserClaimAsync(context.HttpContext, context.Principal!);
                        if (failure is not null)
                        {
                            context.Fail(failure);
                        }
                    }
                };
            });
        }

        authentication.AddPolicyScheme(Scheme, "Portal API", options => options.ForwardDefaultSelector = context =>
            acceptEntraId && PersonalAccessTokenHandler.BearerToken(context.Request) is not null
                && !PersonalAccessTokenHandler.CarriesPersonalAccessToken(context.Request)
                ? EntraIdScheme
                : PersonalAccessTokenHandler.SchemeName);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser());
        return builder;
    }

    /// <summary>Whether the signed-in API caller may change data: Entra ID tokens act fully as the person; a read-only personal token may not.</summary>
    public static bool MayWrite(System.Security.Claims.ClaimsPrincipal principal) =>
        principal.FindFirst(PortalClaimTypes.TokenScope)?.Value is not { } scope || scope == nameof(Data.AccessTokens.TokenScope.ReadWrite);
}
