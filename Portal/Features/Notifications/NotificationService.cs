using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Notifications;
using Portal.Data.Users;

namespace Portal.Features.Notifications;

/// <summary>Each person's in-portal list of what needs them, written in the same transaction as the change.</summary>
public sealed class NotificationService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public sealed record Item(long Id, string Text, string Link, DateTime CreatedAt, bool IsRead);

    /// <summary>Adds a notification for everyone in an NHS organisation or supplier who holds one of the roles.</summary>
    /// <param name="kind">What it is about, which decides whether and when it is also sent by e-mail.</param>
    /// <param name="eventKey">
    /// The event that caused it, unique per event (for example <c>reminder:response-due:7:OAP-00042</c>): a
    /// notification is written once per event and person, however often the caller runs.
    /// </param>
    public static async Task NotifyAsync(
        PortalDbContext db, DateTime now, int? assessmentId, string text, string link,
        int? nhsOrganisationId, int? supplierId, IReadOnlyCollection<string> roles, int? exceptUserId, CancellationToken cancellationToken,
        NotificationKind kind = NotificationKind.Update, string? eventKey = null)
    {
        var recipients = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && u.Role != null && roles.Contains(u.Role)
                && ((nhsOrganisationId != null && u.NhsOrganisationId == nhsOrganisationId) || (supplierId != null && u.SupplierId == supplierId))
                && u.Id != exceptUserId)
            .Select(u => u.Id)
            .ToListAsync(cancellationToken);
        await NotifyUsersAsync(db, now, assessmentId, text, link, recipients, cancellationToken, kind, eventKey);
    }

    /// <summary>
    /// Adds a notification for each named person (for example the owner of a sign-off condition), and the mail that
    /// tells them outside the portal, in the same unit of work (Mail/Outbox.cs: as each person chose). With an
    /// <paramref name="eventKey"/>, people who already have that event's notification (saved, or added to this unit of
    /// work) are skipped; the unique index on person and key stops a second instance racing this one, whose save then
    /// fails with a <see cref="Microsoft.EntityFrameworkCore.DbUpdateException"/> (see <see cref="IsDuplicateEvent"/>).
    /// </summary>
    public static async Task NotifyUsersAsync(
        PortalDbContext db, DateTime now, int? assessmentId, string text, string link, IReadOnlyCollection<int> userIds,
        CancellationToken cancellationToken, NotificationKind kind = NotificationKind.Update, string? eventKey = null)
    {
        var recipients = userIds.Distinct().ToList();
        if (eventKey is not null && recipients.Count > 0)
        {
            var already = await db.Notifications.AsNoTracking()
                .Where(n => n.EventKey == eventKey && recipients.Contains(n.UserId))
                .Select(n => n.UserId)
                .ToListAsync(cancellationToken);
            already.AddRange(db.Notifications.Local.Where(n => n.EventKey == eventKey).Select(n => n.UserId));
            recipients.RemoveAll(already.Contains);
        }

        db.Notifications.AddRange(recipients.Select(userId => new Notification
        {
            UserId = userId, AssessmentId = assessmentId, Text = text, Link = link, CreatedAt = now, EventKey = eventKey,
        }));
        // Only those who get the notification get its mail: one per person and event, like the notification.
        await Mail.Outbox.AddForUsersAsync(db, now, assessmentId, text, link, recipients, Mail.Outbox.KindOf(kind), eventKey, cancellationToken);
    }

    /// <summary>
    /// Whether a failed save lost a race for an event another instance has just written: true when every event-keyed
    /// notification the save was adding now exists. Anything else is a real failure.
    /// </summary>
    public static async Task<bool> IsDuplicateEvent(PortalDbContext db, CancellationToken cancellationToken)
    {
        var adding = db.ChangeTracker.Entries<Notification>()
            .Where(e => e.State == EntityState.Added && e.Entity.EventKey != null)
            .Select(e => (e.Entity.UserId, e.Entity.EventKey))
            .ToList();
        if (adding.Count == 0)
        {
            return false;
        }

        var keys = adding.Select(a => a.EventKey).Distinct().ToList();
        var users = adding.Select(a => a.UserId).Distinct().ToList();
        var existing = await db.Notifications.AsNoTracking()
            .Where(n => n.EventKey != null && keys.Contains(n.EventKey) && users.Contains(n.UserId))
            .Select(n => new { n.UserId, n.EventKey })
            .ToListAsync(cancellationToken);
        return adding.Any(a => existing.Any(x => x.UserId == a.UserId && x.EventKey == a.EventKey));
    }

    public async Task<IReadOnlyList<Item>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Notifications.AsNoTracking()
            .Where(n => n.UserId == caller.UserId)
            .OrderByDescending(n => n.CreatedAt)
            .Take(100)
            .Select(n => new Item(n.Id, n.Text, n.Link, n.CreatedAt, n.ReadAt != null))
            .ToListAsync(cancellationToken);
    }

    public async Task<int> UnreadCountAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Notifications.CountAsync(n => n.UserId == caller.UserId && n.ReadAt == null, cancellationToken);
    }

    /// <summary>
    /// Marks as read the notifications the person has now seen, and gives back how many changed. Ids of someone
    /// else's notifications, or of ones already read, change nothing: the same answer either way, so nothing leaks.
    /// </summary>
    public async Task<Outcome<int>> MarkReadAsync(Caller caller, IEnumerable<long> ids, CancellationToken cancellationToken = default)
    {
        var seen = ids.Distinct().ToList();
        if (seen.Count == 0)
        {
            return Outcome.Done(0);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var marked = await db.Notifications
            .Where(n => n.UserId == caller.UserId && n.ReadAt == null && seen.Contains(n.Id))
            .ExecuteUpdateAsync(set => set.SetProperty(n => n.ReadAt, now), cancellationToken);
        return Outcome.Done(marked);
    }

    public static readonly IReadOnlyCollection<string> Officers = [PortalRoles.ProcurementOfficer];
    public static readonly IReadOnlyCollection<string> Ccios = [PortalRoles.CcioReviewer];
    public static readonly IReadOnlyCollection<string> Suppliers = [PortalRoles.SupplierAccountManager];
}
