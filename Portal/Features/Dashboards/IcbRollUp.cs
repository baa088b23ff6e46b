using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Scorecards;
using static Portal.Features.Dashboards.DashboardService;

namespace Portal.Features.Dashboards;

/// <summary>
/// An integrated care board's view of its member organisations (those an administrator put under it): each member's
/// assessments by status and RAG and its overdue counts, and their totals. Figures only: the roll-up names no
/// assessment and links to none, so the ICB gains no access to its members' work (<see cref="AssessmentVisibility"/> is
/// unchanged). It adds up each member's stored lists (<see cref="DashboardLists"/>, kept by the score worker), so a visit
/// reads one row per member however many assessments each has. Members are found by their parent at each visit, so a
/// change of parent shows on the next one.
/// </summary>
public static class IcbRollUp
{
    /// <summary>How current a member's figures are.</summary>
    public enum Freshness
    {
        /// <summary>Worked out today, after every change the worker has seen.</summary>
        Current,

        /// <summary>Something changed since, or the day moved on: the last figures are shown while the worker catches up.</summary>
        Updating,

        /// <summary>The member has assessments but the worker has not yet worked out its figures: counted as none for now.</summary>
        NotYetWorkedOut,
    }

    public sealed record Member(
        string Name,
        string OdsCode,
        IReadOnlyList<StatusRagCount> Breakdown,
        int LateResponses,
        int LateConditions,
        int LatePlans,
        int ExpiredEvidence,
        DateTime? AsOf,
        Freshness Freshness)
    {
        public int Total => Breakdown.Sum(b => b.Count);

        public int Overdue => LateResponses + LateConditions + LatePlans;

        public int CountOf(AssessmentStatus status) => Breakdown.Where(b => b.Status == status).Sum(b => b.Count);

        public int CountOf(RagStatus? rag) => Breakdown.Where(b => b.Rag == rag).Sum(b => b.Count);

        public IReadOnlyList<AssessmentStatus> Statuses => Breakdown.Select(b => b.Status).Distinct().Order().ToList();
    }

    public sealed record Figures(IReadOnlyList<Member> Members)
    {
        /// <summary>Every member's assessments by status and RAG, added up.</summary>
        public IReadOnlyList<StatusRagCount> Breakdown { get; } = Members.SelectMany(m => m.Breakdown)
            .GroupBy(b => (b.Status, b.Rag))
            .Select(g => new StatusRagCount(g.Key.Status, g.Key.Rag, g.Sum(b => b.Count)))
            .OrderBy(b => b.Status).ToList();

        public int Total => Members.Sum(m => m.Total);

        public int LateResponses => Members.Sum(m => m.LateResponses);

        public int LateConditions => Members.Sum(m => m.LateConditions);

        public int LatePlans => Members.Sum(m => m.LatePlans);

        public int ExpiredEvidence => Members.Sum(m => m.ExpiredEvidence);

        public int NotCurrent => Members.Count(m => m.Freshness != Freshness.Current);
    }

    /// <summary>
    /// The figures of the organisations under <paramref name="parentId"/>, in two queries: the members with their stored
    /// lists, and which of them have a change the stored lists do not yet include (the same test as an organisation's own
    /// dashboard: a stale score, or one recalculated after the lists). Null when nothing is under it.
    /// </summary>
    public static async Task<Figures?> ReadAsync(PortalDbContext db, int parentId, DateOnly today, CancellationToken cancellationToken)
    {
        // Joined explicitly (one stored row per organisation, its key): through FirstOrDefault EF numbered every
        // organisation's stored row with ROW_NUMBER() first, lists and all.
        var members = await (
                from o in db.NhsOrganisations.AsNoTracking()
                where o.ParentId == parentId
                join stored in db.OrganisationDashboards on o.Id equals stored.NhsOrganisationId into rows
                from d in rows.DefaultIfEmpty()
                orderby o.Name
                select new
                {
                    o.Id,
                    o.Name,
                    o.OdsCode,
                    Stored = d == null ? null : new { d.Totals, d.CalculatedFor, d.CalculatedAt },
                })
            .ToListAsync(cancellationToken);
        if (members.Count == 0)
        {
            return null;
        }

        // The stored lists and the score joined once each, explicitly: as subqueries, EF looked the lists up twice per assessment.
        var changed = (await (
                from a in db.Assessments.AsNoTracking()
                where a.NhsOrganisation!.ParentId == parentId
                join listedRow in db.OrganisationDashboards on a.NhsOrganisationId equals listedRow.NhsOrganisationId into listedRows
                from listed in listedRows.DefaultIfEmpty()
                join scoreRow in db.AssessmentScores on a.Id equals scoreRow.AssessmentId into scoreRows
                from s in scoreRows.DefaultIfEmpty()
                where listed == null || s == null || s.CalculatedFromStamp != s.InputsStamp || s.ReviewOn <= today || s.CalculatedAt > listed.CalculatedAt
                select a.NhsOrganisationId)
            .Distinct().ToListAsync(cancellationToken)).ToHashSet();

        return new Figures(members.Select(m =>
        {
            var lists = m.Stored is not { Totals.Length: > 0 } ? null : DashboardLists.ReadTotals(m.Stored.Totals);
            if (lists?.Breakdown is not { } breakdown)
            {
                // No stored figures (or stored before the totals were kept): none yet, unless the member has no assessment at all.
                return new Member(m.Name, m.OdsCode, [], 0, 0, 0, 0, null,
                    m.Stored is not null || changed.Contains(m.Id) ? Freshness.NotYetWorkedOut : Freshness.Current);
            }

            var current = !changed.Contains(m.Id) && m.Stored!.CalculatedFor == today;
            return new Member(m.Name, m.OdsCode, breakdown, lists.LateResponses.Total, lists.LateConditions.Total, lists.LatePlans.Total,
                lists.ExpiredEvidence.Total, m.Stored!.CalculatedAt, current ? Freshness.Current : Freshness.Updating);
        }).ToList());
    }
}
