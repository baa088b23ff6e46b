namespace Portal.Features.Evidence.LinkChecks;

/// <summary>The <c>LinkChecks</c> settings: how the portal fetches supplier-given links and how often it checks them again.</summary>
public sealed class LinkCheckOptions
{
    /// <summary>Whether this instance runs the background worker that queues and runs checks (off in most tests, which add links nobody serves).</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>Longest a whole fetch (every redirect and the body) may take.</summary>
    public int TimeoutSeconds { get; set; } = 20;

    /// <summary>Most bytes read from one answer; past this the check stops reading and says the document was cut short.</summary>
    public long MaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Most redirects followed, each checked as the first address was.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>How long after a link's last check the scheduled re-check runs.</summary>
    public int RecheckIntervalHours { get; set; } = 24;

    /// <summary>How often the worker looks for queued and due checks when nothing on this instance wakes it sooner.</summary>
    public int WorkerIntervalSeconds { get; set; } = 60;

    /// <summary>Least time between two checks of one link that a person asks for ("Check again").</summary>
    public int CheckAgainMinutes { get; set; } = 5;

    /// <summary>
    /// Origins (<c>scheme://host:port</c>) that may be fetched although they resolve to a loopback or private address.
    /// Empty in production. For tests (their local server) and the demo's self-assessment of the portal (its own
    /// address, added automatically from <c>Seed:PublicBaseUrl</c> when the self-assessment is on); only that exact
    /// origin is allowed, so a redirect from it to any other private address is still refused.
    /// </summary>
    public List<string> AllowedPrivateOrigins { get; set; } = [];

    /// <summary>The portal's public address, named in the User-Agent of every fetch so a site's owner can see who reads it.</summary>
    public string? PortalUrl { get; set; }

    public string UserAgent => string.IsNullOrWhiteSpace(PortalUrl)
        ? "NHS-Open-API-Portal-LinkCheck/1.0"
        : $"NHS-Open-API-Portal-LinkCheck/1.0 (+{PortalUrl.Trim()})";

    public TimeSpan Timeout => TimeSpan.FromSeconds(Math.Clamp(TimeoutSeconds, 1, 300));

    public TimeSpan RecheckInterval => TimeSpan.FromHours(Math.Max(1, RecheckIntervalHours));

    public TimeSpan WorkerInterval => TimeSpan.FromSeconds(Math.Max(1, WorkerIntervalSeconds));

    public TimeSpan CheckAgainAfter => TimeSpan.FromMinutes(Math.Max(0, CheckAgainMinutes));

    public TimeSpan LeaseLength => TimeSpan.FromSeconds(Math.Max(120, 4 * Math.Max(1, WorkerIntervalSeconds)));

    public bool AllowsPrivate(Uri url) => AllowedPrivateOrigins.Any(o =>
        Uri.TryCreate(o, UriKind.Absolute, out var allowed)
        && string.Equals(allowed.Scheme, url.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(allowed.IdnHost, url.IdnHost, StringComparison.OrdinalIgnoreCase)
        && allowed.Port == url.Port);
}
