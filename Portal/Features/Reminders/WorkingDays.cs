using PublicHoliday;

namespace Portal.Features.Reminders;

/// <summary>
/// Counts working days: Monday to Friday, less the bank holidays of the calendar it is given (England and Wales by
/// default, as the <c>PublicHoliday</c> package works them out, with substitute days when a holiday falls at a weekend).
/// Pure, so tests give their own calendar.
/// </summary>
public sealed class WorkingDays(Func<DateOnly, bool> isBankHoliday)
{
    /// <summary>England and Wales (one jurisdiction, so one calendar); Scotland and Northern Ireland differ and are not used.</summary>
    public static WorkingDays EnglandAndWales { get; } = FromCalendar(new UKBankHoliday(UKBankHoliday.UkCountries.England));

    public static WorkingDays FromCalendar(UKBankHoliday calendar) =>
        new(day => calendar.IsBankHoliday(day.ToDateTime(TimeOnly.MinValue)));

    public bool IsWorkingDay(DateOnly day) =>
        day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !isBankHoliday(day);

    /// <summary>The day <paramref name="days"/> working days after <paramref name="from"/> (which itself is not counted).</summary>
    public DateOnly Add(DateOnly from, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var day = from;
        while (days > 0)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                days--;
            }
        }

        return day;
    }

    /// <summary>How many working days there are after <paramref name="from"/> up to and including <paramref name="to"/>; 0 when <paramref name="to"/> is not later.</summary>
    public int Between(DateOnly from, DateOnly to)
    {
        var count = 0;
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
        {
            if (IsWorkingDay(day))
            {
                count++;
            }
        }

        return count;
    }
}
