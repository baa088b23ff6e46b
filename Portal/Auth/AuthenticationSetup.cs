using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Identity.Web;
using Portal.Data;
using Portal.Data.Seed;
using Portal.Data.Users;

namespace Portal.Auth;

/// <summary>
/// Sign-in has two faces behind one cookie: Entra ID (Microsoft.Identity.Web, app roles, supplier staff as B2B
/// guests) everywhere, and a development sign-in that lists the demo people, which exists only in Development.
/// </summary>
public static class AuthenticationSetup
{
    public const string SignInPath = "/sign-in";

    public static WebApplicationBuilder AddPortalAuthentication(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        if (builder.Environment.IsDevelopment())
        {
            services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
                .AddCookie(options => ConfigureCookie(options));
        }
        else
        {
            EntraIdSettings.EnsureComplete(builder.Configuration);
            services.AddAuthentication(OpenIdConnectDefaults.AuthenticationScheme)
                .AddMicrosoftIdentityWebApp(
                    options =>
                    {
                        builder.Configuration.GetSection(EntraIdSettings.Section).Bind(options);
                        // Keep Entra ID's claim names ("roles", "oid", "tid", "name") as they arrive: mapped, the
                        // app roles would become another claim type and the "roles" role claim type would find none.
                        options.MapInboundClaims = false;
                        options.TokenValidationParameters.RoleClaimType = "roles";
                        options.Events ??= new OpenIdConnectEvents();
                        options.Events.OnRedirectToIdentityProviderForSignOut += context =>
                        {
                            // OpenID Connect RP-Initiated Logout: the portal keeps no ID token to send as a hint, so the
                            // client id is what lets the provider trust the return address; with neither, a provider
                            // ends the session but never sends the person back to the portal's signed-out page.
                            context.ProtocolMessage.ClientId = context.Options.ClientId;
                            return Task.CompletedTask;
                        };
                        options.Events.OnTokenValidated += async context =>
                        {
                            var failure = await AddPortalUserClaimAsync(context.HttpContext, context.Principal!);
                            if (failure is not null)
                            {
                                context.Fail(failure);
                            }
                        };
                    },
                    cookie => ConfigureCookie(cookie));
            if (!EntraIdSettings.RequireHttpsMetadata(builder.Configuration))
            {
                // Only for a provider on the loopback address (the sign-in tests). Microsoft.Identity.Web cannot turn this
                // off from its own options (it keeps the default's true), so it is set on the handler's options after
                // Microsoft.Identity.Web has configured them. Its issuer check fetches the metadata again, always over
                // HTTPS; the configured tenant's own issuer is accepted before that fetch.
                var entraId = builder.Configuration.GetSection(EntraIdSettings.Section);
                var tenantIssuer = $"{entraId["Instance"]!.TrimEnd('/')}/{entraId["TenantId"]}/v2.0";
                services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, options =>
                {
                    options.RequireHttpsMetadata = false;
                    options.TokenValidationParameters.ValidIssuer = tenantIssuer;
                });
            }
        }

        builder.AddPortalApiAuthentication();
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        services.AddHttpContextAccessor();
        services.AddScoped<CallerResolver>();
        services.AddScoped<CurrentUser>();
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingAuthenticationState>();
        services.AddScoped<PortalUserSync>();
        services.AddScoped<DemoPeople>();
        return builder;
    }

    public static WebApplication MapPortalAuthentication(this WebApplication app)
    {
        var auth = app.MapGroup("/auth");
        auth.MapPost("/sign-out", SignOutAsync).RequireAuthorization();

        if (app.Environment.IsDevelopment())
        {
            auth.MapPost("/dev-sign-in", DevelopmentSignInAsync).AllowAnonymous()
                .AddEndpointFilter(Api.ApiFairUse.LimitedByAddress(Api.AddressLimited.DevelopmentSignIn));
        }
        else
        {
            auth.MapGet("/sign-in", (string? returnUrl) => Results.Challenge(
                new AuthenticationProperties { RedirectUri = LocalOrHome(returnUrl) },
                [OpenIdConnectDefaults.AuthenticationScheme])).AllowAnonymous();
        }

        return app;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = "nhs-open-api-portal";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.LoginPath = SignInPath;
        options.AccessDeniedPath = "/access-denied";
        options.SlidingExpiration = true;
        options.ExpireTimeSpan = TimeSpan.FromHours(8);
    }

    /// <summary>
    /// Records (or refreshes) the person behind an Entra ID token and adds their portal user id to it; answers why
    /// not when their portal account is deactivated. Used by the sign-in and by the API's Entra ID bearer tokens.
    /// </summary>
    internal static async Task<string?> AddPortalUserClaimAsync(HttpContext http, ClaimsPrincipal principal)
    {
        var sync = http.RequestServices.GetRequiredService<PortalUserSync>();
        var role = PortalRoles.All.FirstOrDefault(principal.IsInRole);
        var userId = await sync.SyncAsync(
            principal.GetTenantId() ?? string.Empty,
            principal.GetObjectId() ?? string.Empty,
            // "name" is the person's name; Microsoft.Identity.Web's GetDisplayName is their sign-in name (an e-mail address) in v2 tokens.
            principal.FindFirstValue("name") ?? principal.GetDisplayName() ?? "Unknown user",
            principal.FindFirstValue("preferred_username") ?? principal.FindFirstValue(ClaimTypes.Email) ?? string.Empty,
            role,
            http.RequestAborted);
        if (userId is null)
        {
            return "This portal account has been deactivated. Contact your portal administrator.";
        }

        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(PortalClaimTypes.UserId, userId.Value.ToString(CultureInfo.InvariantCulture)));
        return null;
    }

    private static async Task<IResult> DevelopmentSignInAsync(
        HttpContext http,
        [FromForm] int userId,
        [FromForm] string? returnUrl,
        IDbContextFactory<PortalDbContext> contexts,
        TimeProvider clock)
    {
        await using var db = await contexts.CreateDbContextAsync(http.RequestAborted);
        var user = await db.Users
            .SingleOrDefaultAsync(u => u.Id == userId && u.TenantId == PortalSeeder.DemoTenantId && u.IsActive, http.RequestAborted);
        if (user is null)
        {
            return Results.Redirect($"{SignInPath}?error=unknown-user");
        }

        user.LastSignedInAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(http.RequestAborted);

        var identity = PortalIdentity.For("Development", user.Id, user.DisplayName, user.Email, user.TenantId, user.ObjectId, user.Role);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.LocalRedirect(LocalOrHome(returnUrl));
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IWebHostEnvironment environment)
    {
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (environment.IsDevelopment())
        {
            return Results.LocalRedirect($"{SignInPath}?signedOut=true");
        }

        return Results.SignOut(
            new AuthenticationProperties { RedirectUri = $"{SignInPath}?signedOut=true" },
            [OpenIdConnectDefaults.AuthenticationScheme]);
    }

    private static string LocalOrHome(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
