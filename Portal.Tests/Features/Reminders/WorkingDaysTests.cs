using Portal.Data.Assessments;
using Portal.Features.Reminders;
using PublicHoliday;

namespace Portal.Tests.Features.Reminders;

public class WorkingDaysTests
{
    private static readonly WorkingDays EnglandAndWales = WorkingDays.EnglandAndWales;

    [Theory]
    // A weekend: Friday plus one working day is Monday.
    [InlineData("2026-12-04", 1, "2026-12-07")]
    [InlineData("2026-12-05", 1, "2026-12-07")]
    // Christmas 2026 is a Friday and Boxing Day a Saturday: the substitute bank holiday is Monday 28 December.
    [InlineData("2026-12-24", 1, "2026-12-29")]
    // Christmas 2027 is a Saturday and Boxing Day a Sunday: both are substituted, Monday 27 and Tuesday 28 December.
    [InlineData("2027-12-24", 1, "2027-12-29")]
    [InlineData("2027-12-23", 5, "2028-01-04")]
    // Easter 2027: Good Friday 26 March and Easter Monday 29 March.
    [InlineData("2027-03-25", 1, "2027-03-30")]
    // The early May bank holiday 2027 is Monday 3 May.
    [InlineData("2027-04-30", 1, "2027-05-04")]
    // An ordinary week.
    [InlineData("2026-12-07", 5, "2026-12-14")]
    [InlineData("2026-12-07", 0, "2026-12-07")]
    public void Adding_working_days_skips_weekends_and_England_and_Wales_bank_holidays(string from, int days, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), EnglandAndWales.Add(DateOnly.Parse(from), days));

    [Theory]
    [InlineData("2027-12-24", "2027-12-31", 3)]
    [InlineData("2027-03-25", "2027-03-30", 1)]
    [InlineData("2026-12-07", "2026-12-07", 0)]
    [InlineData("2026-12-09", "2026-12-07", 0)]
    [InlineData("2026-12-04", "2026-12-11", 5)]
    public void Working_days_between_two_days_count_the_later_day_and_not_the_first(string from, string to, int expected) =>
        Assert.Equal(expected, EnglandAndWales.Between(DateOnly.Parse(from), DateOnly.Parse(to)));

    [Fact]
    public void The_calendar_is_England_and_Wales_not_Scotland()
    {
        // 2 January is a bank holiday in Scotland only; St Andrew's Day 2026 (30 November, a Monday) likewise.
        Assert.True(EnglandAndWales.IsWorkingDay(new DateOnly(2026, 1, 2)));
        Assert.True(EnglandAndWales.IsWorkingDay(new DateOnly(2026, 11, 30)));
        Assert.False(WorkingDays.FromCalendar(new UKBankHoliday(UKBankHoliday.UkCountries.Scotland)).IsWorkingDay(new DateOnly(2026, 1, 2)));
    }

    [Fact]
    public void A_calendar_given_by_a_test_decides_the_holidays()
    {
        var days = new WorkingDays(day => day == new DateOnly(2026, 12, 9));

        Assert.Equal(new DateOnly(2026, 12, 10), days.Add(new DateOnly(2026, 12, 8), 1));
        Assert.False(days.IsWorkingDay(new DateOnly(2026, 12, 9)));
    }
}

public class ClarificationClockTests
{
    private static readonly WorkingDays Days = WorkingDays.EnglandAndWales;

    private static ClarificationClock.Move Move(string at, AssessmentStatus from, AssessmentStatus to) => new(DateTime.Parse(at + "T10:00:00"), from, to);

    private static readonly ClarificationClock.Move[] FirstRequest =
    [
        Move("2026-12-01", AssessmentStatus.AwaitingSupplier, AssessmentStatus.Submitted),
        Move("2026-12-02", AssessmentStatus.Submitted, AssessmentStatus.UnderReview),
        Move("2026-12-07", AssessmentStatus.UnderReview, AssessmentStatus.ClarificationRequested),
    ];

    [Fact]
    public void A_clarification_request_gives_the_supplier_its_allowance_in_working_days()
    {
        var reading = ClarificationClock.Read(FirstRequest, 5, new DateOnly(2026, 12, 9), Days);

        Assert.True(reading.Running);
        Assert.Equal(2, reading.Used);
        Assert.Equal(3, reading.Left);
        Assert.Equal(new DateOnly(2026, 12, 14), reading.DueOn);
        Assert.False(reading.IsOverdue(new DateOnly(2026, 12, 14)));
        Assert.True(reading.IsOverdue(new DateOnly(2026, 12, 15)));
    }

    [Fact]
    public void The_clock_pauses_while_the_NHS_side_holds_the_assessment()
    {
        ClarificationClock.Move[] moves =
        [
            .. FirstRequest,
            Move("2026-12-09", AssessmentStatus.ClarificationRequested, AssessmentStatus.Submitted),
        ];

        var paused = ClarificationClock.Read(moves, 5, new DateOnly(2026, 12, 18), Days);

        Assert.False(paused.Running);
        Assert.Equal(2, paused.Used);
        Assert.Null(paused.DueOn);
        Assert.False(paused.IsOverdue(new DateOnly(2026, 12, 18)));
    }

    [Fact]
    public void A_second_request_resumes_the_clock_with_the_days_left_across_Christmas()
    {
        // Two days used (8 and 9 December); the NHS held it for two weeks, which do not count; asked again on
        // 23 December, the supplier has 3 working days: 24 December, then (Christmas and the substitute Boxing Day
        // on Monday 28 being holidays) 29 and 30 December.
        ClarificationClock.Move[] moves =
        [
            .. FirstRequest,
            Move("2026-12-09", AssessmentStatus.ClarificationRequested, AssessmentStatus.Submitted),
            Move("2026-12-10", AssessmentStatus.Submitted, AssessmentStatus.UnderReview),
            Move("2026-12-23", AssessmentStatus.UnderReview, AssessmentStatus.ClarificationRequested),
        ];

        var reading = ClarificationClock.Read(moves, 5, new DateOnly(2026, 12, 29), Days);

        Assert.True(reading.Running);
        Assert.Equal(new DateOnly(2026, 12, 30), reading.DueOn);
        Assert.Equal(4, reading.Used);
        Assert.Equal(1, reading.Left);
    }

    [Fact]
    public void A_new_review_round_after_sign_off_starts_a_fresh_allowance()
    {
        ClarificationClock.Move[] moves =
        [
            .. FirstRequest,
            Move("2026-12-11", AssessmentStatus.ClarificationRequested, AssessmentStatus.Submitted),
            Move("2026-12-14", AssessmentStatus.Submitted, AssessmentStatus.UnderReview),
            Move("2026-12-15", AssessmentStatus.UnderReview, AssessmentStatus.AwaitingSignOff),
            Move("2026-12-16", AssessmentStatus.AwaitingSignOff, AssessmentStatus.UnderReview),
            Move("2027-03-24", AssessmentStatus.UnderReview, AssessmentStatus.ClarificationRequested),
        ];

        // Five fresh working days from Wednesday 24 March 2027: 25 March, then (Good Friday and Easter Monday) 30 and
        // 31 March, 1 and 2 April.
        var reading = ClarificationClock.Read(moves, 5, new DateOnly(2027, 3, 24), Days);

        Assert.Equal(new DateOnly(2027, 4, 2), reading.DueOn);
        Assert.Equal(5, reading.Left);
    }
}
