using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Components.Shared;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.EvidencePacks;
using Portal.Features.Assessments;
using Portal.Features.Audit;
using Portal.Features.Evidence;

namespace Portal.Features.EvidencePacks;

/// <summary>
/// Fills a supplier's answers in an assessment from the evidence pack of the product version it names, when the pack
/// is shared with the assessing organisation now. Only answers and evidence travel, one way, with their provenance;
/// nothing of any organisation's review, notes or sign-off is read here. Answers the supplier already gave are kept.
/// </summary>
public sealed class PackFillService(
    IDbContextFactory<PortalDbContext> contexts,
    IEvidenceStore store,
    IOptions<EvidenceOptions> options,
    TimeProvider clock)
{
    /// <summary>The pack the assessment can be filled from, for its supplier while it waits for them; null otherwise.</summary>
    public async Task<FillOffer?> FindOfferAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.AsNoTracking().VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null || !AssessmentVisibility.IsSupplierOf(caller, assessment) || assessment.Status != AssessmentStatus.AwaitingSupplier)
        {
            return null;
        }

        return (await SharedPackAsync(db, assessment, cancellationToken))?.Offer;
    }

    /// <summary>
    /// Copies the pack's answers and evidence into every in-scope requirement that has no answer yet, with the pack's
    /// revision and date as provenance. A requirement the pack does not answer, or whose wording differs between the
    /// pack's catalogue version and the assessment's, is listed to answer; one the supplier already answered is kept.
    /// </summary>
    public async Task<Outcome<FillResult>> FillAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return Outcome.NotFound($"Assessment {assessmentId} does not exist, or you may not see it.");
        }

        if (!AssessmentVisibility.IsSupplierOf(caller, assessment))
        {
            return Outcome.Forbidden("Only the supplier's account managers fill an assessment from their evidence pack.");
        }

        if (assessment.Status != AssessmentStatus.AwaitingSupplier)
        {
            return Outcome.Conflict($"{assessment.Reference} is {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}; it can be filled from a pack only while it waits for your answers.");
        }

        if (assessment.ProductVersionId is null)
        {
            return Outcome.Conflict($"{assessment.Reference} does not name a product version, so no evidence pack applies. Ask the procurement officer which version it is about.");
        }

        var shared = await SharedPackAsync(db, assessment, cancellationToken);
        if (shared is null)
        {
            var organisation = await db.NhsOrganisations.Where(o => o.Id == assessment.NhsOrganisationId).Select(o => o.Name).SingleAsync(cancellationToken);
            return Outcome.Conflict($"No evidence pack for this product version is shared with {organisation} (a share may have been withdrawn). Share the pack with them first; nothing was filled.");
        }

        var offer = shared.Offer;

        var requirements = await db.AssessmentRequirements.AsNoTracking()
            .Where(r => r.AssessmentId == assessmentId && r.InScope).OrderBy(r => r.Order)
            .Select(r => new { r.Id, r.Code, r.PolicyRequirement!.Title, r.PolicyRequirement.Statement })
            .ToListAsync(cancellationToken);
        var packWording = await db.PolicyRequirements.AsNoTracking()
            .Where(r => r.FrameworkVersionId == db.EvidencePacks.Where(p => p.Id == offer.PackId).Select(p => p.FrameworkVersionId).Single())
            .ToDictionaryAsync(r => r.Code, r => r.Statement, StringComparer.Ordinal, cancellationToken);
        var answers = await db.EvidencePackAnswers.AsNoTracking().Where(a => a.EvidencePackId == offer.PackId && a.Claim != null).Include(a => a.Evidence)
            .ToDictionaryAsync(a => a.Code, StringComparer.Ordinal, cancellationToken);
        var responses = await db.RequirementResponses.Where(r => r.AssessmentId == assessmentId).Include(r => r.Evidence)
            .ToDictionaryAsync(r => r.AssessmentRequirementId, cancellationToken);

        var filled = new List<string>();
        var kept = new List<string>();
        var toAnswer = new List<FillGap>();
        var copies = new List<(EvidencePackItemCopy From, EvidenceItem To)>();
        foreach (var requirement in requirements)
        {
            var response = responses.GetValueOrDefault(requirement.Id);
            if (response is not null && HasAnswer(response))
            {
                kept.Add(requirement.Code);
                continue;
            }

            // The same code in another catalogue version is the same requirement only if its wording is the same.
            if (!answers.TryGetValue(requirement.Code, out var answer) || packWording.GetValueOrDefault(requirement.Code) != requirement.Statement)
            {
                toAnswer.Add(new(requirement.Code, requirement.Title));
                continue;
            }

            if (response is null)
            {
                response = new RequirementResponse { AssessmentId = assessmentId, AssessmentRequirementId = requirement.Id };
                db.RequirementResponses.Add(response);
            }

            response.Claim = answer.Claim;
            response.Narrative = answer.Narrative;
            response.NotApplicableJustification = answer.NotApplicableJustification;
            response.PlannedDate = answer.PlannedDate;
            response.Plan = answer.Plan;
            response.CopiedFromPackId = offer.PackId;
            response.CopiedFromPackRevision = offer.Revision;
            response.CopiedFromPackRevisedAt = offer.RevisedAt;
            response.Touch(now, caller.UserId, caller.DisplayName);
            foreach (var evidence in answer.Evidence.OrderBy(e => e.AddedAt).ThenBy(e => e.Id))
            {
                // An answer cleared and filled again keeps the evidence it still has: the pack's copy is not added twice.
                if (response.Evidence.Any(e => e.Kind == evidence.Kind && (evidence.StoredName is null
                        ? e.StoredName is null && string.Equals(e.Url, evidence.Url, StringComparison.Ordinal)
                        : e.StoredName is not null && string.Equals(e.Sha256, evidence.Sha256, StringComparison.OrdinalIgnoreCase))))
                {
                    continue;
                }

                var item = new EvidenceItem
                {
                    AssessmentId = assessmentId,
                    Kind = evidence.Kind,
                    Title = evidence.Title,
                    Url = evidence.Url,
                    FileName = evidence.FileName,
                    ContentType = evidence.ContentType,
                    SizeBytes = evidence.SizeBytes,
                    Sha256 = evidence.Sha256,
                    EvidenceDate = evidence.EvidenceDate,
                    ValidUntil = evidence.ValidUntil,
                    AddedAt = now,
                    AddedByUserId = caller.UserId,
                    CopiedFromPackId = offer.PackId,
                    CopiedFromPackRevision = offer.Revision,
                    CopiedFromPackRevisedAt = offer.RevisedAt,
                };
                response.Evidence.Add(item);
                if (evidence.StoredName is not null)
                {
                    copies.Add((new(evidence.StoredName, evidence.Sha256!), item));
                }
            }

            filled.Add(requirement.Code);
        }

        var limits = options.Value;
        var adding = copies.Sum(c => c.To.SizeBytes ?? 0);
        if (adding > 0)
        {
            var used = await db.EvidenceItems.Where(e => e.AssessmentId == assessmentId).SumAsync(e => e.SizeBytes ?? 0, cancellationToken);
            if (used + adding > limits.AssessmentQuotaBytes)
            {
                return Outcome.Invalid($"The pack's documents ({EvidenceWorkspaceService.Megabytes(adding)}) would take {assessment.Reference} past its "
                    + $"{EvidenceWorkspaceService.Megabytes(limits.AssessmentQuotaBytes)} limit; nothing was filled. Replace large documents in the pack with links.");
            }
        }

        var result = new FillResult(offer.PackId, offer.Revision, offer.RevisedAt, filled, kept, toAnswer);
        var message = Message(result);
        if (filled.Count == 0)
        {
            return Outcome.Done(result, message);
        }

        // Each assessment owns its documents, so a pack's document is copied through the store (DocumentCopies) and
        // promoted only once the rows commit.
        var documents = new DocumentCopies(store);
        var saving = false;
        try
        {
            foreach (var (from, to) in copies)
            {
                if (await documents.TryCopyAsync(from.StoredName, from.Sha256, cancellationToken) is not { } copied)
                {
                    await documents.DiscardAsync();
                    return Outcome.Conflict("A document in the pack could not be read intact, so nothing was filled. Upload the document to the pack again.");
                }

                to.StoredName = copied;
            }

            // The pack and its share are read above and the copy takes a while (documents go through the store): a
            // withdrawal or a change to the pack in between must stop the fill, or a withdrawn pack would still fill
            // and the provenance name a revision the copy did not come from. Writing the pack's stamp back unchanged
            // makes the save's transaction check it: withdrawal, sharing and every revision change the stamp.
            var packCheck = new EvidencePack { Id = offer.PackId, ConcurrencyStamp = shared.Stamp };
            db.EvidencePacks.Attach(packCheck);
            db.Entry(packCheck).Property(p => p.ConcurrencyStamp).IsModified = true;
            AuditTrail.Record(db, caller, now, "AssessmentFilledFromPack", nameof(Assessment), assessment.Reference,
                $"{caller.DisplayName} filled {Counted.Of(filled.Count, "requirement")} of {assessment.Reference} from the evidence pack for {offer.Name}, {offer.RevisionText}"
                + $"{(kept.Count == 0 ? "" : $"; kept {Counted.Of(kept.Count, "answer")} already given")}; {toAnswer.Count} still to answer.",
                after: $"pack {offer.PackId} v{offer.Revision}", assessmentId: assessmentId);
            Refusal? stale;
            saving = true;
            try
            {
                stale = await db.SaveCommandAsync(FillStaleMessage(assessment.Reference), cancellationToken);
            }
            catch (DbUpdateException)
            {
                stale = Outcome.Stale(FillStaleMessage(assessment.Reference));
            }

            if (stale is not null)
            {
                await documents.DiscardAsync();
                return stale;
            }
        }
        catch when (!saving)
        {
            // Nothing was saved. A save that failed or was cancelled may still have committed: its copies stay pending for the sweep.
            await documents.DiscardAsync();
            throw;
        }

        await documents.PromoteAsync();
        return Outcome.Done(result, message);
    }

    public static string Message(FillResult result)
    {
        var from = PackProvenance.Text(result.Revision, result.RevisedAt);
        var filled = result.Filled.Count == 0
            ? $"Nothing was filled {from}"
            : $"Filled {Counted.Of(result.Filled.Count, "requirement")} {from}";
        var gaps = result.ToAnswer.Count == 0
            ? ""
            : $"; {result.ToAnswer.Count} {(result.ToAnswer.Count == 1 ? "needs" : "need")} an answer: {string.Join(", ", result.ToAnswer.Select(g => g.Code))}";
        var kept = result.Kept.Count == 0
            ? ""
            : $". {Counted.Of(result.Kept.Count, "answer")} you had already given {(result.Kept.Count == 1 ? "was" : "were")} kept, not overwritten";
        return $"{filled}{gaps}{kept}.";
    }

    private static string FillStaleMessage(string reference) =>
        $"The answers in {reference}, the evidence pack or its sharing changed while the pack was being copied; nothing was filled. Try again.";

    private static bool HasAnswer(RequirementResponse r) =>
        r.Claim is not null || r.Narrative is not null || r.NotApplicableJustification is not null || r.PlannedDate is not null || r.Plan is not null;

    /// <summary>
    /// The pack of the assessment's product version shared now with its organisation: the one on the assessment's own
    /// catalogue version if there is one, else the most recently revised.
    /// </summary>
    private static async Task<SharedPack?> SharedPackAsync(PortalDbContext db, Assessment assessment, CancellationToken cancellationToken) =>
        assessment.ProductVersionId is null
            ? null
            : await db.EvidencePacks.AsNoTracking()
                .Where(p => p.ProductVersionId == assessment.ProductVersionId
                    // Only the assessment's own supplier's pack, whatever route set the product version.
                    && p.ProductVersion!.Product!.SupplierId == assessment.SupplierId
                    && p.Shares.Any(s => s.NhsOrganisationId == assessment.NhsOrganisationId && s.WithdrawnAt == null))
                .OrderByDescending(p => p.FrameworkVersionId == assessment.FrameworkVersionId).ThenByDescending(p => p.RevisedAt)
                .Select(p => new SharedPack(new FillOffer(p.Id, p.ProductVersion!.Product!.Name + " " + p.ProductVersion.Label, p.Revision, p.RevisedAt,
                    p.FrameworkVersionId == assessment.FrameworkVersionId), p.ConcurrencyStamp))
                .FirstOrDefaultAsync(cancellationToken);

    private sealed record SharedPack(FillOffer Offer, Guid Stamp);

    private sealed record EvidencePackItemCopy(string StoredName, string Sha256);
}
