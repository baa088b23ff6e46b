namespace Portal.Data.Notifications;

/// <summary>Something that needs a person's attention, in their in-portal list until they have seen it.</summary>
public class Notification
{
    public long Id { get; set; }

    public int UserId { get; set; }

    public int? AssessmentId { get; set; }

    public required string Text { get; set; }

    public required string Link { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? ReadAt { get; set; }

    /// <summary>
    /// The event that caused it (for example a reminder's stage and due date), unique per person: a job that runs twice,
    /// or on two instances at once, writes one notification per person and event. Null for ordinary updates.
    /// </summary>
    public string? EventKey { get; set; }
}
