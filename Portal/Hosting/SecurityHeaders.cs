using System.Security.Cryptography;
using System.Text;

namespace Portal.Hosting;

public static class SecurityHeaders
{
    /// <summary>Where the request's script nonce is kept, for the page's one inline script (the import map).</summary>
    private const string NonceKey = "portal.csp.nonce";

    /// <summary>The API reference page (Scalar): its own, separately narrowed policy (see <see cref="ApiReferencePolicy"/>).</summary>
    private static readonly PathString ApiReferencePage = "/api/docs/";

    /// <summary>
    /// Headers every response carries: no MIME sniffing, no framing by other sites (clickjacking), referrers trimmed
    /// to the origin when leaving the portal, and a Content-Security-Policy that lets the page run only the portal's
    /// own scripts. HSTS is added by UseHsts outside Development.
    /// </summary>
    public static IApplicationBuilder UsePortalSecurityHeaders(this IApplicationBuilder app)
    {
        var signIn = SignInOrigin(app.ApplicationServices.GetRequiredService<IConfiguration>());
        return app.Use(async (context, next) =>
        {
            if (context.Request.Path.Equals(ApiReferencePage, StringComparison.OrdinalIgnoreCase))
            {
                await WithApiReferencePolicyAsync(context, next);
                return;
            }

            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
            context.Response.OnStarting(() =>
            {
                SetCommonHeaders(context.Response.Headers, PortalPolicy(nonce, signIn));
                return Task.CompletedTask;
            });
            await next();
        });
    }

    /// <summary>The nonce the page's inline import map carries, so the policy needs no 'unsafe-inline' for scripts.</summary>
    public static string? ScriptNonce(HttpContext? context) => context?.Items[NonceKey] as string;

    /// <summary>
    /// The portal's pages: scripts only from the portal itself (blazor.web.js, MudBlazor's script, app.js and the
    /// components' modules) plus the nonce-bearing import map; no eval. Styles allow 'unsafe-inline' because MudBlazor
    /// renders style attributes (popover positions, grid widths, progress bars, the theme's CSS variables in a
    /// &lt;style&gt; element) and Blazor writes them with setAttribute, which CSP treats as inline style; a style
    /// cannot run script, so this is the narrowest policy under which MudBlazor draws correctly. Blazor's circuit
    /// websocket is same-origin, and 'self' covers ws:/wss: to the same host (CSP Level 3, as Chromium and Firefox do).
    /// Forms may post to the portal and, for sign-in and sign-out through Entra ID, to the configured sign-in page's
    /// origin (<c>AzureAd:Instance</c>): the sign-out form's redirect to it is a form action the browser checks.
    /// </summary>
    private static string PortalPolicy(string nonce, string signIn) => Policy($"'nonce-{nonce}'", $"'self' {signIn}");

    private static string SignInOrigin(IConfiguration configuration) =>
        Uri.TryCreate(configuration[$"{Auth.EntraIdSettings.Section}:Instance"], UriKind.Absolute, out var instance)
            ? instance.GetLeftPart(UriPartial.Authority)
            : "https://login.microsoftonline.com";

    /// <summary>Everything both policies share; they differ only in which inline scripts run and where forms may post.</summary>
    private static string Policy(string inlineScripts, string formAction) =>
        "default-src 'self'; "
        + $"script-src 'self' {inlineScripts}; "
        + "style-src 'self' 'unsafe-inline'; "
        + "img-src 'self' data:; "
        + "font-src 'self'; "
        + "connect-src 'self'; "
        + "object-src 'none'; "
        + "frame-ancestors 'none'; "
        + "base-uri 'self'; "
        + $"form-action {formAction}";

    /// <summary>
    /// The API reference (Scalar) starts itself with an inline module script holding its settings. Rather than allow
    /// every inline script, the page is read before it is sent and only the inline scripts it really holds are allowed,
    /// by their SHA-256 hashes. Scalar injects its own &lt;style&gt; elements, hence 'unsafe-inline' for styles; its
    /// "try it" requests go to the portal itself (connect-src 'self').
    /// </summary>
    private static async Task WithApiReferencePolicyAsync(HttpContext context, Func<Task> next)
    {
        var sent = context.Response.Body;
        await using var page = new MemoryStream();
        context.Response.Body = page;
        try
        {
            await next();
        }
        finally
        {
            context.Response.Body = sent;
        }

        SetCommonHeaders(context.Response.Headers, ApiReferencePolicy(Encoding.UTF8.GetString(page.GetBuffer(), 0, (int)page.Length)));
        page.Position = 0;
        await page.CopyToAsync(sent, context.RequestAborted);
    }

    private static string ApiReferencePolicy(string html) => Policy(
        string.Join(' ', InlineScripts(html).Select(script => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script.ReplaceLineEndings("\n"))))}'")),
        "'self'");

    /// <summary>The text of each script element without a src attribute (the browser hashes it with line ends as LF).</summary>
    internal static IEnumerable<string> InlineScripts(string html)
    {
        var at = 0;
        while ((at = html.IndexOf("<script", at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var tagEnd = html.IndexOf('>', at);
            var close = tagEnd < 0 ? -1 : html.IndexOf("</script>", tagEnd, StringComparison.OrdinalIgnoreCase);
            if (close < 0)
            {
                yield break;
            }

            if (!html.AsSpan(at, tagEnd - at).Contains(" src=", StringComparison.OrdinalIgnoreCase))
            {
                yield return html[(tagEnd + 1)..close];
            }

            at = close;
        }
    }

    private static void SetCommonHeaders(IHeaderDictionary headers, string contentSecurityPolicy)
    {
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = contentSecurityPolicy;
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
    }
}
