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
    /// tells them outside the portal, in the same unit of work (Mail/Outbox.cs: as each person chose, once per event).
    /// </summary>
    public static async Task NotifyUsersAsync(
        PortalDbContext db, DateTime now, int? assessmentId, string text, string link, IReadOnlyCollection<int> userIds,
        CancellationToken cancellationToken, NotificationKind kind = NotificationKind.Update, string? eventKey = null)
    {
        db.Notifications.AddRange(userIds.Distinct().Select(userId => new Notification
        {
            UserId = userId, AssessmentId = assessmentId, Text = text, Link = link, CreatedAt = now,
        }));
        await Mail.Outbox.AddForUsersAsync(db, now, assessmentId, text, link, userIds, Mail.Outbox.KindOf(kind), eventKey, cancellationToken);
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
