namespace Portal.Features.Notifications;

/// <summary>
/// What a notification is about, which decides how it may reach a person outside the portal: whether it can wait for
/// a daily digest and whether the person may turn it off. Invitations, overdue items of their own work and
/// escalations are always sent.
/// </summary>
public enum NotificationKind
{
    /// <summary>Something changed that the person may want to know: can wait for a digest, can be turned off.</summary>
    Update,

    /// <summary>An invitation to answer an assessment: always sent at once.</summary>
    Invitation,

    /// <summary>A date is coming (7, 3 or 1 days before): can wait for a digest, can be turned off.</summary>
    Reminder,

    /// <summary>The person's own work is past its date: always sent.</summary>
    Overdue,

    /// <summary>Someone else's overdue work passed to the person to act on: always sent.</summary>
    Escalation,
}
