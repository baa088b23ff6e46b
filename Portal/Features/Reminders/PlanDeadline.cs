namespace Portal.Features.Reminders;

/// <summary>When an accepted "will meet by a date" plan is due: its own date, or the contract date where the officer linked it.</summary>
public static class PlanDeadline
{
    public static DateOnly? Of(DateOnly? plannedDate, bool dueOnContractDate, DateOnly? contractDate) =>
        dueOnContractDate && contractDate is not null ? contractDate : plannedDate;
}
