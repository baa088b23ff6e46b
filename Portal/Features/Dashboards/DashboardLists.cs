using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Dashboards;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using static Portal.Features.Dashboards.DashboardService;

namespace Portal.Features.Dashboards;

/// <summary>
/// The lists on an organisation's dashboard (what is overdue, which evidence expires), worked out by the score worker
/// after it recalculates scores and kept in <see cref="OrganisationDashboard"/>, so a visit reads one row however many
/// answers and evidence items the organisation's assessments hold. Working them out joins every answer and evidence
/// item of the organisation's live assessments: at 5,000 assessments about half a second, which a visit must not pay.
/// </summary>
public static class DashboardLists
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The lists, and the organisation's assessments by status and stored RAG as counted with them. The breakdown is what
    /// an integrated care board's roll-up (<see cref="IcbRollUp"/>) adds up, so its visit reads one row per member
    /// however many assessments each has; null in lists stored before it was kept (worked out again on the next round).
    /// </summary>
    public sealed record Lists(
        DueList LateResponses, DueList LateConditions, DueList LatePlans, DueList ExpiringEvidence, DueList ExpiredEvidence,
        IReadOnlyList<StatusRagCount>? Breakdown = null)
    {
        public static Lists Empty { get; } = new(DueList.None, DueList.None, DueList.None, DueList.None, DueList.None, []);
    }

    public static Lists Read(string json) => JsonSerializer.Deserialize<Lists>(json, Json)!;

    /// <summary>A list's total alone: the items it shows are skipped unread.</summary>
    public sealed record ListTotal(int Total);

    /// <summary>
    /// What an integrated care board's roll-up takes of a member's lists: the totals and the breakdown, stored apart from
    /// the lists (<see cref="OrganisationDashboard.Totals"/>), so its visit reads a few hundred bytes per member rather
    /// than the items the lists show (up to a hundred per member, which the roll-up never shows).
    /// </summary>
    public sealed record RollUpTotals(
        ListTotal LateResponses, ListTotal LateConditions, ListTotal LatePlans, ListTotal ExpiredEvidence, IReadOnlyList<StatusRagCount>? Breakdown = null)
    {
        public static RollUpTotals Of(Lists lists) => new(
            new(lists.LateResponses.Total), new(lists.LateConditions.Total), new(lists.LatePlans.Total), new(lists.ExpiredEvidence.Total), lists.Breakdown);
    }

    public static RollUpTotals ReadTotals(string json) => JsonSerializer.Deserialize<RollUpTotals>(json, Json)!;

    /// <summary>What a visit reads: the stored lists, the day they were judged on and when they were worked out.</summary>
    public sealed record Stored(Lists Lists, DateOnly CalculatedFor, DateTime CalculatedAt);

    public static async Task<Stored?> ReadAsync(PortalDbContext db, int organisationId, CancellationToken cancellationToken)
    {
        var row = await db.OrganisationDashboards.AsNoTracking().Where(d => d.NhsOrganisationId == organisationId)
            .Select(d => new { d.Lists, d.CalculatedFor, d.CalculatedAt }).SingleOrDefaultAsync(cancellationToken);
        return row is null ? null : new Stored(Read(row.Lists), row.CalculatedFor, row.CalculatedAt);
    }

    /// <summary>
    /// Works out again the lists of every organisation that has assessments and whose lists are missing, from another
    /// day, or older than a score of theirs recalculated since (the stale-score marker makes every change the lists
    /// depend on recalculate a score); <paramref name="organisationId"/> limits it to one. Returns how many it stored.
    /// Run after the scores are refreshed, so a change seen by the scores is seen here too, with a <paramref name="now"/>
    /// read after them: a score recalculated at the very moment the lists were (a clock that did not move) counts as
    /// newer, so the lists are never left behind a score.
    /// </summary>
    public static async Task<int> RefreshAsync(PortalDbContext db, DateTime now, int? organisationId, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(now.InPortalTime());
        var due = await db.NhsOrganisations.AsNoTracking()
            .Where(o => organisationId == null || o.Id == organisationId)
            .Where(o => db.Assessments.Any(a => a.NhsOrganisationId == o.Id))
            .Select(o => new { o.Id, Stored = db.OrganisationDashboards.Where(d => d.NhsOrganisationId == o.Id).Select(d => (DateTime?)d.CalculatedAt).FirstOrDefault() })
            .Where(o => o.Stored == null
                || db.OrganisationDashboards.Any(d => d.NhsOrganisationId == o.Id && (d.CalculatedFor != today || d.Totals == ""))
                || db.Assessments.Any(a => a.NhsOrganisationId == o.Id && a.Score!.CalculatedAt >= o.Stored))
            .ToListAsync(cancellationToken);
        foreach (var organisation in due)
        {
            var lists = await CalculateAsync(db, organisation.Id, today, cancellationToken);
            var row = new OrganisationDashboard
            {
                NhsOrganisationId = organisation.Id, CalculatedFor = today, CalculatedAt = now, Lists = JsonSerializer.Serialize(lists, Json),
                Totals = JsonSerializer.Serialize(RollUpTotals.Of(lists), Json),
            };
            if (organisation.Stored is null)
            {
                db.Add(row);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another instance's worker (or a person's recalculation) stored this organisation's first lists at
                    // the same moment: theirs are as current as these.
                }
            }
            else
            {
                // Only over older lists: a worker round and a recalculation that overlap may finish in either order, and
                // the lists worked out from a later reading must not be replaced by those from an earlier one (an equal
                // reading, a clock that did not move, still writes: the score may have changed at that same moment).
                await db.OrganisationDashboards
                    .Where(d => d.NhsOrganisationId == organisation.Id && d.CalculatedAt <= now)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(d => d.CalculatedFor, today)
                        .SetProperty(d => d.CalculatedAt, now)
                        .SetProperty(d => d.Lists, row.Lists)
                        .SetProperty(d => d.Totals, row.Totals), cancellationToken);
            }

            db.ChangeTracker.Clear();
        }

        return due.Count;
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

    private sealed record Totals(int LateResponses, int LateConditions, int LatePlans, int ExpiringEvidence, int ExpiredEvidence);

    /// <summary>The lists as the database says now: every total counted, the first <see cref="ListLength"/> of each listed.</summary>
    public static async Task<Lists> CalculateAsync(PortalDbContext db, int organisationId, DateOnly today, CancellationToken cancellationToken)
    {
        var soon = today.AddDays(ExpiryWindowDays);
        var own = db.Assessments.AsNoTracking().Where(a => a.NhsOrganisationId == organisationId);

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
            .Select(o => new Totals(lateResponses.Count(), lateConditions.Count(), latePlans.Count(), expiring.Count(), expired.Count()))
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
        // Counted as the dashboard counts them, from the scores the worker has just stored.
        var breakdown = (await StoredScores.States(db, own, today)
            .GroupBy(a => new { a.Status, a.Rag })
            .Select(g => new { g.Key.Status, g.Key.Rag, Count = g.Count() })
            .ToListAsync(cancellationToken))
            .Select(c => new StatusRagCount(c.Status, c.Rag, c.Count)).ToList();

        return new Lists(
            new DueList(totals.LateResponses, responseItems
                .Select(a => new DueItem(a.Id, a.SystemName, $"Answers from {a.Supplier}", a.Due, $"/assessments/{a.Id}")).ToList()),
            new DueList(totals.LateConditions, conditionItems
                .Select(c => new DueItem(c.Id, c.SystemName, $"Condition: {c.Text} (owner: {c.Owner})", c.DueDate, $"/assessments/{c.Id}/sign-off")).ToList()),
            new DueList(totals.LatePlans, planItems
                .Select(p => new DueItem(p.Id, p.SystemName, $"{p.Code}: {p.Supplier}'s accepted plan", p.PlannedDate, $"/assessments/{p.Id}/scorecard")).ToList()),
            new DueList(totals.ExpiringEvidence, expiringItems),
            new DueList(totals.ExpiredEvidence, expiredItems),
            breakdown);
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
