using Portal.Data.Organisations;

namespace Portal.Data.Dashboards;

/// <summary>
/// The lists on an NHS organisation's dashboard (supplier answers, sign-off conditions and accepted plans past their
/// dates, evidence expiring or expired, each with its total), as the score worker last worked them out. Working them
/// out means joining thousands of answers and evidence items, so a visit reads this one row instead. It is derived
/// data, like <see cref="Scorecards.AssessmentScore"/>: a change that could alter the lists makes one of the
/// organisation's stored scores stale in the same save, and the worker, having recalculated that score, works out the
/// lists again. A visit judges them current when no score of the organisation is stale, none was recalculated after
/// them and they were worked out today (being overdue is a matter of the date).
/// </summary>
public class OrganisationDashboard
{
    public int NhsOrganisationId { get; set; }

    public NhsOrganisation? NhsOrganisation { get; set; }

    /// <summary>The day the lists judged "overdue" and "expiring" against.</summary>
    public DateOnly CalculatedFor { get; set; }

    public DateTime CalculatedAt { get; set; }

    /// <summary>The lists as JSON, written and read only by the dashboard feature.</summary>
    public string Lists { get; set; } = string.Empty;

    /// <summary>
    /// The lists' totals and the assessments by status and RAG, as JSON of a few hundred bytes: what an integrated care
    /// board's roll-up adds up for each member, so its visit does not read every member's lists (about 20 KB each).
    /// Empty in rows stored before it was kept, which the worker works out again.
    /// </summary>
    public string Totals { get; set; } = string.Empty;
}
