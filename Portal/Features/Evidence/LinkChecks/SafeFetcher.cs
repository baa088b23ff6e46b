using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Portal.Features.Evidence.LinkChecks;

public enum FetchProblem
{
    /// <summary>The address (or a redirect's) is not one the portal fetches: private, loopback, link-local, not http(s), with credentials.</summary>
    Refused,

    /// <summary>No connection, TLS failed, or the connection broke.</summary>
    Unreachable,

    TimedOut,

    TooManyRedirects,

    /// <summary>It answered with a content type the check does not read; the body was not read.</summary>
    ContentType,
}

/// <summary>What one fetch read: where it ended, the answer's status and type, and at most the size limit of its body.</summary>
public sealed record FetchResult(
    Uri RequestedUrl,
    Uri FinalUrl,
    IReadOnlyList<Uri> Redirects,
    int? Status,
    string? ContentType,
    byte[] Body,
    bool Truncated,
    FetchProblem? Problem,
    string? ProblemText)
{
    public bool Answered => Status is not null;
}

/// <summary>
/// Fetches supplier-given addresses without letting them reach inside the portal's network (server-side request
/// forgery). The connection is made by <see cref="ConnectAsync"/>, which resolves the name itself, refuses unless every
/// address is public (<see cref="PublicAddresses"/>) and connects to the address it checked, so a second lookup (DNS
/// rebinding) cannot change where the request goes. Redirects are followed here, not by the handler, each hop checked
/// again. No proxy (it would resolve names itself), no cookies, no credentials; time and size are limited.
/// </summary>
public sealed class SafeFetcher(IHttpClientFactory clients, IOptions<LinkCheckOptions> options)
{
    public const string ClientName = "link-checks";

    public long MaxBytes => options.Value.MaxBytes;

    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<SafeFetcher>();
        services.AddHttpClient(ClientName)
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var settings = provider.GetRequiredService<IOptions<LinkCheckOptions>>();
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    UseProxy = false,
                    Credentials = null,
                    PreAuthenticate = false,
                    AutomaticDecompression = DecompressionMethods.All,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(1),
                    ConnectTimeout = TimeSpan.FromSeconds(10),
                    ConnectCallback = (context, cancellationToken) => ConnectAsync(context, settings.Value, cancellationToken),
                };
            })
            // The fetcher's own timeout covers the whole chain of redirects and the body.
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            // A supplier's address that does not answer is a check result the officer sees, not a log entry with a stack
            // trace; and the factory's logs would write every address fetched, query string included.
            .RemoveAllLoggers();
    }

    /// <summary>Fetches <paramref name="url"/> with GET, reading the body only when <paramref name="readable"/> accepts its content type.</summary>
    public async Task<FetchResult> FetchAsync(Uri url, string accept, Func<string?, bool> readable, CancellationToken cancellationToken, long? maxBytes = null)
    {
        var settings = options.Value;
        var limit = maxBytes ?? settings.MaxBytes;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        var client = clients.CreateClient(ClientName);
        var redirects = new List<Uri>();
        var current = url;
        try
        {
            while (true)
            {
                if (RefusalOf(current) is { } refusal)
                {
                    return Failed(url, current, redirects, FetchProblem.Refused, refusal);
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Headers.UserAgent.ParseAdd(settings.UserAgent);
                request.Headers.Accept.ParseAdd(accept);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
                {
                    if (redirects.Count >= settings.MaxRedirects)
                    {
                        return Failed(url, current, redirects, FetchProblem.TooManyRedirects, $"More than {settings.MaxRedirects} redirects; the portal stopped following them.");
                    }

                    current = location.IsAbsoluteUri ? location : new Uri(current, location);
                    redirects.Add(current);
                    continue;
                }

                var type = response.Content.Headers.ContentType?.MediaType;
                if (!readable(type))
                {
                    return new FetchResult(url, current, redirects, status, type, [], false, FetchProblem.ContentType,
                        $"It answered with {(type is null ? "no content type" : type)}, which this check does not read.");
                }

                var (body, truncated) = await ReadAsync(response, limit, timeout.Token);
                return new FetchResult(url, current, redirects, status, type, body, truncated, null, null);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(url, current, redirects, FetchProblem.TimedOut, $"No complete answer within {settings.TimeoutSeconds} seconds.");
        }
        catch (HttpRequestException ex) when (FindRefusal(ex) is { } refused)
        {
            return Failed(url, current, redirects, FetchProblem.Refused, refused.Message);
        }
        catch (HttpRequestException ex)
        {
            return Failed(url, current, redirects, FetchProblem.Unreachable, $"Could not connect: {ex.Message}");
        }
    }

    /// <summary>Why an address is not fetched before any connection is tried (scheme, credentials); null when it may be.</summary>
    public static string? RefusalOf(Uri url)
    {
        if (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
        {
            return $"{url.Scheme}: addresses are not fetched; only https:// and http://.";
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            return "Addresses with a user name or password in them are not fetched.";
        }

        return null;
    }

    private static FetchResult Failed(Uri url, Uri current, List<Uri> redirects, FetchProblem problem, string text) =>
        new(url, current, redirects, null, null, [], false, problem, text);

    private static async Task<(byte[] Body, bool Truncated)> ReadAsync(HttpResponseMessage response, long limit, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var body = new MemoryStream();
        var buffer = new byte[81920];
        while (body.Length <= limit)
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                return (body.ToArray(), false);
            }

            body.Write(buffer, 0, read);
        }

        // Past the limit: stop reading (the rest is never downloaded) and keep exactly the limit.
        return (body.ToArray()[..(int)limit], true);
    }

    private static LinkRefusedException? FindRefusal(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is LinkRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    /// <summary>Resolves and checks the host, then connects to exactly the addresses it checked.</summary>
    internal static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, LinkCheckOptions settings, CancellationToken cancellationToken)
    {
        var url = context.InitialRequestMessage.RequestUri!;
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new LinkRefusedException($"{host} has no address.");
        }

        if (!settings.AllowsPrivate(url) && addresses.FirstOrDefault(a => !PublicAddresses.IsPublic(a)) is { } inside)
        {
            throw new LinkRefusedException(
                $"{host} is {(literal is null ? $"at {inside}, " : "")}a private, loopback or link-local address; the portal only fetches public addresses.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>A link the portal will not fetch, with the reason in words for the person.</summary>
public sealed class LinkRefusedException(string message) : Exception(message);
