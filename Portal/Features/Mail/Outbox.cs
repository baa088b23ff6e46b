using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Mail;

namespace Portal.Features.Mail;

/// <summary>
/// Writes mail into the outbox on the caller's own context, so it commits with the change that caused it or not at
/// all; the mail worker sends it later. One event (its key) mails one address once, however often it is raised.
/// </summary>
public static class Outbox
{
    /// <summary>Longest key kept: an event key plus room; longer keys are cut (they still name one event).</summary>
    private const int KeyLength = 200;

    /// <summary>
    /// Mails the named people about a notification, each as they chose (<see cref="MailPreference"/>): at once, held for
    /// their daily digest, or not at all. Invitations, overdue items and escalations always go at once.
    /// </summary>
    public static async Task AddForUsersAsync(
        PortalDbContext db, DateTime now, int? assessmentId, string text, string link, IReadOnlyCollection<int> userIds,
        MailKind kind, string? eventKey, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return;
        }

        var ids = userIds.Distinct().ToList();
        var people = await db.Users.AsNoTracking()
            .Where(u => ids.Contains(u.Id) && u.IsActive && u.Email != "")
            .Select(u => new
            {
                u.Id,
                u.Email,
                Delivery = db.MailPreferences.Where(p => p.UserId == u.Id).Select(p => (MailDelivery?)p.Delivery).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        if (people.Count == 0)
        {
            return;
        }

        var about = await AboutAsync(db, assessmentId, cancellationToken);
        var key = Key(eventKey);
        var already = string.IsNullOrEmpty(eventKey) ? [] : await AlreadyWrittenAsync(db, key, people.Select(p => p.Email.ToLowerInvariant()).ToList(), cancellationToken);
        foreach (var person in people)
        {
            var address = person.Email.ToLowerInvariant();
            var status = StatusFor(kind, person.Delivery ?? MailDelivery.Immediate);
            if (status is null || already.Contains(address))
            {
                continue;
            }

            db.OutboxMessages.Add(new OutboxMessage
            {
                Key = key, ToAddress = address, UserId = person.Id, Kind = kind, Subject = MailWording.Subject(kind, about?.Reference, about?.SystemName),
                Text = text, Link = link, AssessmentId = assessmentId, OrganisationName = about?.OrganisationName, SystemName = about?.SystemName,
                DueDate = about?.ResponseDueDate, Status = status.Value, CreatedAt = now, NextAttemptAt = now,
            });
        }
    }

    /// <summary>
    /// Mails one address that may not be anyone in the portal yet (an invited supplier), always at once. The link is
    /// stored as given: a one-time link is protected by the caller before it comes here.
    /// </summary>
    public static async Task AddToAddressAsync(
        PortalDbContext db, DateTime now, int? assessmentId, string address, string text, string link, bool linkIsProtected,
        MailKind kind, string? eventKey, CancellationToken cancellationToken)
    {
        var about = await AboutAsync(db, assessmentId, cancellationToken);
        var key = Key(eventKey);
        address = address.ToLowerInvariant();
        if (!string.IsNullOrEmpty(eventKey) && (await AlreadyWrittenAsync(db, key, [address], cancellationToken)).Count > 0)
        {
            return;
        }

        db.OutboxMessages.Add(new OutboxMessage
        {
            Key = key, ToAddress = address, Kind = kind, Subject = MailWording.Subject(kind, about?.Reference, about?.SystemName),
            Text = text, Link = link, LinkIsProtected = linkIsProtected, AssessmentId = assessmentId, OrganisationName = about?.OrganisationName,
            SystemName = about?.SystemName, DueDate = about?.ResponseDueDate, Status = OutboxStatus.Pending, CreatedAt = now, NextAttemptAt = now,
        });
    }

    public static MailKind KindOf(Notifications.NotificationKind kind) => kind switch
    {
        Notifications.NotificationKind.Invitation => MailKind.Invitation,
        Notifications.NotificationKind.Reminder => MailKind.Reminder,
        Notifications.NotificationKind.Overdue => MailKind.Overdue,
        Notifications.NotificationKind.Escalation => MailKind.Escalation,
        _ => MailKind.Update,
    };

    /// <summary>Whether and how a kind of mail goes to a person who chose <paramref name="delivery"/>; null means not at all.</summary>
    public static OutboxStatus? StatusFor(MailKind kind, MailDelivery delivery) => kind switch
    {
        MailKind.Update or MailKind.Reminder => delivery switch
        {
            MailDelivery.Immediate => OutboxStatus.Pending,
            MailDelivery.DailyDigest => OutboxStatus.HeldForDigest,
            _ => null,
        },
        _ => OutboxStatus.Pending,
    };

    private sealed record About(string Reference, string OrganisationName, string SystemName, DateOnly? ResponseDueDate);

    private static async Task<About?> AboutAsync(PortalDbContext db, int? assessmentId, CancellationToken cancellationToken)
    {
        if (assessmentId is null)
        {
            return null;
        }

        var tracked = db.Assessments.Local.FirstOrDefault(a => a.Id == assessmentId);
        if (tracked is not null && db.NhsOrganisations.Local.FirstOrDefault(o => o.Id == tracked.NhsOrganisationId) is { } organisation)
        {
            return new About(tracked.Reference, organisation.Name, tracked.SystemName, tracked.ResponseDueDate);
        }

        var found = await db.Assessments.AsNoTracking().Where(a => a.Id == assessmentId)
            .Select(a => new { a.Id, Organisation = a.NhsOrganisation!.Name, a.SystemName, a.ResponseDueDate })
            .SingleOrDefaultAsync(cancellationToken);
        return found is null ? null : new About($"OAP-{found.Id:D5}", found.Organisation, found.SystemName, found.ResponseDueDate);
    }

    private static async Task<HashSet<string>> AlreadyWrittenAsync(PortalDbContext db, string key, List<string> addresses, CancellationToken cancellationToken)
    {
        var written = db.OutboxMessages.Local.Where(m => m.Key == key && addresses.Contains(m.ToAddress)).Select(m => m.ToAddress).ToHashSet();
        written.UnionWith(await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Key == key && addresses.Contains(m.ToAddress))
            .Select(m => m.ToAddress)
            .ToListAsync(cancellationToken));
        return written;
    }

    private static string Key(string? eventKey) =>
        string.IsNullOrEmpty(eventKey) ? $"once:{Guid.NewGuid():N}" : eventKey.Length <= KeyLength ? eventKey : eventKey[..KeyLength];
}
