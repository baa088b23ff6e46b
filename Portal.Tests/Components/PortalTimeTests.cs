using Portal.Tests.Features.Dashboards;

namespace Portal.Tests.Components;

/// <summary>
/// The portal's day and clock are England's whatever the server's zone (UTC on Azure): in summer a time stored at
/// 23:30 UTC is read as 00:30 the next day, and that day is "today" for what is due and overdue.
/// </summary>
public sealed class PortalTimeTests
{
    [Fact]
    public void In_summer_the_portals_day_starts_at_midnight_in_England_an_hour_before_UTC()
    {
        var clock = new MovableClock();
        clock.MoveForward(new DateTimeOffset(2027, 6, 3, 23, 30, 0, TimeSpan.Zero) - clock.Now);

        Assert.Equal(new DateOnly(2027, 6, 4), clock.PortalToday());
        Assert.Equal(new DateTime(2027, 6, 4, 0, 30, 0), clock.GetUtcNow().InPortalTime().DateTime);
    }

    [Fact]
    public void In_winter_England_is_on_UTC()
    {
        var clock = new MovableClock();
        clock.MoveForward(new DateTimeOffset(2027, 1, 12, 23, 30, 0, TimeSpan.Zero) - clock.Now);

        Assert.Equal(new DateOnly(2027, 1, 12), clock.PortalToday());
    }

    [Fact]
    public void A_time_read_back_from_the_database_without_a_kind_is_taken_as_UTC()
    {
        var stored = new DateTime(2027, 7, 1, 12, 0, 0, DateTimeKind.Unspecified);

        Assert.Equal(new DateTime(2027, 7, 1, 13, 0, 0), stored.InPortalTime());
        Assert.Equal(new DateTime(2027, 7, 1, 13, 0, 0), DateTime.SpecifyKind(stored, DateTimeKind.Utc).InPortalTime());
    }

    [Fact]
    public void No_page_or_service_reads_the_servers_own_zone()
    {
        // ToLocalTime, GetLocalNow and DateTime.Now follow the server's zone, which on Azure is UTC: an hour behind
        // England for half the year. Everything shown or dated goes through PortalTime instead.
        var offenders = Directory.GetFiles(Path.Combine(Portal.Tests.TestSupport.RepositoryFiles.Root, "Portal"), "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => File.ReadAllLines(f).Select((line, index) => (File: Path.GetFileName(f), Line: index + 1, Text: line)))
            .Where(l => l.Text.Contains(".ToLocalTime()", StringComparison.Ordinal) || l.Text.Contains("GetLocalNow()", StringComparison.Ordinal)
                || l.Text.Contains("DateTime.Now", StringComparison.Ordinal) || l.Text.Contains("DateTime.Today", StringComparison.Ordinal))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "Use PortalTime (PortalToday, InPortalTime) instead:\n" + string.Join("\n", offenders));
    }
}
