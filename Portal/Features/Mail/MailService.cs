using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
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

    /// <summary>Mail that failed at least once and is not yet sent, dead letters first.</summary>
    public async Task<IReadOnlyList<MailRow>> ListProblemsAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        if (!caller.IsInRole(PortalRoles.Administrator))
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Rows(db.OutboxMessages.AsNoTracking()
                .Where(m => m.Status == OutboxStatus.DeadLettered || (m.Status != OutboxStatus.Sent && m.LastError != null))
                .OrderBy(m => m.Status == OutboxStatus.DeadLettered ? 0 : 1).ThenByDescending(m => m.Id))
            .Take(100).ToListAsync(cancellationToken);
    }

    /// <summary>Mail not yet sent: with no way to send configured (development), this is where it is kept.</summary>
    public async Task<IReadOnlyList<MailRow>> ListWaitingAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        if (!caller.IsInRole(PortalRoles.Administrator))
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await Rows(db.OutboxMessages.AsNoTracking()
                .Where(m => m.Status == OutboxStatus.Pending || m.Status == OutboxStatus.Sending || m.Status == OutboxStatus.HeldForDigest)
                .OrderByDescending(m => m.Id))
            .Take(50).ToListAsync(cancellationToken);
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

    private static IQueryable<MailRow> Rows(IQueryable<OutboxMessage> messages) => messages.Select(m =>
        new MailRow(m.Id, m.ToAddress, m.Subject, m.Kind, m.Status, m.Attempts, m.CreatedAt, m.NextAttemptAt, m.LastError, m.SentAt));
}
