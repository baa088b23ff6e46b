using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Notify.Client;
using Portal.Data.Mail;

namespace Portal.Features.Mail;

/// <summary>A way for mail to leave the portal: an SMTP relay or GOV.UK Notify.</summary>
public interface IMailTransport
{
    /// <summary>What it is, for administrators: "SMTP relay smtp.nhs.net:587", for example. Never a secret.</summary>
    string Description { get; }

    /// <summary>Sends one mail; <paramref name="reference"/> is the outbox key, which Notify keeps with the message.</summary>
    Task SendAsync(MailContent content, MailKind kind, string reference, CancellationToken cancellationToken);

    /// <summary>Null when the transport can be reached now, else why not (for /health/ready).</summary>
    Task<string?> ProblemAsync(CancellationToken cancellationToken);
}

/// <summary>SMTP through MailKit: an NHSmail relay or any organisation's server. HTML with a plain-text alternative.</summary>
public sealed class SmtpMailTransport(SmtpSettings settings, string fromAddress, string fromName) : IMailTransport
{
    public string Description => $"SMTP relay {settings.Host}:{settings.Port}";

    public async Task SendAsync(MailContent content, MailKind kind, string reference, CancellationToken cancellationToken)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(fromName, fromAddress));
        message.To.Add(MailboxAddress.Parse(content.To));
        message.Subject = content.Subject;
        message.Headers.Add("X-Portal-Reference", reference);
        // multipart/alternative: the plain text first, the HTML last (preferred by readers that show HTML).
        message.Body = new BodyBuilder { TextBody = content.Text, HtmlBody = content.Html }.ToMessageBody();
        using var client = new SmtpClient();
        await ConnectAsync(client, cancellationToken);
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }

    public async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new SmtpClient { Timeout = 5000 };
            await ConnectAsync(client, cancellationToken);
            await client.NoOpAsync(cancellationToken);
            await client.DisconnectAsync(true, cancellationToken);
            return null;
        }
        catch (Exception ex) when (ex is SocketException or IOException or MailKit.ProtocolException or MailKit.Net.Smtp.SmtpCommandException
            or MailKit.Net.Smtp.SmtpProtocolException or AuthenticationException or SslHandshakeException or TimeoutException)
        {
            return $"The SMTP relay {settings.Host}:{settings.Port} cannot be reached ({ex.GetType().Name})";
        }
    }

    private async Task ConnectAsync(SmtpClient client, CancellationToken cancellationToken)
    {
        var options = settings.Security switch
        {
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(settings.Host ?? "localhost", settings.Port, options, cancellationToken);
        if (!string.IsNullOrEmpty(settings.UserName))
        {
            await client.AuthenticateAsync(settings.UserName, settings.Password ?? string.Empty, cancellationToken);
        }
    }
}

/// <summary>
/// GOV.UK Notify through its official client: one template per kind of mail (Mail:Notify:Templates), the mail's
/// parts as personalisation, and the outbox key as the reference.
/// </summary>
public sealed class NotifyMailTransport(NotifySettings settings) : IMailTransport
{
    // The client holds its own HttpClient; one per settings, kept for the process.
    private readonly Lazy<NotificationClient> _client = new(() => new NotificationClient(settings.BaseUrl, settings.ApiKey));

    public string Description => $"GOV.UK Notify at {settings.BaseUrl}";

    public async Task SendAsync(MailContent content, MailKind kind, string reference, CancellationToken cancellationToken)
    {
        if (!settings.Templates.TryGetValue(kind.ToString(), out var template) || string.IsNullOrWhiteSpace(template))
        {
            throw new InvalidOperationException($"Mail:Notify:Templates:{kind} is not set, so GOV.UK Notify has no template for this mail.");
        }

        var client = _client.Value;
        var personalisation = content.Personalisation.ToDictionary(p => p.Key, p => (dynamic)p.Value);
        cancellationToken.ThrowIfCancellationRequested();
        // Notify's client 6 waits for its HTTP answer on the calling thread before its task returns: run it on the pool,
        // so the sender's round (and a test's listener on the same thread) is not held while Notify answers.
        await Task.Run(() => client.SendEmailAsync(content.To, template, personalisation, reference), cancellationToken);
    }

    public Task<string?> ProblemAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}

/// <summary>Chooses the transport from the Mail settings, once per round (a development catcher may start or stop).</summary>
public class MailTransports(IOptions<MailOptions> options, IHostEnvironment environment)
{
    private NotifyMailTransport? _notify;

    public const int DevelopmentCatcherPort = 2525;

    /// <summary>The transport to use now, or null when mail is to be kept in the outbox.</summary>
    public virtual async Task<IMailTransport?> CurrentAsync(CancellationToken cancellationToken)
    {
        var mail = options.Value;
        switch (mail.Transport)
        {
            case MailTransport.Smtp:
                return new SmtpMailTransport(mail.Smtp, mail.FromAddress, mail.FromName);
            case MailTransport.Notify:
                return _notify ??= new NotifyMailTransport(mail.Notify);
            case MailTransport.None:
                return null;
        }

        if (!string.IsNullOrEmpty(mail.Smtp.Host))
        {
            return new SmtpMailTransport(mail.Smtp, mail.FromAddress, mail.FromName);
        }

        if (!string.IsNullOrEmpty(mail.Notify.ApiKey))
        {
            return _notify ??= new NotifyMailTransport(mail.Notify);
        }

        if (environment.IsDevelopment() && await CatcherAnswersAsync(cancellationToken))
        {
            return new SmtpMailTransport(new SmtpSettings { Host = "localhost", Port = DevelopmentCatcherPort, Security = SmtpSecurity.None }, mail.FromAddress, mail.FromName);
        }

        return null;
    }

    private static async Task<bool> CatcherAnswersAsync(CancellationToken cancellationToken)
    {
        using var socket = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await socket.ConnectAsync("localhost", DevelopmentCatcherPort, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
