using System.Net;

namespace Portal.Features.Mail;

public enum MailTransport
{
    /// <summary>Not configured: in Development a catcher on localhost:2525 if one answers, otherwise mail is kept.</summary>
    Auto,
    Smtp,
    Notify,

    /// <summary>No mail leaves the portal: it is kept in the outbox and shown to administrators.</summary>
    None,
}

public enum SmtpSecurity
{
    StartTls,
    SslOnConnect,

    /// <summary>No TLS: allowed only for a relay on this machine (a catcher in development).</summary>
    None,
}

/// <summary>The <c>Mail</c> settings (appsettings.template.json describes each).</summary>
public sealed class MailOptions
{
    public MailTransport Transport { get; set; } = MailTransport.Auto;

    public string FromAddress { get; set; } = "open-api-portal@example.nhs.uk";

    public string FromName { get; set; } = "NHS Open API compliance portal";

    public SmtpSettings Smtp { get; set; } = new();

    public NotifySettings Notify { get; set; } = new();

    /// <summary>Attempts before a mail is dead-lettered.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failure; each later one doubles it, up to <see cref="MaxRetryDelaySeconds"/>.</summary>
    public int FirstRetrySeconds { get; set; } = 30;

    public int MaxRetryDelaySeconds { get; set; } = 3600;

    /// <summary>How often the worker looks for mail to send.</summary>
    public int PollSeconds { get; set; } = 10;

    /// <summary>How many mails one round claims.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>The hour (UTC, 0-23) from which each day's digests are sent.</summary>
    public int DigestHourUtc { get; set; } = 7;

    public TimeSpan RetryDelay(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(Math.Max(1, MaxRetryDelaySeconds), Math.Max(1, FirstRetrySeconds) * Math.Pow(2, Math.Max(0, attempts - 1))));

    /// <summary>How long a claim on a batch lasts: a sender killed mid-batch lets its unsent mail go to another after this.</summary>
    public TimeSpan ClaimLength => TimeSpan.FromSeconds(Math.Max(60, 6 * Math.Max(1, PollSeconds)));
}

public sealed class SmtpSettings
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public bool IsLoopback => Host is "localhost" || (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address));
}

public sealed class NotifySettings
{
    public string? ApiKey { get; set; }

    /// <summary>GOV.UK Notify's API; a test points it at a local server.</summary>
    public string BaseUrl { get; set; } = "https://api.notifications.service.gov.uk/";

    /// <summary>A template ID per kind of mail (Update, Invitation, Reminder, Overdue, Escalation, Digest).</summary>
    public Dictionary<string, string> Templates { get; set; } = [];
}
