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

    public sealed record DueList(int Total, IReadOnlyList<DueItem> Shown);

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

        /// <summary>The statuses the organisation has assessments in, in workflow order.</summary>
        public IReadOnlyList<AssessmentStatus> Statuses => Breakdown.Select(b => b.Status).Distinct().Order().ToList();

        public int CountOf(AssessmentStatus status) => Breakdown.Where(b => b.Status == status).Sum(b => b.Count);

        public int CountOf(RagStatus? rag) => Breakdown.Where(b => b.Rag == rag).Sum(b => b.Count);

        public int CountOf(AssessmentStatus status, RagStatus? rag) => Breakdown.Where(b => b.Status == status && b.Rag == rag).Sum(b => b.Count);
    }

    /// <summary>Evidence with a "valid until" date; set by initialiser so that queries can still filter and sort on it.</summary>
    private sealed class EvidenceRow
    {
        public int Id { get; init; }

        public string SystemName { get; init; } = string.Empty;

        public string Supplier { get; init; } = string.Empty;

        public int ResponseId { get; init; }

        public string Title { get; init; } = string.Empty;

        public DateOnly ValidUntil { get; init; }
    }

    /// <summary>The RAG columns, worst first, with "not yet scored" (null) last.</summary>
    public static IReadOnlyList<RagStatus?> RagColumns { get; } = [RagStatus.Red, RagStatus.Amber, RagStatus.Green, null];

    public static string RagName(RagStatus? rag) => rag?.ToString() ?? "Not yet scored";

    private sealed record Totals(int LateResponses, int LateConditions, int LatePlans, int ExpiringEvidence, int ExpiredEvidence, int ScoresUpdating);

    public async Task<Dashboard> GetAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        if (!AssessmentVisibility.IsNhsStaff(caller))
        {
            throw new AccessDeniedException("The dashboard is for NHS staff of an organisation: procurement officers, CCIO sign-off reviewers and administrators.");
        }

        var organisationId = caller.NhsOrganisationId!.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var soon = today.AddDays(ExpiryWindowDays);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);

        // The visibility rule, plus the organisation spelt out so the database can use its (organisation, status) index.
        var own = db.Assessments.AsNoTracking().VisibleTo(caller).Where(a => a.NhsOrganisationId == organisationId);
        // Reads never write: a score the worker has not yet recalculated is counted as stored, and said to be updating.
        var updating = own.Where(StoredScores.IsStale(today));

        var breakdown = await own
            .GroupBy(a => new { a.Status, a.Score!.Rag })
            .Select(g => new StatusRagCount(g.Key.Status, g.Key.Rag, g.Count()))
            .ToListAsync(cancellationToken);

        // Withdrawn and rejected assessments need nothing more from anyone.
        var live = own.Where(a => a.Status != AssessmentStatus.Withdrawn && a.Status != AssessmentStatus.Rejected);
        var lateResponses = own.Where(a => (a.Status == AssessmentStatus.AwaitingSupplier || a.Status == AssessmentStatus.ClarificationRequested)
            && a.ResponseDueDate < today);
        var lateConditions =
            from a in own.Where(a => a.Status == AssessmentStatus.SignedOffWithConditions)
            join s in db.SignOffs.Where(s => !s.IsVoid) on a.Id equals s.AssessmentId
            from c in s.Conditions
            where c.DueDate < today && c.ClosureState != Data.SignOffs.ClosureState.Accepted
            select new { a.Id, a.SystemName, c.Text, c.Owner, c.DueDate };
        // Answers and evidence exist only for in-scope requirements (scope is settled before the supplier is invited),
        // so these read the answers' and evidence's own (assessment, ...) indexes and never the whole scope.
        var latePlans =
            from a in live
            join r in db.RequirementResponses on a.Id equals r.AssessmentId
            let due = r.PlanDueOnContractDate && a.ContractDate != null ? a.ContractDate : r.PlannedDate
            where r.Claim == ComplianceClaim.WillMeetByDate && due < today && r.ClosureState != Data.SignOffs.ClosureState.Accepted
                && db.ReviewDecisions.Any(d => d.AssessmentRequirementId == r.AssessmentRequirementId && d.Outcome == ReviewOutcome.Accepted)
            select new { a.Id, a.SystemName, Supplier = a.Supplier!.Name, r.AssessmentRequirementId, PlannedDate = due!.Value };
        var evidence =
            from a in live
            join e in db.EvidenceItems on a.Id equals e.AssessmentId
            where e.ValidUntil != null
            select new EvidenceRow { Id = a.Id, SystemName = a.SystemName, Supplier = a.Supplier!.Name, ResponseId = e.RequirementResponseId, Title = e.Title, ValidUntil = e.ValidUntil!.Value };
        var expiring = evidence.Where(e => e.ValidUntil >= today && e.ValidUntil <= soon);
        var expired = evidence.Where(e => e.ValidUntil < today);

        var totals = await db.NhsOrganisations.Where(o => o.Id == organisationId)
            .Select(o => new Totals(lateResponses.Count(), lateConditions.Count(), latePlans.Count(), expiring.Count(), expired.Count(), updating.Count()))
            .SingleAsync(cancellationToken);

        var responseItems = await lateResponses.OrderBy(a => a.ResponseDueDate).ThenBy(a => a.Id).Take(ListLength)
            .Select(a => new { a.Id, a.SystemName, Supplier = a.Supplier!.Name, Due = a.ResponseDueDate!.Value })
            .ToListAsync(cancellationToken);
        var conditionItems = await lateConditions.OrderBy(c => c.DueDate).ThenBy(c => c.Id).Take(ListLength).ToListAsync(cancellationToken);
        var planItems = await latePlans.OrderBy(p => p.PlannedDate).ThenBy(p => p.Id).Take(ListLength)
            .Select(p => new { p.Id, p.SystemName, p.Supplier, p.PlannedDate, Code = db.AssessmentRequirements.Where(q => q.Id == p.AssessmentRequirementId).Select(q => q.Code).First() })
            .ToListAsync(cancellationToken);
        var expiringItems = await EvidenceItemsAsync(db, expiring.OrderBy(e => e.ValidUntil).ThenBy(e => e.Id), cancellationToken);
        var expiredItems = await EvidenceItemsAsync(db, expired.OrderByDescending(e => e.ValidUntil).ThenBy(e => e.Id), cancellationToken);

        return new Dashboard(
            caller.NhsOrganisationName ?? "Your organisation",
            today,
            breakdown,
            new DueList(totals.LateResponses, responseItems
                .Select(a => new DueItem(a.Id, a.SystemName, $"Answers from {a.Supplier}", a.Due, $"/assessments/{a.Id}")).ToList()),
            new DueList(totals.LateConditions, conditionItems
                .Select(c => new DueItem(c.Id, c.SystemName, $"Condition: {c.Text} (owner: {c.Owner})", c.DueDate, $"/assessments/{c.Id}/sign-off")).ToList()),
            new DueList(totals.LatePlans, planItems
                .Select(p => new DueItem(p.Id, p.SystemName, $"{p.Code}: {p.Supplier}'s accepted plan", p.PlannedDate, $"/assessments/{p.Id}/scorecard")).ToList()),
            new DueList(totals.ExpiringEvidence, expiringItems),
            new DueList(totals.ExpiredEvidence, expiredItems),
            totals.ScoresUpdating);
    }

    /// <summary>
    /// Recalculates the organisation's stale and due scores now, when a person asks (the dashboard's "Recalculate
    /// scores"), rather than waiting for the worker. Done with how many were recalculated.
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
        return Outcome.Done(count, count == 0
            ? "Every score was already up to date."
            : $"Recalculated {Counted.Of(count, "score")}.");
    }

    /// <summary>The first of these evidence rows, with the requirement each is for (found by key, only for the rows shown).</summary>
    private static async Task<IReadOnlyList<DueItem>> EvidenceItemsAsync(PortalDbContext db, IQueryable<EvidenceRow> rows, CancellationToken cancellationToken) =>
        (await rows.Take(ListLength)
            .Select(e => new
            {
                Row = e,
                Code = db.RequirementResponses.Where(r => r.Id == e.ResponseId)
                    .Join(db.AssessmentRequirements, r => r.AssessmentRequirementId, q => q.Id, (r, q) => q.Code).First(),
            })
            .ToListAsync(cancellationToken))
        .Select(e => new DueItem(e.Row.Id, e.Row.SystemName, $"{e.Row.Title} ({e.Code}, {e.Row.Supplier})", e.Row.ValidUntil, $"/assessments/{e.Row.Id}/evidence"))
        .ToList();
}
