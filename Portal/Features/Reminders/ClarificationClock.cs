using Portal.Data.Assessments;

namespace Portal.Features.Reminders;

/// <summary>
/// The supplier's clock for answering clarification requests, in working days. It runs only while the assessment is
/// with the supplier (<see cref="AssessmentStatus.ClarificationRequested"/>) and pauses while the NHS side holds it
/// (the supplier has answered and the officer is reviewing): a second request in the same review resumes the clock
/// with the days left, it does not start a new allowance. A new review round (after the assessment went for sign-off)
/// starts a fresh allowance. Worked out from the status moves, which the audit trail already records, so nothing more
/// needs storing.
/// </summary>
public static class ClarificationClock
{
    /// <summary>One status move: when, from what, to what.</summary>
    public sealed record Move(DateTime At, AssessmentStatus From, AssessmentStatus To);

    /// <summary>
    /// Where the clock stands today. <paramref name="Running"/> is false while the NHS side holds the assessment;
    /// <paramref name="DueOn"/> is the day the answer is due if the clock keeps running from its last start.
    /// </summary>
    public sealed record Reading(bool Running, int Used, int Left, DateOnly? DueOn)
    {
        public bool IsOverdue(DateOnly today) => Running && DueOn < today;
    }

    public static Reading Read(IEnumerable<Move> moves, int allowance, DateOnly today, WorkingDays days)
    {
        var used = 0;
        DateOnly? runningSince = null;
        foreach (var move in moves.OrderBy(m => m.At))
        {
            var on = DateOnly.FromDateTime(move.At.InPortalTime());
            if (move.To == AssessmentStatus.AwaitingSignOff)
            {
                used = 0;
                runningSince = null;
                continue;
            }

            if (move.From == AssessmentStatus.ClarificationRequested && runningSince is { } since)
            {
                used += days.Between(since, on);
                runningSince = null;
            }

            if (move.To == AssessmentStatus.ClarificationRequested)
            {
                runningSince = on;
            }
        }

        if (runningSince is not { } start)
        {
            return new Reading(false, used, Math.Max(0, allowance - used), null);
        }

        var left = Math.Max(0, allowance - used);
        var usedNow = used + days.Between(start, today);
        return new Reading(true, usedNow, Math.Max(0, allowance - usedNow), days.Add(start, left));
    }
}
