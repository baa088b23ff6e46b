namespace Portal;

/// <summary>
/// The portal's calendar and clock are England's (Europe/London: GMT in winter, BST in summer), whatever the server's
/// own time zone: on Azure it is UTC, so the server's "local" time was an hour behind the people reading it for half the
/// year, and a date due "today" turned overdue at 1 am. Times are stored in UTC; they are shown, and today is
/// decided, here.
/// </summary>
public static class PortalTime
{
    /// <summary>Europe/London, from the host's time zone data (tzdata, in the container image and on Azure).</summary>
    public static TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>Today's date in England: what "due today", "overdue" and "expired" are measured against.</summary>
    public static DateOnly PortalToday(this TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().InPortalTime().DateTime);

    /// <summary>A stored UTC time as read in England. Times read back from the database carry no kind: they are UTC.</summary>
    public static DateTime InPortalTime(this DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(utc.Kind == DateTimeKind.Local ? utc.ToUniversalTime() : DateTime.SpecifyKind(utc, DateTimeKind.Utc), Zone);

    /// <summary>An instant as read in England.</summary>
    public static DateTimeOffset InPortalTime(this DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);
}
