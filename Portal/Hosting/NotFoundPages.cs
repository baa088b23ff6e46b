using Microsoft.AspNetCore.Diagnostics;

namespace Portal.Hosting;

public static class NotFoundPages
{
    /// <summary>
    /// The friendly not-found page is for people browsing (GET). A form post or an API call to an unknown address
    /// gets a plain 404, not a re-executed page that would demand a form token it never had.
    /// </summary>
    public static IApplicationBuilder UseNotFoundPageForBrowsingOnly(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var isBrowsing = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
            if (!isBrowsing || context.Request.Path.StartsWithSegments("/api"))
            {
                var statusCodePages = context.Features.Get<IStatusCodePagesFeature>();
                if (statusCodePages is not null)
                {
                    statusCodePages.Enabled = false;
                }
            }

            await next();
        });
}
