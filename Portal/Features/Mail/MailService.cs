using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Mail;
using Portal.Data.Users;
using Portal.Features.Audit;

namespace Portal.Features.Mail;

/// <summary>Mail as people see it: their own delivery choice, and for administrators what failed and why, with a resend.</summary>
public sealed class MailService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public sealed record MailRow(
        long Id, string ToAddress, string Subject, MailKind Kind, OutboxStatus Status, int Attempts, DateTime CreatedAt, DateTime NextAttemptAt,
        string? LastError, DateTime? SentAt);

    /// <summary>One page of a list of mail, with how many there are in all.</summary>
    public sealed record MailPage(IReadOnlyList<MailRow> Rows, int Total, int Page, int PageSize)
    {
        public static readonly MailPage Empty = new([], 0, 1, MailService.PageSize);

        public int First => Total == 0 ? 0 : ((Page - 1) * PageSize) + 1;

        public int Last => First == 0 ? 0 : First + Rows.Count - 1;

        public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);
    }

    public const int PageSize = 25;

    /// <summary>
    /// Mail that failed at least once and is not yet sent, dead letters first, a page at a time (after an outage there
    /// can be thousands); a page past the end is the last page.
    /// </summary>
    public async Task<MailPage> ListProblemsAsync(Caller caller, int page = 1, int pageSize = PageSize, CancellationToken cancellationToken = default) =>
        await PageAsync(caller, m => m.Status == OutboxStatus.DeadLettered || (m.Status != OutboxStatus.Sent && m.LastError != null),
            q => q.OrderBy(m => m.Status == OutboxStatus.DeadLettered ? 0 : 1).ThenByDescending(m => m.Id), page, pageSize, cancellationToken);

    /// <summary>Mail not yet sent, newest first: with no way to send configured (development), this is where it is kept.</summary>
    public async Task<MailPage> ListWaitingAsync(Caller caller, int page = 1, int pageSize = PageSize, CancellationToken cancellationToken = default) =>
        await PageAsync(caller, m => m.Status == OutboxStatus.Pending || m.Status == OutboxStatus.Sending || m.Status == OutboxStatus.HeldForDigest,
            q => q.OrderByDescending(m => m.Id), page, pageSize, cancellationToken);

    /// <summary>How many mails stopped after their last attempt (dead letters), for "Send all stopped again".</summary>
    public async Task<int> CountStoppedAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        if (!caller.IsInRole(PortalRoles.Administrator))
        {
            return 0;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.DeadLettered, cancellationToken);
    }

    private async Task<MailPage> PageAsync(
        Caller caller, System.Linq.Expressions.Expression<Func<OutboxMessage, bool>> which, Func<IQueryable<OutboxMessage>, IQueryable<OutboxMessage>> order,
        int page, int pageSize, CancellationToken cancellationToken)
    {
        if (!caller.IsInRole(PortalRoles.Administrator))
        {
            return MailPage.Empty;
        }

        pageSize = Math.Clamp(pageSize, 1, 100);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var matching = db.OutboxMessages.AsNoTracking().Where(which);
        var total = await matching.CountAsync(cancellationToken);
        var last = Math.Max(1, (total + pageSize - 1) / pageSize);
        var number = Math.Clamp(page, 1, last);
        var rows = await Rows(order(matching).Skip((number - 1) * pageSize).Take(pageSize)).ToListAsync(cancellationToken);
        return new MailPage(rows, total, number, pageSize);
    }

    /// <summary>
    /// Sends every dead-lettered mail again, from now, with a fresh count of attempts: what an administrator does once a
    /// mail server that was down is back. Mail being sent, waiting or sent is left alone. One audit event says how many.
    /// </summary>
    public async Task<Outcome<int>> ResendStoppedAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        if (!caller.IsInRole(PortalRoles.Administrator))
        {
            return Outcome.Forbidden("Only an administrator can send mail again.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var resent = 0;
        var left = 0;
        // The update and its audit event commit together; SQL Server's retrying strategy runs the whole unit again.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var stopped = db.OutboxMessages.Where(m => m.Status == OutboxStatus.DeadLettered);
            // A mail to someone whose account was turned off, or an invitation no longer open (accepted or withdrawn),
            // stays stopped: sending it now would reach a person who should no longer hear from the portal.
            var ids = await stopped
                .Where(m => m.UserId == null || db.Users.Any(u => u.Id == m.UserId && u.IsActive))
                .Where(m => m.Kind != MailKind.Invitation
                    || db.SupplierInvitations.Any(i => "invitation:" + i.TokenHash == m.Key && i.Status == InvitationStatus.Pending))
                .OrderBy(m => m.Id).Select(m => m.Id).ToListAsync(cancellationToken);
            left = await stopped.CountAsync(cancellationToken) - ids.Count;
            resent = 0;
            foreach (var chunk in ids.Chunk(500))
            {
                resent += await db.OutboxMessages
                    .Where(m => chunk.Contains(m.Id) && m.Status == OutboxStatus.DeadLettered)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(m => m.Status, OutboxStatus.Pending)
                        .SetProperty(m => m.Attempts, 0)
                        .SetProperty(m => m.NextAttemptAt, now), cancellationToken);
            }

            if (resent > 0)
            {
                AuditTrail.Record(db, caller, now, "MailResent", "Mail", "stopped",
                    $"{caller.DisplayName} sent {Mails(resent)} again{(left == 0 ? "" : $"; {left} left stopped (recipient inactive or invitation no longer open)")}.",
                    after: MailIds(ids));
                await db.SaveChangesAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        });
        var leftText = left == 0 ? "" : $" {Mails(left)} {(left == 1 ? "was" : "were")} left stopped: the recipient's account is turned off or the invitation is no longer open.";
        return Outcome.Done(resent, (resent > 0 ? $"{Mails(resent)} will be sent again." : left > 0 ? "No stopped mail could be sent again." : "No mail had stopped: there was nothing to send again.") + leftText);
    }

    /// <summary>The mails an act touched, for its audit event: every id up to a sane length, then how many more.</summary>
    private static string MailIds(List<long> ids)
    {
        const int shown = 200;
        var list = "mail " + string.Join(", ", ids.Take(shown));
        return ids.Count > shown ? $"{list} and {ids.Count - shown} more" : list;
    }

    /// <summary>Sends a dead-lettered or failing mail again, from now, with a fresh count of attempts.</summary>
    public async Task<Outcome> ResendAsync(Caller caller, long id, CancellationToken cancellationToken = default)
    {
        if (!caller.IsInRole(PortalRoles.Administrator))
        {
            return Outcome.Forbidden("Only an administrator can send mail again.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var message = await db.OutboxMessages.SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (message is null)
        {
            return Outcome.NotFound($"There is no mail {id}.");
        }

        if (message.Status is not (OutboxStatus.DeadLettered or OutboxStatus.Pending))
        {
            return Outcome.Conflict(message.Status == OutboxStatus.Sent ? "This mail has been sent since you looked." : "This mail is being sent now.");
        }

        var changed = await db.OutboxMessages
            .Where(m => m.Id == id && (m.Status == OutboxStatus.DeadLettered || m.Status == OutboxStatus.Pending))
            .ExecuteUpdateAsync(set => set
                .SetProperty(m => m.Status, OutboxStatus.Pending)
                .SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.NextAttemptAt, now), cancellationToken);
        if (changed == 0)
        {
            return Outcome.Conflict("This mail changed at the same moment. Look again.");
        }

        AuditTrail.Record(db, caller, now, "MailResent", "Mail", id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{caller.DisplayName} sent \"{message.Subject}\" to {message.ToAddress} again (it had failed {message.Attempts} times: {message.LastError}).");
        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Done($"The mail to {message.ToAddress} will be sent again.");
    }

    public async Task<MailDelivery> GetPreferenceAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.MailPreferences.Where(p => p.UserId == caller.UserId).Select(p => (MailDelivery?)p.Delivery).FirstOrDefaultAsync(cancellationToken)
            ?? MailDelivery.Immediate;
    }

    public async Task<Outcome> SetPreferenceAsync(Caller caller, MailDelivery delivery, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(delivery))
        {
            return Outcome.Invalid("Choose how you want to receive updates and reminders.", "delivery");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var preference = await db.MailPreferences.SingleOrDefaultAsync(p => p.UserId == caller.UserId, cancellationToken);
        if (preference is null)
        {
            db.MailPreferences.Add(new MailPreference { UserId = caller.UserId, Delivery = delivery, UpdatedAt = now });
        }
        else
        {
            preference.Delivery = delivery;
            preference.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return Outcome.Done(delivery switch
        {
            MailDelivery.DailyDigest => "Saved: updates and reminders will come in one e-mail a day.",
            MailDelivery.Off => "Saved: updates and reminders will stay in the portal only.",
            _ => "Saved: updates and reminders will be e-mailed as they happen.",
        });
    }

    private static string Mails(int count) => count == 1 ? "1 stopped mail" : $"{count} stopped mails";

    private static IQueryable<MailRow> Rows(IQueryable<OutboxMessage> messages) => messages.Select(m =>
        new MailRow(m.Id, m.ToAddress, m.Subject, m.Kind, m.Status, m.Attempts, m.CreatedAt, m.NextAttemptAt, m.LastError, m.SentAt));
}
