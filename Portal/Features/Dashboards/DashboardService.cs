using Microsoft.EntityFrameworkCore;
using Portal.Auth;
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
        DueList ExpiredEvidence)
    {
        public int Total => Breakdown.Sum(b => b.Count);

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

        public string Code { get; init; } = string.Empty;

        public string Title { get; init; } = string.Empty;

        public DateOnly ValidUntil { get; init; }

        public DueItem ToDueItem() => new(Id, SystemName, $"{Title} ({Code}, {Supplier})", ValidUntil, $"/assessments/{Id}/evidence");
    }

    private sealed record Totals(int LateResponses, int LateConditions, int LatePlans, int ExpiringEvidence, int ExpiredEvidence);

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
        await StoredScores.RefreshAsync(db, own, now, cancellationToken);

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
            where c.DueDate < today
            select new { a.Id, a.SystemName, c.Text, c.Owner, c.DueDate };
        var answers =
            from a in live
            join r in db.RequirementResponses on a.Id equals r.AssessmentId
            join q in db.AssessmentRequirements.Where(q => q.InScope) on r.AssessmentRequirementId equals q.Id
            select new { a.Id, a.SystemName, Supplier = a.Supplier!.Name, q.Code, Response = r };
        var latePlans = answers.Where(x => x.Response.Claim == ComplianceClaim.WillMeetByDate && x.Response.PlannedDate < today
            && db.ReviewDecisions.Any(d => d.AssessmentRequirementId == x.Response.AssessmentRequirementId && d.Outcome == ReviewOutcome.Accepted));
        var evidence =
            from x in answers
            join e in db.EvidenceItems on x.Response.Id equals e.RequirementResponseId
            where e.ValidUntil != null
            select new EvidenceRow { Id = x.Id, SystemName = x.SystemName, Supplier = x.Supplier, Code = x.Code, Title = e.Title, ValidUntil = e.ValidUntil!.Value };
        var expiring = evidence.Where(e => e.ValidUntil >= today && e.ValidUntil <= soon);
        var expired = evidence.Where(e => e.ValidUntil < today);

        var totals = await db.NhsOrganisations.Where(o => o.Id == organisationId)
            .Select(o => new Totals(lateResponses.Count(), lateConditions.Count(), latePlans.Count(), expiring.Count(), expired.Count()))
            .SingleAsync(cancellationToken);

        var responseItems = await lateResponses.OrderBy(a => a.ResponseDueDate).ThenBy(a => a.Id).Take(ListLength)
            .Select(a => new { a.Id, a.SystemName, Supplier = a.Supplier!.Name, Due = a.ResponseDueDate!.Value })
            .ToListAsync(cancellationToken);
        var conditionItems = await lateConditions.OrderBy(c => c.DueDate).ThenBy(c => c.Id).Take(ListLength).ToListAsync(cancellationToken);
        var planItems = await latePlans.OrderBy(x => x.Response.PlannedDate).ThenBy(x => x.Id)
            .Select(x => new { x.Id, x.SystemName, x.Supplier, x.Code, Planned = x.Response.PlannedDate!.Value })
            .Take(ListLength).ToListAsync(cancellationToken);
        var expiringItems = await expiring.OrderBy(e => e.ValidUntil).ThenBy(e => e.Id).Take(ListLength).ToListAsync(cancellationToken);
        var expiredItems = await expired.OrderByDescending(e => e.ValidUntil).ThenBy(e => e.Id).Take(ListLength).ToListAsync(cancellationToken);

        return new Dashboard(
            caller.NhsOrganisationName ?? "Your organisation",
            today,
            breakdown,
            new DueList(totals.LateResponses, responseItems
                .Select(a => new DueItem(a.Id, a.SystemName, $"Answers from {a.Supplier}", a.Due, $"/assessments/{a.Id}")).ToList()),
            new DueList(totals.LateConditions, conditionItems
                .Select(c => new DueItem(c.Id, c.SystemName, $"Condition: {c.Text} (owner: {c.Owner})", c.DueDate, $"/assessments/{c.Id}/sign-off")).ToList()),
            new DueList(totals.LatePlans, planItems
                .Select(p => new DueItem(p.Id, p.SystemName, $"{p.Code}: {p.Supplier}'s accepted plan", p.Planned, $"/assessments/{p.Id}/scorecard")).ToList()),
            new DueList(totals.ExpiringEvidence, expiringItems.Select(e => e.ToDueItem()).ToList()),
            new DueList(totals.ExpiredEvidence, expiredItems.Select(e => e.ToDueItem()).ToList()));
    }
}
