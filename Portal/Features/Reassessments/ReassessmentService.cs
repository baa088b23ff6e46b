using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Components.Shared;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Reviews;
using Portal.Data.Users;
using Portal.Features.Assessments;
using Portal.Features.Audit;
using Portal.Features.Evidence;
using Portal.Features.Policy;

namespace Portal.Features.Reassessments;

/// <summary>A signed-off assessment a reassessment can start from.</summary>
public sealed record ReassessmentSource(int Id, string Reference, string SystemName, int? SupplierId, string? SupplierName, string? Product, DateTime SignedOffAt);

/// <summary>A product version of the same supplier the reassessment can be about.</summary>
public sealed record ReassessmentVersion(int Id, string Name);

/// <summary>A reopened requirement of a reassessment, and why.</summary>
public sealed record ReopenedRequirement(string Code, string Title, string Reason);

/// <summary>
/// What a reassessment carried forward, for the NHS staff who review and sign it off: the reassessed assessment, how many
/// answers carried forward (and how many of those still have the carried review outcome), and each reopened requirement.
/// </summary>
public sealed record CarryForwardSummary(
    string SourceReference, int SourceId, DateTime? SignedOffAt, bool CarriedForward, int Carried, int OutcomesStillCarried, IReadOnlyList<ReopenedRequirement> Reopened);

/// <summary>What carrying forward did, per requirement code.</summary>
public sealed record CarryForwardResult(IReadOnlyList<string> CarriedForward, IReadOnlyList<CarryForwardDecision> Reopened, IReadOnlyList<string> New);

/// <summary>
/// Upgrade reassessment: a new draft that starts from one of the organisation's signed-off assessments (on the upgrade
/// route, or for a new product version of the same supplier), and, when the supplier is invited, carries forward the
/// answers whose evidence and wording have not changed, reopening the rest with the reason.
/// </summary>
public sealed class ReassessmentService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    private const string OfficersOnly = "Only a procurement officer of the assessing NHS organisation can start a reassessment.";

    /// <summary>The caller's organisation's signed-off assessments, newest sign-off first; of one supplier when given.</summary>
    public async Task<IReadOnlyList<ReassessmentSource>> ListSourcesAsync(Caller caller, int? supplierId = null, CancellationToken cancellationToken = default)
    {
        if (!IsOfficer(caller))
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await SignedOff(db, caller)
            .Where(a => supplierId == null || a.SupplierId == supplierId)
            .Select(a => new
            {
                a.Id, a.SystemName, a.SupplierId, Supplier = a.Supplier!.Name, a.ProductName, a.ProductVersion,
                SignedAt = db.SignOffs.Where(s => s.AssessmentId == a.Id && !s.IsVoid).Max(s => (DateTime?)s.SignedAt),
            })
            .OrderByDescending(a => a.SignedAt).Take(50)
            .ToListAsync(cancellationToken);
        return rows.Select(a => new ReassessmentSource(
            a.Id, Assessment.ReferenceOf(a.Id), a.SystemName, a.SupplierId, a.Supplier,
            $"{a.ProductName} {a.ProductVersion}".Trim() is { Length: > 0 } product ? product : null, a.SignedAt ?? DateTime.MinValue)).ToList();
    }

    /// <summary>The product versions of the signed-off assessment's supplier a reassessment can name; empty when the caller may not start one.</summary>
    public async Task<IReadOnlyList<ReassessmentVersion>> ListVersionsAsync(Caller caller, int sourceId, CancellationToken cancellationToken = default)
    {
        if (!IsOfficer(caller))
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var supplierId = await SignedOff(db, caller).Where(a => a.Id == sourceId).Select(a => a.SupplierId).SingleOrDefaultAsync(cancellationToken);
        return supplierId is null
            ? []
            : await db.ProductVersions.AsNoTracking().Where(v => v.Product!.SupplierId == supplierId)
                .OrderBy(v => v.Product!.Name).ThenByDescending(v => v.ReleaseDate).ThenByDescending(v => v.Id)
                .Select(v => new ReassessmentVersion(v.Id, v.Product!.Name + " " + v.Label)).ToListAsync(cancellationToken);
    }

    /// <summary>What the assessment carried forward, for its organisation's NHS staff; null when it reassesses nothing or the caller may not see it.</summary>
    public async Task<CarryForwardSummary?> GetSummaryAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.AsNoTracking().VisibleTo(caller).Where(a => a.Id == assessmentId && a.ReassessesAssessmentId != null)
            .Select(a => new { a.NhsOrganisationId, a.ReassessesAssessmentId, a.CarriedForwardAt }).SingleOrDefaultAsync(cancellationToken);
        if (assessment is null || !AssessmentVisibility.IsNhsStaffOf(caller, assessment.NhsOrganisationId))
        {
            return null;
        }

        var responses = await db.RequirementResponses.AsNoTracking()
            .Where(r => r.AssessmentId == assessmentId && r.CarriedFromAssessmentId != null)
            .Join(db.AssessmentRequirements, r => r.AssessmentRequirementId, a => a.Id, (r, a) => new { a.Code, a.Order, a.PolicyRequirement!.Title, r.ReopenedReason, r.CarriedFromSignedOffAt })
            .OrderBy(r => r.Order).ToListAsync(cancellationToken);
        var stillCarried = await db.ReviewDecisions.CountAsync(d => d.AssessmentId == assessmentId && d.CarriedFromAssessmentId != null, cancellationToken);
        var sourceId = assessment.ReassessesAssessmentId!.Value;
        return new CarryForwardSummary(
            Assessment.ReferenceOf(sourceId), sourceId, responses.Select(r => r.CarriedFromSignedOffAt).FirstOrDefault(r => r is not null),
            assessment.CarriedForwardAt is not null, responses.Count(r => r.ReopenedReason is null), stillCarried,
            responses.Where(r => r.ReopenedReason is not null).Select(r => new ReopenedRequirement(r.Code, r.Title, r.ReopenedReason!)).ToList());
    }

    /// <summary>
    /// Starts a draft reassessment of a signed-off assessment, on the current catalogue version and the upgrade route,
    /// prefilled with its system, supplier, product version (or <paramref name="productVersionId"/>, a version of the same
    /// supplier), conditions and functions. The officer still goes through the guided start. Gives back the new draft's id.
    /// One open reassessment per signed-off assessment: a second start, or two at once, is a conflict.
    /// </summary>
    public async Task<Outcome<int>> StartAsync(Caller caller, int sourceId, int? productVersionId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var source = await db.Assessments.VisibleTo(caller).Include(a => a.Functions).SingleOrDefaultAsync(a => a.Id == sourceId, cancellationToken);
        if (source is null)
        {
            return AssessmentService.NotFound(sourceId);
        }

        if (!IsOfficer(caller) || !AssessmentVisibility.IsOfficerOf(caller, source))
        {
            return Outcome.Forbidden(OfficersOnly);
        }

        if (source.Status is not (AssessmentStatus.SignedOff or AssessmentStatus.SignedOffWithConditions))
        {
            return Outcome.Conflict($"{source.Reference} is {AssessmentWorkflow.StatusName(source.Status).ToLowerInvariant()}; only a signed-off assessment can be reassessed.");
        }

        if (await OpenReassessmentAsync(db, source.Id, cancellationToken) is { } open)
        {
            return Outcome.Conflict($"{Assessment.ReferenceOf(open)} already reassesses {source.Reference}; carry on with it, or withdraw it first.");
        }

        var (productName, productVersion, versionId) = (source.ProductName, source.ProductVersion, source.ProductVersionId);
        if (productVersionId is not null)
        {
            var version = await db.ProductVersions.AsNoTracking()
                .Where(v => v.Id == productVersionId && v.Product!.SupplierId == source.SupplierId)
                .Select(v => new { v.Id, v.Label, v.Product!.Name }).SingleOrDefaultAsync(cancellationToken);
            if (version is null)
            {
                return Outcome.Invalid($"Choose a product version of {source.Reference}'s supplier.", "productVersionId");
            }

            (productName, productVersion, versionId) = (version.Name, version.Label, version.Id);
        }

        var catalogue = await PolicyCatalogueService.CurrentVersionIdAsync(db, cancellationToken);
        if (catalogue is null)
        {
            return Outcome.Conflict("No version of the policy catalogue is published yet; ask an administrator to publish one.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now.InPortalTime());
        var loadedStamp = source.ConcurrencyStamp;
        Assessment NewDraft() => new()
        {
            NhsOrganisationId = source.NhsOrganisationId,
            CreatedByUserId = caller.UserId,
            FrameworkVersionId = catalogue.Value,
            Route = AssessmentRoute.Upgrade,
            Conditions = source.Conditions,
            ConditionsConfirmed = source.ConditionsConfirmed,
            SystemName = source.SystemName,
            SupplierId = source.SupplierId,
            ProductName = productName,
            ProductVersion = productVersion,
            ProductVersionId = versionId,
            Description = source.Description,
            // A renewal date still ahead is the upgrade's too; one that has passed would only be an error to correct.
            ContractDate = source.ContractDate > today ? source.ContractDate : null,
            ReassessesAssessmentId = source.Id,
            StartStepReached = (int)StartStep.Route,
            CreatedAt = now,
            UpdatedAt = now,
            Functions = source.Functions.OrderBy(f => f.Order).Select(f => new SignificantFunction { Order = f.Order, Name = f.Name, Description = f.Description }).ToList(),
        };

        // The draft and its audit event commit together (the event names the draft's reference, so the draft is saved
        // first, inside one transaction); SQL Server's retrying strategy runs the whole unit again.
        Refusal? refused = null;
        Assessment draft = default!;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            draft = NewDraft();
            await AssessmentStartService.ApplyScopeAsync(db, draft, cancellationToken);
            db.Assessments.Add(draft);
            // The source's stamp moves with the start, so two starts at once cannot both pass the check above.
            source.ConcurrencyStamp = loadedStamp;
            db.Assessments.Attach(source);
            source.Touch(now);
            refused = await db.SaveCommandAsync($"Someone else started a reassessment of {source.Reference} at the same moment. Open {source.Reference} again to find it.", cancellationToken);
            if (refused is not null)
            {
                return;
            }

            AuditTrail.Record(db, caller, now, "ReassessmentStarted", nameof(Assessment), draft.Reference,
                $"Started {draft.Reference}, a reassessment of {source.Reference} ({source.SystemName}{(productVersionId is null ? "" : $", {productName} {productVersion}")}).",
                after: source.Reference, assessmentId: draft.Id);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        });
        if (refused is not null)
        {
            return refused;
        }

        return Outcome.Done(draft.Id, $"Started {draft.Reference}, a reassessment of {source.Reference}. Go through the guided start, then invite the supplier.");
    }

    /// <summary>
    /// Names (or, with null, stops naming) the signed-off assessment a draft on the upgrade route reassesses: the start
    /// wizard's choice. Only the organisation's own signed-off assessments of the draft's supplier.
    /// </summary>
    public async Task<Outcome> ChooseSourceAsync(Caller caller, int assessmentId, int? sourceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var draft = await db.Assessments.VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (draft is null)
        {
            return AssessmentService.NotFound(assessmentId);
        }

        if (!IsOfficer(caller) || !AssessmentVisibility.IsOfficerOf(caller, draft))
        {
            return Outcome.Forbidden(OfficersOnly);
        }

        if (draft.Status != AssessmentStatus.Draft)
        {
            return Outcome.Conflict($"{draft.Reference} is no longer a draft; what it reassesses cannot change.");
        }

        if (sourceId is not null && draft.Route != AssessmentRoute.Upgrade)
        {
            return Outcome.Invalid("Only an assessment on the upgrade route reassesses an earlier one.", "sourceId");
        }

        var source = sourceId is null ? null : await SignedOff(db, caller).Include(a => a.Functions).SingleOrDefaultAsync(a => a.Id == sourceId, cancellationToken);
        if (sourceId is not null && (source is null || (draft.SupplierId is not null && source.SupplierId != draft.SupplierId)))
        {
            return Outcome.Invalid("Choose one of your organisation's signed-off assessments of the same supplier.", "sourceId");
        }

        if (draft.ReassessesAssessmentId == sourceId)
        {
            return Outcome.Done();
        }

        if (source is not null && await OpenReassessmentAsync(db, source.Id, cancellationToken, except: draft.Id) is { } open)
        {
            return Outcome.Invalid($"{Assessment.ReferenceOf(open)} already reassesses {source.Reference}; carry on with it, or withdraw it first.", "sourceId");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var before = draft.ReassessesAssessmentId is { } was ? Assessment.ReferenceOf(was) : null;
        draft.ReassessesAssessmentId = sourceId;
        if (source is not null && draft.SupplierId is null)
        {
            // Nothing typed is overwritten: only an empty system step is filled from the reassessed assessment.
            draft.SupplierId = source.SupplierId;
            draft.SystemName = string.IsNullOrEmpty(draft.SystemName) ? source.SystemName : draft.SystemName;
            draft.ProductName ??= source.ProductName;
            draft.ProductVersion ??= source.ProductVersion;
            draft.ProductVersionId ??= source.ProductVersionId;
            draft.Description ??= source.Description;
        }

        draft.Touch(now);
        if (source is not null)
        {
            // As a start does: the source's stamp moves, so two drafts naming it at once cannot both pass the check above.
            var stamp = source.ConcurrencyStamp;
            db.Assessments.Attach(source);
            db.Entry(source).Property(a => a.ConcurrencyStamp).OriginalValue = stamp;
            source.Touch(now);
        }

        AuditTrail.Record(db, caller, now, "ReassessedAssessmentChosen", nameof(Assessment), draft.Reference,
            source is null ? $"{draft.Reference} no longer reassesses {before}." : $"{draft.Reference} reassesses {source.Reference}.",
            before, source?.Reference, draft.Id);
        return await db.SaveCommandAsync($"Someone else changed {draft.Reference} at the same moment. Open it again, then choose.", cancellationToken) is { } stale
            ? stale
            : Outcome.Done(source is null ? "It reassesses no earlier assessment." : $"It reassesses {source.Reference}.");
    }

    /// <summary>
    /// Carries the reassessed assessment's answers forward into a reassessment whose scope is now final (the supplier is
    /// being invited): each in-scope requirement answered there is carried forward with its evidence and review outcome,
    /// or reopened with the reason (<see cref="CarryForwardRules"/>). Adds to the caller's unit of work, so the copy
    /// commits with the invitation or not at all; does nothing for an assessment that reassesses none or was carried
    /// forward already. Internal review notes, comments and the sign-off are never copied. Documents are copied through
    /// the store into <paramref name="documents"/>, which the caller promotes once its save commits or discards if not;
    /// a document that cannot be read intact is left behind and its requirement reopens, saying so.
    /// </summary>
    public static async Task<CarryForwardResult?> CarryForwardAsync(
        PortalDbContext db, Caller caller, Assessment assessment, DateTime now, DocumentCopies documents, CancellationToken cancellationToken)
    {
        if (assessment.ReassessesAssessmentId is not { } sourceId || assessment.CarriedForwardAt is not null
            || await db.RequirementResponses.AnyAsync(r => r.AssessmentId == assessment.Id && r.CarriedFromAssessmentId != null, cancellationToken))
        {
            return null;
        }

        // Only from an assessment still signed off: one reopened (its sign-off void) since the draft named it carries nothing.
        var stillSignedOff = await db.Assessments.AsNoTracking().AnyAsync(a => a.Id == sourceId
            && (a.Status == AssessmentStatus.SignedOff || a.Status == AssessmentStatus.SignedOffWithConditions), cancellationToken);
        var signedAt = stillSignedOff
            ? await db.SignOffs.AsNoTracking().Where(s => s.AssessmentId == sourceId && !s.IsVoid).MaxAsync(s => (DateTime?)s.SignedAt, cancellationToken)
            : null;
        if (signedAt is null)
        {
            return null;
        }

        var sourceReference = Assessment.ReferenceOf(sourceId);
        var targets = await db.AssessmentRequirements.AsNoTracking()
            .Where(r => r.AssessmentId == assessment.Id && r.InScope).OrderBy(r => r.Order)
            .Select(r => new { r.Id, r.Code, r.PolicyRequirement!.Statement })
            .ToListAsync(cancellationToken);
        var sourceRequirements = await db.AssessmentRequirements.AsNoTracking()
            .Where(r => r.AssessmentId == sourceId && r.InScope)
            .Select(r => new { r.Id, r.Code, r.PolicyRequirement!.Statement })
            .ToDictionaryAsync(r => r.Code, StringComparer.Ordinal, cancellationToken);
        var responses = await db.RequirementResponses.AsNoTracking().Where(r => r.AssessmentId == sourceId).Include(r => r.Evidence)
            .ToDictionaryAsync(r => r.AssessmentRequirementId, cancellationToken);
        var decisions = await db.ReviewDecisions.AsNoTracking().Where(d => d.AssessmentId == sourceId)
            .ToDictionaryAsync(d => d.AssessmentRequirementId, cancellationToken);
        var checks = (await db.LinkChecks.AsNoTracking()
                .Where(c => c.AssessmentId == sourceId && c.CheckedAt != null)
                .Select(c => new { c.Id, c.EvidenceItemId, c.CheckedAt, c.Outcome, c.Sha256, c.Drift })
                .ToListAsync(cancellationToken))
            .ToLookup(c => c.EvidenceItemId);
        var existing = await db.RequirementResponses.Where(r => r.AssessmentId == assessment.Id).Select(r => r.AssessmentRequirementId)
            .ToHashSetAsync(cancellationToken);

        var carried = new List<string>();
        var reopened = new List<CarryForwardDecision>();
        var fresh = new List<string>();
        var today = DateOnly.FromDateTime(now.InPortalTime());
        foreach (var target in targets)
        {
            var from = sourceRequirements.GetValueOrDefault(target.Code);
            var response = from is null ? null : responses.GetValueOrDefault(from.Id);
            var answered = response is not null && response.IsAnswered && !existing.Contains(target.Id);
            // Each assessment owns its documents (removing evidence removes its file): an answer that is copied gets its own copies.
            var copiedNames = new Dictionary<int, string?>();
            if (answered)
            {
                foreach (var document in response!.Evidence.Where(e => e.StoredName is not null))
                {
                    copiedNames[document.Id] = await documents.TryCopyAsync(document.StoredName!, document.Sha256 ?? "", cancellationToken);
                }
            }

            var facts = new RequirementFacts(
                target.Code,
                answered,
                from is not null && !string.Equals(from.Statement, target.Statement, StringComparison.Ordinal),
                // A plan not yet closed whose date has passed (its own date; one tied to the contract date follows the new assessment's).
                response is { Claim: ComplianceClaim.WillMeetByDate, PlanDueOnContractDate: false, PlannedDate: { } planned } && planned < today
                    && response.ClosureState != Portal.Data.SignOffs.ClosureState.Accepted ? planned : null,
                response?.Evidence.Select(e =>
                {
                    var read = checks[e.Id].Where(c => c.Sha256 != null && c.Outcome is LinkCheckOutcome.Passed or LinkCheckOutcome.Findings)
                        .OrderByDescending(c => c.CheckedAt).ThenByDescending(c => c.Id).ToList();
                    var latest = checks[e.Id].OrderByDescending(c => c.CheckedAt).ThenByDescending(c => c.Id).FirstOrDefault();
                    return new EvidenceFact(e.Title, e.IsDocument, e.AddedAt, e.ValidUntil,
                        read.FirstOrDefault(c => c.CheckedAt <= signedAt)?.Sha256, read.FirstOrDefault()?.Sha256, latest?.Drift,
                        Unreadable: copiedNames.TryGetValue(e.Id, out var copied) && copied is null);
                }).ToList() ?? []);
            var decision = CarryForwardRules.Decide(facts, signedAt.Value, today);
            if (decision.Kind == CarryForwardKind.New)
            {
                fresh.Add(target.Code);
                continue;
            }

            var copy = new RequirementResponse
            {
                AssessmentId = assessment.Id,
                AssessmentRequirementId = target.Id,
                // A reopened answer keeps its words and evidence as a starting point, but no claim: the supplier answers afresh.
                Claim = decision.Kind == CarryForwardKind.CarryForward ? response!.Claim : null,
                Narrative = response!.Narrative,
                NotApplicableJustification = response.NotApplicableJustification,
                PlannedDate = response.PlannedDate,
                Plan = response.Plan,
                // A plan the officer tied to the contract date stays tied; a plan already closed stays closed.
                PlanDueOnContractDate = response.PlanDueOnContractDate,
                ClosureState = decision.Kind == CarryForwardKind.CarryForward ? response.ClosureState : default,
                ClosureNote = decision.Kind == CarryForwardKind.CarryForward ? response.ClosureNote : null,
                ClosureLink = decision.Kind == CarryForwardKind.CarryForward ? response.ClosureLink : null,
                ClosureMarkedAt = decision.Kind == CarryForwardKind.CarryForward ? response.ClosureMarkedAt : null,
                ClosureMarkedBy = decision.Kind == CarryForwardKind.CarryForward ? response.ClosureMarkedBy : null,
                ClosureDecidedAt = decision.Kind == CarryForwardKind.CarryForward ? response.ClosureDecidedAt : null,
                ClosureDecidedBy = decision.Kind == CarryForwardKind.CarryForward ? response.ClosureDecidedBy : null,
                CarriedFromAssessmentId = sourceId,
                CarriedFromSignedOffAt = signedAt,
                ReopenedReason = decision.Kind == CarryForwardKind.Reopen ? Shorten(decision.ReasonText!, 2000) : null,
            };
            copy.Touch(now, caller.UserId, caller.DisplayName);
            // A document is the copy made above (one that could not be read is left behind; its reason says so).
            copy.Evidence.AddRange(response.Evidence.Where(e => e.StoredName is null || copiedNames.GetValueOrDefault(e.Id) is not null)
                .OrderBy(e => e.AddedAt).ThenBy(e => e.Id).Select(e => new EvidenceItem
            {
                AssessmentId = assessment.Id,
                Kind = e.Kind,
                Title = e.Title,
                Url = e.Url,
                StoredName = e.StoredName is null ? null : copiedNames[e.Id],
                FileName = e.FileName,
                ContentType = e.ContentType,
                SizeBytes = e.SizeBytes,
                Sha256 = e.Sha256,
                EvidenceDate = e.EvidenceDate,
                ValidUntil = e.ValidUntil,
                AddedAt = e.AddedAt,
                AddedByUserId = e.AddedByUserId,
                CarriedFromAssessmentId = sourceId,
            }));
            db.RequirementResponses.Add(copy);
            if (decision.Kind == CarryForwardKind.Reopen)
            {
                reopened.Add(decision);
                continue;
            }

            carried.Add(target.Code);
            if (decisions.GetValueOrDefault(from!.Id) is { Outcome: ReviewOutcome.Accepted or ReviewOutcome.Rejected } reviewed)
            {
                // The outcome and who decided it; never the note, which can hold what the supplier was not meant to read.
                db.ReviewDecisions.Add(new ReviewDecision
                {
                    AssessmentId = assessment.Id,
                    AssessmentRequirementId = target.Id,
                    Outcome = reviewed.Outcome,
                    DecidedByUserId = reviewed.DecidedByUserId,
                    DecidedByName = reviewed.DecidedByName,
                    DecidedAt = reviewed.DecidedAt,
                    CarriedFromAssessmentId = sourceId,
                });
            }
        }

        assessment.CarriedForwardAt = now;
        AuditTrail.Record(db, caller, now, "ReassessmentCarriedForward", nameof(Assessment), assessment.Reference,
            $"Carried forward {Counted.Of(carried.Count, "requirement")} from {sourceReference} (signed off {signedAt?.InPortalTime():d MMM yyyy}); reopened {reopened.Count}"
            + $"; {fresh.Count} new.",
            after: $"{sourceReference}; reopened: {string.Join(", ", reopened.Select(r => r.Code))}", assessmentId: assessment.Id);
        return new CarryForwardResult(carried, reopened, fresh);
    }

    private static IQueryable<Assessment> SignedOff(PortalDbContext db, Caller caller) =>
        db.Assessments.AsNoTracking().VisibleTo(caller)
            .Where(a => a.NhsOrganisationId == caller.NhsOrganisationId
                && (a.Status == AssessmentStatus.SignedOff || a.Status == AssessmentStatus.SignedOffWithConditions));

    private static async Task<int?> OpenReassessmentAsync(PortalDbContext db, int sourceId, CancellationToken cancellationToken, int? except = null) =>
        await db.Assessments.AsNoTracking()
            .Where(a => a.ReassessesAssessmentId == sourceId && a.Id != except && a.Status != AssessmentStatus.Withdrawn && a.Status != AssessmentStatus.Rejected
                && a.Status != AssessmentStatus.SignedOff && a.Status != AssessmentStatus.SignedOffWithConditions)
            .Select(a => (int?)a.Id).FirstOrDefaultAsync(cancellationToken);

    private static string Shorten(string text, int length) => text.Length > length ? text[..(length - 1)] + "…" : text;

    private static bool IsOfficer(Caller caller) => caller.IsInRole(PortalRoles.ProcurementOfficer) && caller.NhsOrganisationId is not null;
}
