using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Scorecards;
using Portal.Features.Audit;

namespace Portal.Features.Assessments;

/// <summary>Reading assessments and the workflow steps that are not part of the start or the evidence.</summary>
public sealed class AssessmentService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public sealed record AssessmentRow(
        int Id,
        string SystemName,
        string? SupplierName,
        string OrganisationName,
        AssessmentStatus Status,
        AssessmentRoute? Route,
        DateOnly? ResponseDueDate,
        string? ProcurementReference,
        int InScope,
        int Answered,
        RagStatus? Rag = null,
        DateOnly? NextDue = null,
        string? SignOffVoidBecause = null,
        bool ScoreUpdating = false)
    {
        public string Reference => $"OAP-{Id:D5}";

        /// <summary>What <see cref="NextDue"/> is the date of: the supplier's answers, or the sign-off's conditions.</summary>
        public string NextDueWhat => Status == AssessmentStatus.SignedOffWithConditions ? "Conditions due" : "Response due";

        public bool IsOverdue(DateOnly today) => NextDue < today
            && Status is AssessmentStatus.AwaitingSupplier or AssessmentStatus.ClarificationRequested or AssessmentStatus.SignedOffWithConditions;
    }

    public sealed record FunctionRow(string Name, string? Description, string? ApiOperation, string? DocumentationUrl);

    public sealed record InvitationRow(int Id, string Email, InvitationStatus Status, DateTime InvitedAt, DateTime? AcceptedAt);

    public sealed record Overview(
        AssessmentRow Summary,
        string FrameworkName,
        string VersionLabel,
        int VersionId,
        ScopeConditions Conditions,
        string? ProductName,
        string? ProductVersion,
        string? Description,
        DateOnly? ContractDate,
        bool StartConfirmed,
        int OutOfScope,
        IReadOnlyList<FunctionRow> Functions,
        IReadOnlyList<InvitationRow> Invitations,
        IReadOnlyList<WorkflowAction> Actions,
        bool CanEditStart,
        bool CanInvite,
        bool CanAnswer,
        bool CanStartCompetingBid,
        Guid ConcurrencyStamp);

    public sealed record ScopeItem(string Code, string Title, string SectionCode, Obligation Obligation, RouteStanding? Standing, string Reason, bool InScope, bool AddedByOfficer, string? ExclusionJustification);

    /// <summary>
    /// Which assessments the list shows, one page at a time and in which order: optionally one status, text to find
    /// (a reference such as OAP-00012 or 12, or part of the system name, supplier name or procurement reference), and
    /// (for the API) one route or one supplier. Without an order, each sort takes its natural one
    /// (<see cref="AssessmentSorts.DescendingByDefault"/>).
    /// </summary>
    public sealed record ListQuery(
        AssessmentStatus? Status = null,
        int Page = 1,
        int PageSize = ListQuery.DefaultPageSize,
        AssessmentRoute? Route = null,
        int? SupplierId = null,
        string? Search = null,
        AssessmentSort Sort = AssessmentSort.Updated,
        bool? Descending = null)
    {
        public const int DefaultPageSize = 25;

        public bool IsDescending => Descending ?? AssessmentSorts.DescendingByDefault(Sort);
    }

    /// <summary>A home page's figures: assessments by status, the overdue and the latest few of those shown, and how many are shown in all.</summary>
    public sealed record HomeSummary(IReadOnlyDictionary<AssessmentStatus, int> ByStatus, int Overdue, IReadOnlyList<AssessmentRow> Latest, int Shown)
    {
        /// <summary>The home page shows the first few; the assessments list pages the rest.</summary>
        public const int DefaultRows = 10;

        public int Total => ByStatus.Values.Sum();

        public int In(AssessmentStatus status) => ByStatus.GetValueOrDefault(status);
    }

    /// <summary>One page of the list, with the total the filter matches; a page past the end shows the last page.</summary>
    public sealed record ListPage(IReadOnlyList<AssessmentRow> Rows, int Total, int Page, int PageSize)
    {
        public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

        public int First => Total == 0 ? 0 : ((Page - 1) * PageSize) + 1;

        public int Last => (Page - 1) * PageSize + Rows.Count;
    }

    /// <summary>
    /// A page of the assessments the caller may see, found, sorted and paged in the database: an ICB holds thousands,
    /// and only the rows on the page are counted and sent: three commands whatever the total. The RAG column is the
    /// stored score; one the worker has not yet recalculated is shown as updating, never worked out here (reads do not
    /// write).
    /// </summary>
    public async Task<ListPage> PageAsync(Caller caller, ListQuery query, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var visible = db.Assessments.AsNoTracking().VisibleTo(caller);
        var today = clock.PortalToday();
        if (query.Status is { } s)
        {
            visible = visible.Where(a => a.Status == s);
        }

        if (query.Route is { } route)
        {
            visible = visible.Where(a => a.Route == route);
        }

        if (query.SupplierId is { } supplierId)
        {
            visible = visible.Where(a => a.SupplierId == supplierId);
        }

        if (TypedText.Tidy(query.Search, 200) is { } search)
        {
            visible = Matching(visible, search);
        }

        var total = await visible.CountAsync(cancellationToken);
        var pageSize = Math.Clamp(query.PageSize, 1, 100);
        var page = Math.Clamp(query.Page, 1, Math.Max(1, (total + pageSize - 1) / pageSize));
        var rows = await AssessmentSorts.Apply(Listed(db, visible, today), query.Sort, query.IsDescending)
            .Skip((page - 1) * pageSize)
            .Take(pageSize)
            .Select(Row(db))
            .ToListAsync(cancellationToken);
        return new ListPage(rows, total, page, pageSize);
    }

    /// <summary>
    /// What a home page shows: how many of the assessments the caller may see are in each status (counted in the
    /// database, so the figures agree with the list's however many there are), how many of those in
    /// <paramref name="statuses"/> are overdue (a response or a sign-off condition past its date, as the list marks
    /// them), and the <paramref name="rows"/> most recently changed of them. Without <paramref name="statuses"/>, every
    /// status. Three small commands whatever the organisation's size.
    /// </summary>
    public async Task<HomeSummary> GetHomeSummaryAsync(
        Caller caller, IReadOnlyCollection<AssessmentStatus>? statuses = null, int rows = HomeSummary.DefaultRows, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var visible = db.Assessments.AsNoTracking().VisibleTo(caller);
        var today = clock.PortalToday();
        var byStatus = await visible.GroupBy(a => a.Status).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var wanted = statuses?.Distinct().ToArray();
        var shown = wanted is null ? visible : visible.Where(a => wanted.Contains(a.Status));
        // The rule of AssessmentRow.IsOverdue, written out for the database.
        var overdue = await Listed(db, shown, today).CountAsync(x => x.NextDue < today
            && (x.Assessment.Status == AssessmentStatus.AwaitingSupplier || x.Assessment.Status == AssessmentStatus.ClarificationRequested
                || x.Assessment.Status == AssessmentStatus.SignedOffWithConditions), cancellationToken);
        var latest = await AssessmentSorts.Apply(Listed(db, shown, today), AssessmentSort.Updated, descending: true)
            .Take(Math.Clamp(rows, 1, 100))
            .Select(Row(db))
            .ToListAsync(cancellationToken);
        return new HomeSummary(byStatus, overdue, latest, wanted is null ? byStatus.Values.Sum() : wanted.Sum(byStatus.GetValueOrDefault));
    }

    /// <summary>Whether the caller may see the assessment at all (one query), to tell "not yours" from "not allowed".</summary>
    public async Task<bool> IsVisibleAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Assessments.AsNoTracking().VisibleTo(caller).AnyAsync(a => a.Id == assessmentId, cancellationToken);
    }

    /// <summary>
    /// The requirements scoping chose for an assessment, with the reason each applies; NHS staff also see what the
    /// officer took out and why. Null when the caller may not see the assessment.
    /// </summary>
    public async Task<IReadOnlyList<ScopeItem>?> ScopeAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var organisationId = await db.Assessments.AsNoTracking().VisibleTo(caller)
            .Where(a => a.Id == assessmentId).Select(a => (int?)a.NhsOrganisationId).SingleOrDefaultAsync(cancellationToken);
        if (organisationId is null)
        {
            return null;
        }

        var nhs = AssessmentVisibility.IsNhsStaffOf(caller, organisationId.Value);
        return await db.AssessmentRequirements.AsNoTracking()
            .Where(r => r.AssessmentId == assessmentId && (nhs || r.InScope))
            .OrderBy(r => r.Order)
            .Select(r => new ScopeItem(r.Code, r.PolicyRequirement!.Title, r.PolicyRequirement.SectionCode, r.PolicyRequirement.Obligation,
                r.Standing, r.Reason, r.InScope, r.AddedByOfficer, r.ExclusionJustification))
            .ToListAsync(cancellationToken);
    }

    public async Task<Overview?> GetAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await OverviewAsync(db, caller, assessmentId, clock.PortalToday(), cancellationToken);
    }

    /// <summary>The overview as the caller may see it, read in the caller's unit of work (a command returns it fresh after its save).</summary>
    internal static async Task<Overview?> OverviewAsync(PortalDbContext db, Caller caller, int assessmentId, DateOnly today, CancellationToken cancellationToken)
    {
        var assessment = await db.Assessments.AsNoTracking().VisibleTo(caller)
            .Include(a => a.Functions).Include(a => a.Invitations)
            .AsSplitQuery()
            .SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return null;
        }

        var summary = await Listed(db, db.Assessments.AsNoTracking().Where(a => a.Id == assessmentId), today).Select(Row(db)).SingleAsync(cancellationToken);
        var version = await db.FrameworkVersions.AsNoTracking().Where(v => v.Id == assessment.FrameworkVersionId)
            .Select(v => new { v.Label, Framework = v.PolicyFramework!.Name }).SingleAsync(cancellationToken);
        var outOfScope = await db.AssessmentRequirements.CountAsync(r => r.AssessmentId == assessmentId && !r.InScope, cancellationToken);
        var isOfficer = AssessmentVisibility.IsOfficerOf(caller, assessment);
        var isSupplier = AssessmentVisibility.IsSupplierOf(caller, assessment);

        return new Overview(
            summary,
            version.Framework,
            version.Label,
            assessment.FrameworkVersionId,
            assessment.Conditions,
            assessment.ProductName,
            assessment.ProductVersion,
            assessment.Description,
            assessment.ContractDate,
            assessment.StartConfirmedAt is not null,
            outOfScope,
            assessment.Functions.OrderBy(f => f.Order).Select(f => new FunctionRow(f.Name, f.Description, f.ApiOperation, f.DocumentationUrl)).ToList(),
            isOfficer
                ? assessment.Invitations.OrderBy(i => i.InvitedAt).Select(i => new InvitationRow(i.Id, i.Email, i.Status, i.InvitedAt, i.AcceptedAt)).ToList()
                : [],
            AssessmentWorkflow.ActionsFor(assessment.Status, caller.Roles)
                .Where(action => (isOfficer && action is WorkflowAction.Withdraw) || (isSupplier && action is WorkflowAction.Submit))
                .ToList(),
            isOfficer && assessment.Status == AssessmentStatus.Draft,
            isOfficer && assessment.StartConfirmedAt is not null && assessment.Status is AssessmentStatus.Draft or AssessmentStatus.AwaitingSupplier,
            isSupplier && assessment.Status is AssessmentStatus.AwaitingSupplier or AssessmentStatus.ClarificationRequested,
            isOfficer && assessment.StartConfirmedAt is not null && !string.IsNullOrEmpty(assessment.ProcurementReference),
            assessment.ConcurrencyStamp);
    }

    /// <summary>
    /// Withdraws an assessment for good, with the reason the supplier will see. <paramref name="read"/> is the version
    /// of the assessment the officer decided on: withdrawing cannot be undone, so it must be named, and a change made
    /// since (an answer submitted, a decision recorded) makes the outcome stale rather than being passed over.
    /// </summary>
    public async Task<Outcome<Overview>> WithdrawAsync(Caller caller, int assessmentId, string? reason, ReadVersion read, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return NotFound(assessmentId);
        }

        if (!AssessmentVisibility.IsOfficerOf(caller, assessment))
        {
            return Outcome.Forbidden("Only a procurement officer of the assessing organisation can withdraw it.");
        }

        var why = TypedText.Tidy(reason, 2000);
        if (why is null || why.Length < 10)
        {
            return Outcome.Invalid("Give the reason for withdrawing the assessment (at least 10 characters); the supplier will see it.", "reason");
        }

        if (!read.Permits(assessment.ConcurrencyStamp, somethingToLose: true))
        {
            return Outcome.Stale(Changed(assessment));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var moved = await AssessmentTransitions.ApplyAsync(db, caller, assessment, WorkflowAction.Withdraw, now, read,
            _ => $"Withdrew {assessment.Reference}: {why}", auditAction: "AssessmentWithdrawn", cancellationToken: cancellationToken);
        if (!moved.Succeeded)
        {
            return moved.AsRefusal();
        }

        assessment.WithdrawnReason = why;
        if (await db.SaveCommandAsync($"{assessment.Reference} changed while you were withdrawing it. Look at it again before you decide.", cancellationToken) is { } stale)
        {
            return stale;
        }

        return Outcome.Done((await OverviewAsync(db, caller, assessmentId, clock.PortalToday(), cancellationToken))!, $"{assessment.Reference} is withdrawn.");
    }

    /// <summary>The one answer for an assessment that does not exist and one the caller may not see, so nothing leaks.</summary>
    internal static Refusal NotFound(int assessmentId) =>
        Outcome.NotFound($"Assessment {assessmentId} does not exist, or you may not see it.");

    private static string Changed(Assessment assessment) =>
        $"{assessment.Reference} changed since you opened it (it is now {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}). Look at it again before you decide.";

    /// <summary>
    /// The assessments whose reference, system name, supplier name or procurement reference matches what was typed.
    /// "OAP-00012", "oap-12" and "12" all find OAP-00012; a number also finds names that contain it.
    /// </summary>
    private static IQueryable<Assessment> Matching(IQueryable<Assessment> assessments, string search)
    {
        var pattern = TypedText.ContainsPattern(search);
        var id = ReferenceNumber(search);
        return assessments.Where(a => a.Id == id
            || EF.Functions.Like(a.SystemName, pattern, TypedText.LikeEscape)
            || EF.Functions.Like(a.ProcurementReference!, pattern, TypedText.LikeEscape)
            || EF.Functions.Like(a.Supplier!.Name, pattern, TypedText.LikeEscape));
    }

    /// <summary>The assessment id in a reference as people type it ("OAP-00012", "OAP12", "12"); -1 when it is not one.</summary>
    internal static int ReferenceNumber(string search)
    {
        var digits = search.StartsWith("OAP", StringComparison.OrdinalIgnoreCase) ? search[3..].TrimStart('-', ' ') : search;
        return digits.Length is > 0 and <= 9 && digits.All(char.IsAsciiDigit)
            ? int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture)
            : -1;
    }

    /// <summary>
    /// Each assessment with the two figures the list shows and sorts by: its stored RAG status and the next date
    /// something is due on it (the supplier's answers while they are awaited or drafted, the earliest condition of a
    /// standing conditional sign-off; nothing otherwise).
    /// </summary>
    private static IQueryable<ListedAssessment> Listed(PortalDbContext db, IQueryable<Assessment> assessments, DateOnly today) =>
        assessments.Select(a => new ListedAssessment
        {
            Assessment = a,
            Rag = a.Score == null ? null : a.Score.Rag,
            // The rule of StoredScores.IsStale, written out because a Select cannot call an expression.
            ScoreUpdating = a.Score == null || a.Score.CalculatedFromStamp != a.Score.InputsStamp || a.Score.ReviewOn <= today,
            NextDue = a.Status == AssessmentStatus.Draft || a.Status == AssessmentStatus.AwaitingSupplier || a.Status == AssessmentStatus.ClarificationRequested
                ? a.ResponseDueDate
                : a.Status == AssessmentStatus.SignedOffWithConditions
                    ? db.SignOffs.Where(s => s.AssessmentId == a.Id && !s.IsVoid).SelectMany(s => s.Conditions).Min(c => (DateOnly?)c.DueDate)
                    : null,
        });

    private static System.Linq.Expressions.Expression<Func<ListedAssessment, AssessmentRow>> Row(PortalDbContext db) => x => new AssessmentRow(
        x.Assessment.Id,
        x.Assessment.SystemName,
        x.Assessment.Supplier == null ? null : x.Assessment.Supplier.Name,
        x.Assessment.NhsOrganisation!.Name,
        x.Assessment.Status,
        x.Assessment.Route,
        x.Assessment.ResponseDueDate,
        x.Assessment.ProcurementReference,
        x.Assessment.Requirements.Count(r => r.InScope),
        db.RequirementResponses.Count(r => r.AssessmentId == x.Assessment.Id && r.Claim != null),
        x.Rag,
        x.NextDue,
        // What changed, while the latest sign-off is void and no new one has been given.
        db.SignOffs.Where(s => s.AssessmentId == x.Assessment.Id).OrderByDescending(s => s.SignedAt).ThenByDescending(s => s.Id)
            .Select(s => s.IsVoid ? s.VoidReason ?? "the assessment changed after sign-off." : null).FirstOrDefault(),
        x.ScoreUpdating);
}
