using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Components.Shared;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Data.Scorecards;
using Portal.Features.Assessments;

namespace Portal.Features.Dashboards;

/// <summary>
/// An NHS organisation's dashboard: its assessments by workflow status and RAG status, what is overdue and which
/// evidence is expiring. Every figure is counted by the database (GROUP BY and COUNT), never by loading assessments,
/// so a visit costs the same handful of queries with ten assessments or ten thousand. NHS staff (procurement
/// officers, CCIO sign-off reviewers, administrators) see their own organisation's; nobody sees another's, the same
/// rule as <see cref="AssessmentVisibility"/>. Suppliers have no dashboard.
/// </summary>
public sealed class DashboardService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    /// <summary>How many items each list shows, most pressing first; the total is always counted in full.</summary>
    public const int ListLength = 20;

    /// <summary>How far ahead "expiring soon" looks.</summary>
    public const int ExpiryWindowDays = 30;

    public sealed record StatusRagCount(AssessmentStatus Status, RagStatus? Rag, int Count);

    /// <summary>Something with a date on one assessment, with the page to act on it.</summary>
    public sealed record DueItem(int AssessmentId, string SystemName, string What, DateOnly Date, string Link)
    {
        public string Reference => $"OAP-{AssessmentId:D5}";
    }

    public sealed record DueList(int Total, IReadOnlyList<DueItem> Shown)
    {
        public static DueList None { get; } = new(0, []);
    }

    public sealed record Dashboard(
        string OrganisationName,
        DateOnly Today,
        IReadOnlyList<StatusRagCount> Breakdown,
        DueList LateResponses,
        DueList LateConditions,
        DueList LatePlans,
        DueList ExpiringEvidence,
        DueList ExpiredEvidence,
        int ScoresUpdating = 0)
    {
        public int Total => Breakdown.Sum(b => b.Count);

        /// <summary>When the score worker last worked out the lists (overdue items, expiring evidence); null before it first has.</summary>
        public DateTime? ListsAsOf { get; init; }

        /// <summary>
        /// The lists may not be current: something changed since the worker last worked them out (or it has not yet),
        /// and it is doing so; the page says so beside them.
        /// </summary>
        public bool ListsUpdating { get; init; }

        /// <summary>
        /// For an integrated care board, its member organisations' figures (never their assessments); null for an
        /// organisation with no members, which is every trust: a trust sees no other organisation's figures.
        /// </summary>
        public IcbRollUp.Figures? Members { get; init; }

        /// <summary>The statuses the organisation has assessments in, in workflow order.</summary>
        public IReadOnlyList<AssessmentStatus> Statuses => Breakdown.Select(b => b.Status).Distinct().Order().ToList();

        public int CountOf(AssessmentStatus status) => Breakdown.Where(b => b.Status == status).Sum(b => b.Count);

        public int CountOf(RagStatus? rag) => Breakdown.Where(b => b.Rag == rag).Sum(b => b.Count);

        public int CountOf(AssessmentStatus status, RagStatus? rag) => Breakdown.Where(b => b.Status == status && b.Rag == rag).Sum(b => b.Count);
    }

    /// <summary>The RAG columns, worst first, with "not yet scored" (null) last.</summary>
    public static IReadOnlyList<RagStatus?> RagColumns { get; } = [RagStatus.Red, RagStatus.Amber, RagStatus.Green, null];

    public static string RagName(RagStatus? rag) => rag?.ToString() ?? "Not yet scored";

    public async Task<Dashboard> GetAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        if (!AssessmentVisibility.IsNhsStaff(caller))
        {
            throw new AccessDeniedException("The dashboard is for NHS staff of an organisation: procurement officers, CCIO sign-off reviewers and administrators.");
        }

        var organisationId = caller.NhsOrganisationId!.Value;
        var today = clock.PortalToday();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);

        // The visibility rule, plus the organisation spelt out so the database can use its (organisation, status) index.
        var own = db.Assessments.AsNoTracking().VisibleTo(caller).Where(a => a.NhsOrganisationId == organisationId);
        // Counting the organisation's assessments by status and RAG reads one small row each (thousands, not the
        // hundreds of thousands of answers and evidence behind the lists), so these are always counted live, in one
        // pass. Reads never write: a score the worker has not yet recalculated is counted as stored, and said to be updating.
        var counts = await StoredScores.States(db, own, today)
            .GroupBy(a => new { a.Status, a.Rag })
            // Sum and Max over the group's own rows keep this one pass: EF makes a filtered Count into a subquery per group.
            .Select(g => new { g.Key.Status, g.Key.Rag, Count = g.Count(), Updating = g.Sum(a => a.Stale ? 1 : 0), LatestScore = g.Max(a => a.CalculatedAt) })
            .ToListAsync(cancellationToken);
        var breakdown = counts.Select(c => new StatusRagCount(c.Status, c.Rag, c.Count)).ToList();
        var scores = new { Updating = counts.Sum(c => c.Updating), LatestScore = counts.Max(c => c.LatestScore) };
        var stored = await DashboardLists.ReadAsync(db, organisationId, cancellationToken);
        var listsCurrent = breakdown.Count == 0 || (stored is not null && stored.CalculatedFor == today && scores.Updating == 0
            && (scores.LatestScore is null || scores.LatestScore <= stored.CalculatedAt));
        var lists = breakdown.Count == 0 ? DashboardLists.Lists.Empty : stored?.Lists ?? DashboardLists.Lists.Empty;
        var members = await IcbRollUp.ReadAsync(db, organisationId, today, cancellationToken);

        return new Dashboard(
            caller.NhsOrganisationName ?? "Your organisation",
            today,
            breakdown,
            lists.LateResponses,
            lists.LateConditions,
            lists.LatePlans,
            lists.ExpiringEvidence,
            lists.ExpiredEvidence,
            scores.Updating)
        {
            ListsAsOf = stored?.CalculatedAt,
            ListsUpdating = !listsCurrent,
            Members = members,
        };
    }

    /// <summary>
    /// Recalculates the organisation's stale and due scores now, and then its lists, when a person asks (the
    /// dashboard's "Recalculate scores"), rather than waiting for the worker. Done with how many scores were recalculated.
    /// </summary>
    public async Task<Outcome<int>> RecalculateAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        if (!AssessmentVisibility.IsNhsStaff(caller))
        {
            return Outcome.Forbidden("Scores are recalculated by NHS staff of an organisation: procurement officers, CCIO sign-off reviewers and administrators.");
        }

        var organisationId = caller.NhsOrganisationId!.Value;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var own = db.Assessments.AsNoTracking().VisibleTo(caller).Where(a => a.NhsOrganisationId == organisationId);
        var count = await StoredScores.RefreshAsync(db, own, clock.GetUtcNow().UtcDateTime, cancellationToken);
        await DashboardLists.RefreshAsync(db, clock.GetUtcNow().UtcDateTime, organisationId, cancellationToken);
        return Outcome.Done(count, count == 0
            ? "Every score was already up to date."
            : $"Recalculated {Counted.Of(count, "score")}.");
    }
}
