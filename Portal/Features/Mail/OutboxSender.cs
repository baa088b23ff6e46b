using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Mail;

namespace Portal.Features.Mail;

/// <summary>
/// Delivers the outbox: claims each due mail with one conditional UPDATE (so two senders on one database never send the
/// same row), sends it, and records the attempt. A failure waits longer each time (exponential back-off) and is
/// dead-lettered after Mail:MaxAttempts. A sender killed mid-send leaves its claim to lapse, and the mail is sent by
/// the next round: nothing is lost, and nothing is sent twice unless the process dies between the relay accepting a
/// mail and the row recording it. So the one mail in flight at a kill is delivered at least once (KilledSenderTests).
/// </summary>
public sealed partial class OutboxSender(
    IDbContextFactory<PortalDbContext> contexts,
    MailTransports transports,
    IDataProtectionProvider protection,
    Portal.Hosting.PortalAddress address,
    TimeProvider clock,
    IOptions<MailOptions> options,
    ILogger<OutboxSender> logger)
{
    /// <summary>The purpose one-time links in the outbox are protected with (InvitationService protects, the sender reads).</summary>
    public const string LinkPurpose = "Portal.Features.Mail.OutboxLink";

    public sealed record Round(int Sent, int Failed, bool Kept);

    /// <summary>The portal's public address, for links in mail: Portal:BaseUrl, or in Development the local one.</summary>
    public string? BaseUrl => address.BaseUrl;

    /// <summary>Sends every due mail as <paramref name="holder"/>; with no transport configured, mail is kept in the outbox.</summary>
    public async Task<Round> SendDueAsync(string holder, CancellationToken cancellationToken)
    {
        var transport = await transports.CurrentAsync(cancellationToken);
        if (transport is null)
        {
            return new Round(0, 0, true);
        }

        var mail = options.Value;
        int sent = 0, failed = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            List<long> due;
            await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
            {
                due = await Due(db, now).OrderBy(m => m.Id).Select(m => m.Id).Take(Math.Max(1, mail.BatchSize)).ToListAsync(cancellationToken);
            }

            if (due.Count == 0)
            {
                break;
            }

            var claimedAny = false;
            foreach (var id in due)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                if (!await ClaimAsync(id, holder, cancellationToken))
                {
                    continue; // another sender has it
                }

                claimedAny = true;
                if (await SendOneAsync(id, holder, transport, cancellationToken))
                {
                    sent++;
                }
                else
                {
                    failed++;
                }
            }

            if (!claimedAny)
            {
                break;
            }
        }

        return new Round(sent, failed, false);
    }

    private static IQueryable<OutboxMessage> Due(PortalDbContext db, DateTime now) => db.OutboxMessages.Where(m =>
        (m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now) || (m.Status == OutboxStatus.Sending && m.ClaimedUntil < now));

    private async Task<bool> ClaimAsync(long id, string holder, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + options.Value.ClaimLength;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var claimed = await Due(db, now).Where(m => m.Id == id)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, OutboxStatus.Sending)
                .SetProperty(m => m.ClaimedBy, holder)
                .SetProperty(m => m.ClaimedUntil, until), cancellationToken);
        return claimed == 1;
    }

    private async Task<bool> SendOneAsync(long id, string holder, IMailTransport transport, CancellationToken cancellationToken)
    {
        OutboxMessage message;
        List<(string Text, string? Link)> items;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            message = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.Id == id, cancellationToken);
            items = message.Kind == MailKind.Digest
                ? (await db.OutboxMessages.AsNoTracking().Where(m => m.DigestId == id).OrderBy(m => m.Id).Select(m => new { m.Text, m.Link }).ToListAsync(cancellationToken))
                    .Select(m => (m.Text, Absolute(m.Link))).ToList()
                : [];
        }

        string? error = null;
        try
        {
            var baseUrl = BaseUrl ?? throw new InvalidOperationException("Portal:BaseUrl is not set, so the mail's link cannot be made.");
            var link = message.LinkIsProtected && message.Link is not null
                ? protection.CreateProtector(LinkPurpose).Unprotect(message.Link)
                : message.Link;
            var content = MailWording.Compose(message, link is null ? null : $"{baseUrl}{link}", baseUrl, items);
            await transport.SendAsync(content, message.Kind, message.Key, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped mid-send: the claim lapses and the next round sends it.
            throw;
        }
        catch (Exception ex)
        {
            // The type and message of the failure: never the mail's body or link (they may hold a one-time token).
            error = Shorten($"{ex.GetType().Name}: {ex.Message}", 1000);
            LogFailed(logger, id, message.Kind, message.Attempts + 1, ex.GetType().Name);
        }

        await RecordAsync(message, holder, error);
        if (error is null)
        {
            LogSent(logger, id, message.Kind, transport.Description);
        }

        return error is null;
    }

    // Recorded whatever happens to the caller's token: a mail the relay took must be marked sent.
    private async Task RecordAsync(OutboxMessage message, string holder, string? error)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var attempts = message.Attempts + 1;
        var mail = options.Value;
        var status = error is null ? OutboxStatus.Sent : attempts >= Math.Max(1, mail.MaxAttempts) ? OutboxStatus.DeadLettered : OutboxStatus.Pending;
        var next = error is null ? now : now + mail.RetryDelay(attempts);
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        db.OutboxAttempts.Add(new OutboxAttempt { OutboxMessageId = message.Id, At = now, By = holder, Succeeded = error is null, Error = error });
        await db.SaveChangesAsync(CancellationToken.None);
        await db.OutboxMessages.Where(m => m.Id == message.Id && m.ClaimedBy == holder)
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, status)
                .SetProperty(m => m.Attempts, attempts)
                .SetProperty(m => m.NextAttemptAt, next)
                .SetProperty(m => m.SentAt, error == null ? now : null)
                .SetProperty(m => m.LastError, error)
                .SetProperty(m => m.ClaimedUntil, (DateTime?)null), CancellationToken.None);
    }

    private string? Absolute(string? link) => link is null ? null : $"{BaseUrl}{link}";

    private static string Shorten(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent mail {MailId} ({Kind}) through {Transport}.")]
    private static partial void LogSent(ILogger logger, long mailId, MailKind kind, string transport);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send mail {MailId} ({Kind}), attempt {Attempt}: {Failure}.")]
    private static partial void LogFailed(ILogger logger, long mailId, MailKind kind, int attempt, string failure);
}
