using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Components.Shared;

namespace Portal.Api;

/// <summary>The <c>Api:RateLimit</c> settings: how many requests each token may make in each window (policy C.7).</summary>
public sealed class ApiFairUseOptions
{
    public int PermitLimit { get; set; } = 300;

    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// Fair use: each personal access token (or, for Entra ID tokens, each person) gets its own allowance per window,
/// so one busy integration never slows another's. Past it the API answers 429 with Retry-After.
/// </summary>
public static class ApiFairUse
{
    public const string PolicyName = "api-fair-use";

    public static WebApplicationBuilder AddApiFairUse(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ApiFairUseOptions>(builder.Configuration.GetSection("Api:RateLimit"));
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(PolicyName, http =>
            {
                var settings = http.RequestServices.GetRequiredService<IOptions<ApiFairUseOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(PartitionOf(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, settings.PermitLimit),
                    Window = TimeSpan.FromSeconds(Math.Max(1, settings.WindowSeconds)),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var settings = http.RequestServices.GetRequiredService<IOptions<ApiFairUseOptions>>().Value;
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? (int)Math.Ceiling(retryAfter.TotalSeconds)
                    : settings.WindowSeconds;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = Math.Max(1, wait).ToString(CultureInfo.InvariantCulture);
                var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"This token may make {Counted.Of(settings.PermitLimit, "request")} every {Counted.Of(settings.WindowSeconds, "second")}. Wait {Counted.Of(Math.Max(1, wait), "second")} (Retry-After), then retry. "
                            + "If your integration needs more, ask your portal administrator.",
                    },
                });
            };
        });
        return builder;
    }

    private static string PartitionOf(HttpContext http) =>
        http.User.FindFirstValue(PortalClaimTypes.TokenId) is { } token ? $"token:{token}"
        : http.User.FindFirstValue(PortalClaimTypes.UserId) is { } user ? $"user:{user}"
        : $"address:{http.Connection.RemoteIpAddress}";
}
