using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Evidence;
using Portal.Data.Users;
using Portal.Features.Assessments;

namespace Portal.Features.Audit;

/// <summary>An assessment's timeline from the audit trail: NHS staff see all of it, the supplier the events on its own answers.</summary>
public sealed class TimelineService(IDbContextFactory<PortalDbContext> contexts, AuditDigests digests)
{
    public sealed record Entry(long Sequence, DateTime OccurredAt, string Actor, string? Role, string Action, string Summary, string? Before, string? After);

    private static readonly string[] SupplierEntityTypes = [nameof(RequirementResponse), nameof(EvidenceItem), nameof(Data.Assessments.SignificantFunction)];
    private static readonly string[] SupplierActions = ["AssessmentSubmitted", "InvitationAccepted", "AssessmentFilledFromPack"];

    /// <summary>One page of a timeline, newest first, and how many events match in all.</summary>
    public sealed record Page(IReadOnlyList<Entry> Entries, int Total, int PageNumber, int PageSize)
    {
        public int Pages => Math.Max(1, (Total + PageSize - 1) / PageSize);

        public int First => Total == 0 ? 0 : ((PageNumber - 1) * PageSize) + 1;

        public int Last => Math.Min(Total, PageNumber * PageSize);
    }

    public const int PageSize = 50;

    /// <summary>The latest 1,000 events as recorded (the API's timeline: values as stored, older events' code names included).</summary>
    public async Task<IReadOnlyList<Entry>?> GetAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var events = await EventsAsync(db, caller, assessmentId, cancellationToken);
        if (events is null)
        {
            return null;
        }

        var entries = await events.OrderByDescending(e => e.Id).Take(1000)
            .Select(e => new Entry(e.Sequence, e.OccurredAt, e.ActorName, e.ActorRole, e.Action, e.Summary, e.Before, e.After))
            .ToListAsync(cancellationToken);
        return entries;
    }

    /// <summary>
    /// A page of the timeline, newest first; <paramref name="search"/> keeps the events whose summary, person or
    /// before/after text holds the words typed. A page past the end shows the last page.
    /// </summary>
    public async Task<Page?> PageAsync(Caller caller, int assessmentId, string? search, int page, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var events = await EventsAsync(db, caller, assessmentId, cancellationToken);
        if (events is null)
        {
            return null;
        }

        if (TypedText.Tidy(search, 200) is { } words)
        {
            var pattern = TypedText.ContainsPattern(words);
            // Older events hold code names where the page shows words: the words find them too.
            var codes = AuditValues.CodeNamesFor(words).ToList();
            events = events.Where(e => EF.Functions.Like(e.Summary, pattern, TypedText.LikeEscape) || EF.Functions.Like(e.ActorName, pattern, TypedText.LikeEscape)
                || EF.Functions.Like(e.Before!, pattern, TypedText.LikeEscape) || EF.Functions.Like(e.After!, pattern, TypedText.LikeEscape)
                || codes.Contains(e.Before!) || codes.Contains(e.After!));
        }

        var total = await events.CountAsync(cancellationToken);
        var pages = Math.Max(1, (total + PageSize - 1) / PageSize);
        var shown = Math.Clamp(page, 1, pages);
        var entries = await events.OrderByDescending(e => e.Id).Skip((shown - 1) * PageSize).Take(PageSize)
            .Select(e => new Entry(e.Sequence, e.OccurredAt, e.ActorName, e.ActorRole, e.Action, e.Summary, e.Before, e.After))
            .ToListAsync(cancellationToken);
        return new Page([.. entries.Select(InWords)], total, shown, PageSize);
    }

    /// <summary>An event's before and after as people read them (<see cref="AuditValues.Readable"/>), older events included.</summary>
    private static Entry InWords(Entry e) => e with { Before = AuditValues.Readable(e.Action, e.Before), After = AuditValues.Readable(e.Action, e.After) };

    /// <summary>The events of an assessment the caller may see: NHS staff all of them, the supplier those on its own answers.</summary>
    private static async Task<IQueryable<AuditEvent>?> EventsAsync(PortalDbContext db, Caller caller, int assessmentId, CancellationToken cancellationToken)
    {
        var assessment = await db.Assessments.AsNoTracking().VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return null;
        }

        var supplierView = AssessmentVisibility.IsSupplierOf(caller, assessment) && caller.NhsOrganisationId is null;
        return db.AuditEvents.AsNoTracking()
            .Where(e => e.AssessmentId == assessmentId)
            .Where(e => !supplierView || SupplierEntityTypes.Contains(e.EntityType) || SupplierActions.Contains(e.Action));
    }

    /// <summary>Checks every audit chain against the digests kept outside the database; NHS staff only, since it reads every organisation's events.</summary>
    public async Task<AuditChain.Verification> VerifyAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        if (!AssessmentVisibility.IsNhsStaff(caller))
        {
            throw new AccessDeniedException("Only NHS staff can verify the audit trail.");
        }

        return await digests.VerifyAsync(cancellationToken);
    }
}
