namespace Portal.Features.Reminders;

/// <summary>The <c>Reminders</c> settings: how often the job looks, the clarification allowance and the escalation schedule.</summary>
public sealed class ReminderOptions
{
    /// <summary>Whether this instance runs the reminder job at all (the test hosts turn it off and run rounds themselves).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the reminder job runs. Each reminder is written once however often it runs.</summary>
    public int IntervalMinutes { get; set; } = 60;

    /// <summary>Working days the supplier has to answer clarification requests (the clock pauses while the NHS holds the assessment).</summary>
    public int ClarificationWorkingDays { get; set; } = 5;

    /// <summary>Working days after the due date before overdue work escalates to the assessing organisation's procurement officers.</summary>
    public int EscalateToOfficersAfterWorkingDays { get; set; } = 5;

    /// <summary>Working days after the due date before overdue work escalates to the organisation's CCIO sign-off reviewers.</summary>
    public int EscalateToCcioAfterWorkingDays { get; set; } = 10;

    /// <summary>How many days before its "valid until" date the supplier is told that evidence is expiring.</summary>
    public int EvidenceExpiryNoticeDays { get; set; } = 30;

    public TimeSpan Interval => TimeSpan.FromMinutes(Math.Max(1, IntervalMinutes));

    public TimeSpan LeaseLength => TimeSpan.FromMinutes(Math.Max(5, 2 * Math.Max(1, IntervalMinutes)));
}
