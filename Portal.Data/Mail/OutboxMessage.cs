namespace Portal.Data.Mail;

/// <summary>What a mail is about: decides its wording, its GOV.UK Notify template and whether it may wait or be turned off.</summary>
public enum MailKind
{
    Update,
    Invitation,
    Reminder,
    Overdue,
    Escalation,

    /// <summary>One person's daily list of the updates and reminders they chose to receive together.</summary>
    Digest,
}

public enum OutboxStatus
{
    /// <summary>Waiting to be sent (again) from <see cref="OutboxMessage.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>Claimed by one sender until <see cref="OutboxMessage.ClaimedUntil"/>; a sender that dies lets the claim lapse.</summary>
    Sending,

    Sent,

    /// <summary>Failed every attempt allowed: an administrator sees why and may send it again.</summary>
    DeadLettered,

    /// <summary>Held for the person's daily digest.</summary>
    HeldForDigest,

    /// <summary>Went out in a digest (<see cref="OutboxMessage.DigestId"/>).</summary>
    Digested,
}

/// <summary>
/// One e-mail to one address, written in the same transaction as the change that caused it (a transactional outbox)
/// and delivered later by the mail worker. <see cref="Key"/> names the event, so one event mails each address once.
/// </summary>
public class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>The event that caused the mail (or a fresh id when the caller named none); unique with the address.</summary>
    public required string Key { get; set; }

    public required string ToAddress { get; set; }

    public int? UserId { get; set; }

    public MailKind Kind { get; set; }

    public required string Subject { get; set; }

    /// <summary>What happened, in plain English.</summary>
    public required string Text { get; set; }

    /// <summary>
    /// Where to act: a path in the portal, made absolute at send time. When <see cref="LinkIsProtected"/> it is
    /// protected with ASP.NET Data Protection (a one-time invitation link), so the database never holds it in clear.
    /// </summary>
    public string? Link { get; set; }

    public bool LinkIsProtected { get; set; }

    public int? AssessmentId { get; set; }

    public string? OrganisationName { get; set; }

    public string? SystemName { get; set; }

    /// <summary>The date that matters to the reader (when the supplier's answers are due, for example).</summary>
    public DateOnly? DueDate { get; set; }

    public OutboxStatus Status { get; set; } = OutboxStatus.Pending;

    public int Attempts { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime NextAttemptAt { get; set; }

    public string? ClaimedBy { get; set; }

    public DateTime? ClaimedUntil { get; set; }

    public DateTime? SentAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>The digest this held item went out in.</summary>
    public long? DigestId { get; set; }

    public List<OutboxAttempt> AttemptLog { get; set; } = [];
}

/// <summary>One try at delivering an <see cref="OutboxMessage"/>: when, by whom, and what came of it.</summary>
public class OutboxAttempt
{
    public long Id { get; set; }

    public long OutboxMessageId { get; set; }

    public DateTime At { get; set; }

    public required string By { get; set; }

    public bool Succeeded { get; set; }

    public string? Error { get; set; }
}

public enum MailDelivery
{
    /// <summary>Each update and reminder as it happens.</summary>
    Immediate,

    /// <summary>Updates and reminders together once a day.</summary>
    DailyDigest,

    /// <summary>No updates or reminders by e-mail (they stay in the portal).</summary>
    Off,
}

/// <summary>
/// How a person wants non-urgent mail (updates and reminders). Invitations, overdue items and escalations are always
/// sent at once whatever this says. No row means <see cref="MailDelivery.Immediate"/>.
/// </summary>
public class MailPreference
{
    public int UserId { get; set; }

    public MailDelivery Delivery { get; set; }

    public DateTime UpdatedAt { get; set; }
}
