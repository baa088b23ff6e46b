using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Portal.Auth;
using Scalar.AspNetCore;

namespace Portal.Api;

/// <summary>
/// The portal's REST API, version 1: JSON over the same feature services the pages use, documented by an OpenAPI
/// document generated from this code, signed in by bearer tokens only, and limited per token for fair use.
/// </summary>
public static class ApiSetup
{
    public const string Prefix = "/api/v1";

    public static WebApplicationBuilder AddPortalApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
        });
        builder.Services.Configure<JsonOptions>(options => ConfigureJson(options.SerializerOptions));
        // Bad requests throw, so the API's problem details can say exactly what was wrong (the field, the value).
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddPortalApiDocumentation();
        // Kestrel answers a request line over 8 KB with a bare 414 before the portal sees it; let lines up to 32 KB
        // through so the API can refuse a long query itself (ApiProblems.MaxQueryLength) with problem details.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestLineSize = 32 * 1024);
        builder.AddApiFairUse();
        return builder;
    }

    /// <summary>
    /// Names are camelCase; enumerations are their names (as in the scorecard export), never numbers; a field the API
    /// does not know, or a null where a value is required, is refused rather than ignored.
    /// </summary>
    public static void ConfigureJson(System.Text.Json.JsonSerializerOptions options)
    {
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
    }

    /// <summary>Problem details for everything under /api/v1 that goes wrong, before anything else sees the request.</summary>
    public static IApplicationBuilder UsePortalApiProblems(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Prefix), branch => branch.UseMiddleware<ApiProblems>());

    public static WebApplication MapPortalApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous().ExcludeFromDescription();
        // The reference works offline from the portal's own files; nothing about the API is sent to Scalar's hosted
        // services (AI agent, MCP, telemetry, hosted developer tools).
        app.MapScalarApiReference("/api/docs", options => options
            .WithTitle("NHS Open API compliance portal: API reference")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .AddPreferredSecuritySchemes(ApiDocumentation.BearerSchemeName)
            .WithDefaultHttpClient(ScalarTarget.Shell, ScalarClient.Curl)
            // Scalar's default fonts come from its own host, which an NHS network without internet cannot reach.
            .DisableDefaultFonts()
            .WithFavicon("/favicon.svg")
            .AddHeaderContent("<nav aria-label=\"Portal\" style=\"padding:0.5rem 1rem;font-family:Arial,sans-serif\">"
                + "<a href=\"/\">Back to the portal</a> · <a href=\"/api/getting-started\">Getting started</a> · <a href=\"/api/changelog\">Changelog</a></nav>"
                // Before Scalar's own scripts, so its validator never tries the eval the Content-Security-Policy refuses.
                + "<script src=\"/api-reference.js\"></script>")
            .HideDeveloperTools()
            .DisableAgent()
            .DisableMcp()
            .DisableTelemetry())
            .AllowAnonymous();

        var api = app.MapGroup(Prefix)
            .RequireAuthorization(ApiAuthentication.Policy)
            .RequireRateLimiting(ApiFairUse.PolicyName)
            .AddEndpointFilter<ApiCallerFilter>()
            // The API signs in by bearer token only, never by cookie, so no request can ride on a browser's session.
            .DisableAntiforgery();

        api.MapAccountApi();
        api.MapCatalogueApi();
        api.MapAssessmentsApi();
        api.MapResponsesApi();
        api.MapEvidenceApi();
        api.MapLinkChecksApi();
        api.MapReviewsApi();
        api.MapFollowUpsApi();
        api.MapScorecardsApi();
        api.MapTimelineApi();
        // What the pages do, operation for operation (policy P.1): ApiParityTests keeps every service command here.
        api.MapAssessmentStartApi();
        api.MapInvitationsApi();
        api.MapWorkflowApi();
        api.MapNotificationsApi();
        api.MapMailApi();
        api.MapAdministrationApi();
        api.MapProductsApi();
        api.MapReassessmentsApi();
        api.MapEvidencePacksApi();
        api.MapRegisterApi();
        app.MapPublicRegisterApi();
        app.MapPublicScorecardsApi();
        return app;
    }
}
