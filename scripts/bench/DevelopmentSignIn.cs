using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Benchmarks;

/// <summary>A signed-in session's cookies, as a browser would send them.</summary>
public sealed record SignedInCookies(IReadOnlyList<KeyValuePair<string, string>> Cookies)
{
    public string Header => string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}"));
}

/// <summary>
/// Signs in once through the development sign-in form, as a person would (the form's antiforgery token and
/// cookie included), and keeps the cookies so every load request and browser page is that person.
/// </summary>
public static partial class DevelopmentSignIn
{
    public static async Task<SignedInCookies> AsAsync(Uri portal, int userId, CancellationToken cancellationToken)
    {
        using var handler = new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = portal };
        var form = await http.GetStringAsync("/sign-in", cancellationToken);
        var token = AntiforgeryField().Match(form);
        if (!token.Success)
        {
            throw new InvalidOperationException("The sign-in page has no antiforgery token: is the portal running in Development?");
        }

        using var post = await http.PostAsync("/auth/dev-sign-in", new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups["token"].Value)),
            new("userId", userId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("returnUrl", "/"),
        ]), cancellationToken);
        if (post.StatusCode != HttpStatusCode.Redirect || post.Headers.Location?.OriginalString.Contains("error", StringComparison.Ordinal) == true)
        {
            throw new InvalidOperationException($"The development sign-in answered {(int)post.StatusCode} {post.Headers.Location}.");
        }

        var cookies = handler.CookieContainer.GetCookies(portal).Select(c => new KeyValuePair<string, string>(c.Name, c.Value)).ToList();
        return new SignedInCookies(cookies);
    }

    [GeneratedRegex("""name="__RequestVerificationToken"[^>]*value="(?<token>[^"]+)"|value="(?<token>[^"]+)"[^>]*name="__RequestVerificationToken""")]
    private static partial Regex AntiforgeryField();
}
