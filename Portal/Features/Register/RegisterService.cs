using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Register;
using Portal.Data.Reviews;
using Portal.Data.SignOffs;
using Portal.Data.Users;
using Portal.Features.Assessments;
using Portal.Features.Audit;

namespace Portal.Features.Register;

/// <summary>
/// The public, status-only register: NHS organisations choose, one signed-off assessment at a time, to show its status
/// against the policy for the product version it is about. The register never carries answers, evidence, scores, RAG,
/// comments, conditions' text or anyone's name: only supplier, product, version, status, catalogue version, sign-off
/// date and the publishing organisation.
/// </summary>
public sealed class RegisterService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public const int PageSize = 25;

    /// <summary>One published assessment's line on the register: everything the public may know of it.</summary>
    public sealed record Entry(
        string Supplier, string Product, string Version, RegisterStatus Status, string Catalogue, string CatalogueVersion,
        DateOnly SignedOffOn, string Organisation, string OrganisationOdsCode);

    public sealed record Page(IReadOnlyList<Entry> Entries, int PageNumber, int PageSize, int Total)
    {
        public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
    }

    /// <summary>An assessment's place on the register as its own organisation sees it, and whether the caller may change it.</summary>
    public sealed record Publication(int AssessmentId, string Reference, bool IsPublished, DateTime? PublishedAt, bool MayChange, string? WhyNot);

    private sealed record Row(
        string Supplier, string Product, string Version, SignOffDecision Decision, bool ApprovedWhileRed, DateTime SignedAt,
        DateOnly? LatestOpenPlan, string Catalogue, string CatalogueVersion, string Organisation, string OdsCode);

    private DateOnly Today => clock.PortalToday();

    /// <summary>One page of the register, matched by supplier or product name, in supplier, product, version order.</summary>
    public async Task<Page> PageAsync(string? search, int page, int pageSize = PageSize, CancellationToken cancellationToken = default)
    {
        var number = Math.Max(1, page);
        var size = Math.Clamp(pageSize, 1, 100);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var listed = Listed(db, search);
        var total = await listed.CountAsync(cancellationToken);
        // A page past the end (or a number that would overflow the offset) shows the last page.
        number = Math.Min(number, Math.Max(1, (total + size - 1) / size));
        // The page's lines are chosen in name order first, and the facts each line needs (its standing sign-off, its latest
        // open plan) are then read for those lines alone: in one query, but never for every listed line before the sort.
        var onPage = InOrder(db, listed).Select(p => p.Id).Skip((number - 1) * size).Take(size);
        var rows = await Rows(db, listed.Where(p => onPage.Contains(p.Id))).ToListAsync(cancellationToken);
        var today = Today;
        return new Page(rows.ConvertAll(r => ToEntry(r, today)), number, size, total);
    }

    /// <summary>The whole register (or what matches), streamed row by row for the CSV.</summary>
    public async IAsyncEnumerable<Entry> ListAllAsync(string? search, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var today = Today;
        await foreach (var row in Rows(db, Listed(db, search)).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return ToEntry(row, today);
        }
    }

    /// <summary>Whether the assessment is on the register, for its own organisation's staff.</summary>
    public async Task<Outcome<Publication>> FindAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (assessment, refusal) = await NhsAssessmentAsync(db, caller, assessmentId, cancellationToken);
        if (assessment is null)
        {
            return refusal!;
        }

        var active = await db.RegisterPublications.AsNoTracking().Where(p => p.AssessmentId == assessmentId && p.WithdrawnAt == null)
            .Select(p => (DateTime?)p.PublishedAt).FirstOrDefaultAsync(cancellationToken);
        var whyNot = MayChange(caller, assessment) ?? (active is null ? WhyNotPublishable(assessment) : null);
        return Outcome.Done(new Publication(assessmentId, assessment.Reference, active is not null, active, whyNot is null, whyNot?.Message));
    }

    /// <summary>
    /// Shows a signed-off assessment's status on the public register, from now on. Only its procurement officer or a CCIO
    /// of its organisation may; audited in the same transaction.
    /// </summary>
    public async Task<Outcome> PublishAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (assessment, refusal) = await NhsAssessmentAsync(db, caller, assessmentId, cancellationToken);
        if (assessment is null)
        {
            return refusal!;
        }

        if ((MayChange(caller, assessment) ?? WhyNotPublishable(assessment)) is { } whyNot)
        {
            return whyNot;
        }

        if (await db.RegisterPublications.AnyAsync(p => p.AssessmentId == assessmentId && p.WithdrawnAt == null, cancellationToken))
        {
            return AlreadyPublished(assessment);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.RegisterPublications.Add(new RegisterPublication { AssessmentId = assessmentId, PublishedAt = now, PublishedByUserId = caller.UserId });
        AuditTrail.Record(db, caller, now, "PublishedToRegister", "Assessment", assessmentId.ToString(CultureInfo.InvariantCulture),
            $"{caller.DisplayName} published the status of {assessment.Reference} ({assessment.SystemName}) on the public register.", assessmentId: assessmentId);
        try
        {
            return await db.SaveCommandAsync(Busy(assessment), cancellationToken)
                ?? Outcome.Done($"{assessment.Reference} is on the public register. Withdraw it here at any time; it leaves the register at once.");
        }
        catch (DbUpdateException)
        {
            // Someone else published it between the check and the save: the database's unique index kept one active publication, theirs.
            if (await IsPublishedAsync(assessmentId, cancellationToken))
            {
                return AlreadyPublished(assessment);
            }

            throw;
        }
    }

    /// <summary>Takes an assessment off the public register at once. The same people as publish it may; audited.</summary>
    public async Task<Outcome> WithdrawAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (assessment, refusal) = await NhsAssessmentAsync(db, caller, assessmentId, cancellationToken);
        if (assessment is null)
        {
            return refusal!;
        }

        if (MayChange(caller, assessment) is { } forbidden)
        {
            return forbidden;
        }

        var active = await db.RegisterPublications.Where(p => p.AssessmentId == assessmentId && p.WithdrawnAt == null).ToListAsync(cancellationToken);
        if (active.Count == 0)
        {
            return Outcome.Conflict($"{assessment.Reference} is not on the public register, so there is nothing to withdraw.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var publication in active)
        {
            publication.WithdrawnAt = now;
            publication.WithdrawnByUserId = caller.UserId;
        }

        AuditTrail.Record(db, caller, now, "WithdrawnFromRegister", "Assessment", assessmentId.ToString(CultureInfo.InvariantCulture),
            $"{caller.DisplayName} withdrew the status of {assessment.Reference} ({assessment.SystemName}) from the public register.", assessmentId: assessmentId);
        return await db.SaveCommandAsync($"{assessment.Reference} was withdrawn from the register by someone else just now: it is not on the register.", cancellationToken)
            ?? Outcome.Done($"{assessment.Reference} is no longer on the public register.");
    }

    /// <summary>Active publications of assessments still signed off that name a product version: what the public sees.</summary>
    private static IQueryable<RegisterPublication> Listed(PortalDbContext db, string? search)
    {
        var listed = db.RegisterPublications.AsNoTracking().Where(p => p.WithdrawnAt == null
            && (p.Assessment!.Status == AssessmentStatus.SignedOff || p.Assessment.Status == AssessmentStatus.SignedOffWithConditions)
            && p.Assessment.ProductVersionId != null);
        if (TypedText.Tidy(search, 100) is { } typed)
        {
            var pattern = TypedText.ContainsPattern(typed);
            listed = listed.Where(p => db.ProductVersions.Any(v => v.Id == p.Assessment!.ProductVersionId
                && (EF.Functions.Like(v.Product!.Name, pattern, TypedText.LikeEscape) || EF.Functions.Like(v.Product.Supplier!.Name, pattern, TypedText.LikeEscape))));
        }

        return listed;
    }

    /// <summary>The listed publications in the register's order (supplier, product, version, organisation), reading names only.</summary>
    private static IQueryable<RegisterPublication> InOrder(PortalDbContext db, IQueryable<RegisterPublication> listed) =>
        from p in listed
        join a in db.Assessments on p.AssessmentId equals a.Id
        join v in db.ProductVersions on a.ProductVersionId equals v.Id
        orderby v.Product!.Supplier!.Name, v.Product!.Name, v.Label, a.NhsOrganisation!.Name, p.Id
        select p;

    /// <summary>
    /// In one SQL query, the facts each listed line needs: the product version's names, the standing sign-off, whether
    /// it approved a Red assessment, the latest deadline of an open work-off plan (accepted at review, not yet accepted
    /// as done; its own date, or the contract date where the officer linked it, as <see cref="Reminders.PlanDeadline"/>
    /// says), the catalogue version and the organisation. Nothing else is read.
    /// </summary>
    private static IQueryable<Row> Rows(PortalDbContext db, IQueryable<RegisterPublication> listed) =>
        from p in listed
        join a in db.Assessments on p.AssessmentId equals a.Id
        join v in db.ProductVersions on a.ProductVersionId equals v.Id
        let signOff = db.SignOffs.Where(s => s.AssessmentId == a.Id && !s.IsVoid).OrderByDescending(s => s.SignedAt).First()
        let product = v.Product!
        orderby product.Supplier!.Name, product.Name, v.Label, a.NhsOrganisation!.Name, p.Id
        select new Row(
            product.Supplier!.Name,
            product.Name,
            v.Label,
            signOff.Decision,
            signOff.RedApprovalReason != null,
            signOff.SignedAt,
            db.RequirementResponses
                .Where(r => r.AssessmentId == a.Id && r.Claim == ComplianceClaim.WillMeetByDate && r.ClosureState != ClosureState.Accepted
                    && db.ReviewDecisions.Any(d => d.AssessmentRequirementId == r.AssessmentRequirementId && d.Outcome == ReviewOutcome.Accepted))
                .Max(r => r.PlanDueOnContractDate && a.ContractDate != null ? a.ContractDate : r.PlannedDate),
            a.FrameworkVersion!.PolicyFramework!.Name,
            a.FrameworkVersion!.Label,
            a.NhsOrganisation!.Name,
            a.NhsOrganisation!.OdsCode);

    private static Entry ToEntry(Row r, DateOnly today) => new(
        r.Supplier, r.Product, r.Version, RegisterRules.Decide(r.Decision, r.ApprovedWhileRed, r.LatestOpenPlan, today), r.Catalogue, r.CatalogueVersion,
        DateOnly.FromDateTime(r.SignedAt.InPortalTime()), r.Organisation, r.OdsCode);

    /// <summary>The assessment, for NHS staff of its organisation; the supplier is refused and everyone else told it is not there.</summary>
    private static async Task<(Assessment? Assessment, Refusal? Refusal)> NhsAssessmentAsync(PortalDbContext db, Caller caller, int assessmentId, CancellationToken cancellationToken)
    {
        var assessment = await db.Assessments.AsNoTracking().VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return (null, AssessmentService.NotFound(assessmentId));
        }

        return AssessmentVisibility.IsNhsStaffOf(caller, assessment.NhsOrganisationId)
            ? (assessment, null)
            : (null, Outcome.Forbidden("Only the assessing NHS organisation chooses whether its assessment is on the public register."));
    }

    /// <summary>Only the assessment's procurement officer or a CCIO sign-off reviewer of its organisation chooses.</summary>
    private static Refusal? MayChange(Caller caller, Assessment assessment) =>
        AssessmentVisibility.IsOfficerOf(caller, assessment)
        || (caller.IsInRole(PortalRoles.CcioReviewer) && caller.NhsOrganisationId == assessment.NhsOrganisationId)
            ? null
            : Outcome.Forbidden("Only the assessment's procurement officer or a CCIO sign-off reviewer of its organisation can publish it to the register or withdraw it.");

    private static Refusal? WhyNotPublishable(Assessment assessment)
    {
        if (assessment.Status is not (AssessmentStatus.SignedOff or AssessmentStatus.SignedOffWithConditions))
        {
            return Outcome.Conflict(
                $"{assessment.Reference} is {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}. Only a signed-off assessment can be published to the register: publish it once the CCIO has signed it off.");
        }

        return assessment.ProductVersionId is null
            ? Outcome.Conflict(
                $"{assessment.Reference} does not name the product version it is about, and the register lists product versions. "
                + "The product version is chosen when an assessment starts, from the supplier's products: to publish, assess the product version in an assessment that names it.")
            : null;
    }

    private async Task<bool> IsPublishedAsync(int assessmentId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.RegisterPublications.AnyAsync(p => p.AssessmentId == assessmentId && p.WithdrawnAt == null, cancellationToken);
    }

    private static Refusal AlreadyPublished(Assessment assessment) =>
        Outcome.Conflict($"{assessment.Reference} is already on the public register.");

    private static string Busy(Assessment assessment) =>
        $"{assessment.Reference} was not published because something changed at the same moment. Try again.";
}
