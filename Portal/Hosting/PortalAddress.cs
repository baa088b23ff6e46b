namespace Portal.Hosting;

/// <summary>
/// The portal's public address, in one place: <c>Portal:BaseUrl</c>, or in Development the local one. Mail links to
/// it and an issued scorecard PDF prints its verification address (and QR code) with it. Behind a proxy or load
/// balancer the address a request arrived on is not necessarily the one people can reach, so it is never guessed.
/// </summary>
public sealed partial class PortalAddress(IConfiguration configuration, IHostEnvironment environment, ILogger<PortalAddress> logger)
{
    private int _warned;

    /// <summary>The public address without a trailing slash, or null when none is known (outside Development without Portal:BaseUrl).</summary>
    public string? BaseUrl => (configuration["Portal:BaseUrl"] is { Length: > 0 } configured ? configured
        : environment.IsDevelopment() ? StartupMessages.DevelopmentAddress : null)?.TrimEnd('/');

    /// <summary>
    /// The public address of <paramref name="path"/> (which starts with '/'), or null when none is known; then a warning
    /// is logged, once for the process, naming what went without it.
    /// </summary>
    public string? Of(string path, string withoutIt)
    {
        if (BaseUrl is { } baseUrl)
        {
            return baseUrl + path;
        }

        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            Unknown(logger, withoutIt);
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Portal:BaseUrl is not set, so the portal does not know its public address: {WithoutIt}. Set Portal:BaseUrl to the address people use.")]
    private static partial void Unknown(ILogger logger, string withoutIt);
}
