using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Components.Shared;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Features.Assessments;
using Portal.Features.Audit;
using Portal.Features.Evidence.Inspection;
using Portal.Features.Notifications;
using Portal.Features.SignOffs;
using Portal.Data.Reviews;

namespace Portal.Features.Evidence;

/// <summary>
/// The supplier's evidence workspace: a response per in-scope requirement, evidence links and documents, the API
/// operation for each significant function, and submission. Suppliers change only their own assessments, and
/// only while the assessment waits for them; NHS staff of the assessing organisation may read.
/// </summary>
public sealed partial class EvidenceWorkspaceService(
    IDbContextFactory<PortalDbContext> contexts,
    IEvidenceStore store,
    IOptions<EvidenceOptions> options,
    TimeProvider clock,
    IMalwareScanner? scanner = null,
    ILogger<EvidenceWorkspaceService>? logger = null,
    LinkChecks.LinkCheckSignal? linkChecks = null)
{
    /// <summary>What clamd is told while it cannot be reached, or gives no verdict.</summary>
    public const string ScannerUnavailableMessage = "The virus scanner is not answering; your file was not added. Try again in a few minutes.";

    public async Task<WorkspaceView?> GetAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await LoadAsync(db, caller, assessmentId, null, cancellationToken);
    }

    /// <summary>One requirement as the workspace shows it, read afresh after a change, for the page and the API to show.</summary>
    private async Task<WorkspaceRequirement> FreshAsync(Caller caller, int assessmentId, string code, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return (await LoadAsync(db, caller, assessmentId, code, cancellationToken))!.Requirements.Single();
    }

    /// <summary>The workspace, or only the requirement <paramref name="onlyCode"/> (and no functions) when one is named.</summary>
    private static async Task<WorkspaceView?> LoadAsync(PortalDbContext db, Caller caller, int assessmentId, string? onlyCode, CancellationToken cancellationToken)
    {
        var assessment = await db.Assessments.AsNoTracking().VisibleTo(caller)
            .Where(a => a.Id == assessmentId)
            .Select(a => new { a.Id, a.SystemName, Organisation = a.NhsOrganisation!.Name, Supplier = a.Supplier!.Name, a.Status, a.ResponseDueDate, a.SupplierId })
            .SingleOrDefaultAsync(cancellationToken);
        if (assessment is null)
        {
            return null;
        }

        var requirements = await db.AssessmentRequirements.AsNoTracking()
            .Where(r => r.AssessmentId == assessmentId && r.InScope && (onlyCode == null || r.Code == onlyCode))
            .OrderBy(r => r.Order)
            .Select(r => new
            {
                r.Id,
                r.Code,
                r.Standing,
                r.PolicyRequirement!.SectionCode,
                r.PolicyRequirement.Title,
                r.PolicyRequirement.Statement,
                r.PolicyRequirement.Guidance,
                r.PolicyRequirement.Evidence,
                r.PolicyRequirement.Obligation,
                SectionTitle = db.PolicySections
                    .Where(s => s.FrameworkVersionId == r.PolicyRequirement.FrameworkVersionId && s.Code == r.PolicyRequirement.SectionCode)
                    .Select(s => s.Title).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var requirementIds = requirements.Select(r => r.Id).ToList();
        var responses = await db.RequirementResponses.AsNoTracking()
            .Where(r => r.AssessmentId == assessmentId && (onlyCode == null || requirementIds.Contains(r.AssessmentRequirementId)))
            .Include(r => r.Evidence)
            .ToDictionaryAsync(r => r.AssessmentRequirementId, cancellationToken);
        var functions = await db.SignificantFunctions.AsNoTracking()
            .Where(f => f.AssessmentId == assessmentId && onlyCode == null)
            .OrderBy(f => f.Order)
            .Select(f => new WorkspaceFunction(f.Id, f.Name, f.Description, f.ApiOperation, f.DocumentationUrl, f.ConcurrencyStamp))
            .ToListAsync(cancellationToken);

        var clarifications = await db.ReviewDecisions.AsNoTracking()
            .Where(d => d.AssessmentId == assessmentId && d.Outcome == ReviewOutcome.ClarificationRequested)
            .Where(d => onlyCode == null || requirementIds.Contains(d.AssessmentRequirementId))
            .ToDictionaryAsync(d => d.AssessmentRequirementId, d => d.Note, cancellationToken);
        var canEdit = caller.IsInRole(Data.Users.PortalRoles.SupplierAccountManager) && caller.SupplierId == assessment.SupplierId
            && IsOpenToSupplier(assessment.Status);
        return new WorkspaceView(
            assessment.Id,
            $"OAP-{assessment.Id:D5}",
            assessment.SystemName,
            assessment.Organisation,
            assessment.Supplier,
            assessment.Status,
            assessment.ResponseDueDate,
            canEdit,
            requirements.Select(r => new WorkspaceRequirement(
                r.Code, r.SectionCode, r.Title, r.Statement, r.Guidance, r.Evidence, r.Obligation, r.Standing,
                responses.TryGetValue(r.Id, out var response) ? View(response) : null,
                clarifications.GetValueOrDefault(r.Id),
                canEdit && (assessment.Status != AssessmentStatus.ClarificationRequested || clarifications.ContainsKey(r.Id)),
                r.SectionTitle)).ToList(),
            functions);
    }

    /// <summary>
    /// Saves the supplier's answer to one requirement over the version they read. A first answer needs no version;
    /// once there is an answer, a save over another version is stale and carries the other person's answer, unless
    /// it is word for word what is saved (text kept in the browser and saved again loses nothing).
    /// </summary>
    public async Task<Outcome<WorkspaceRequirement>> SaveResponseAsync(
        Caller caller, int assessmentId, string code, ResponseDraft draft, ReadVersion read, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (assessment, requirement, refusal) = await EditableRequirementAsync(db, caller, assessmentId, code, "answer requirements", cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var response = await db.RequirementResponses.Include(r => r.Evidence)
            .SingleOrDefaultAsync(r => r.AssessmentRequirementId == requirement!.Id, cancellationToken);
        // A response that holds no answer yet (made when evidence came first) has nothing anyone could lose.
        var hasAnswer = response is not null && (response.Claim is not null || response.Narrative is not null
            || response.NotApplicableJustification is not null || response.PlannedDate is not null || response.Plan is not null);
        if (!read.Permits(response?.ConcurrencyStamp ?? ReadVersion.Nothing, hasAnswer))
        {
            if (response!.Claim == draft.Claim && response.Narrative == TypedText.Tidy(draft.Narrative, 8000)
                && response.NotApplicableJustification == TypedText.Tidy(draft.NotApplicableJustification, 4000)
                && response.PlannedDate == draft.PlannedDate && response.Plan == TypedText.Tidy(draft.Plan, 4000))
            {
                return Outcome.Done(await FreshAsync(caller, assessmentId, code, cancellationToken));
            }

            return Outcome.Stale(
                $"The answer to {code} changed since you read it: {response.UpdatedByName} saved a different answer at {response.UpdatedAt.InPortalTime():HH:mm}.",
                await FreshAsync(caller, assessmentId, code, cancellationToken));
        }

        if (response is null)
        {
            response = new RequirementResponse { AssessmentId = assessmentId, AssessmentRequirementId = requirement!.Id };
            db.RequirementResponses.Add(response);
        }

        var before = response.Claim;
        var changed = Changes(response, draft);
        response.Claim = draft.Claim;
        response.Narrative = TypedText.Tidy(draft.Narrative, 8000);
        response.NotApplicableJustification = TypedText.Tidy(draft.NotApplicableJustification, 4000);
        response.PlannedDate = draft.PlannedDate;
        response.Plan = TypedText.Tidy(draft.Plan, 4000);
        if (changed.Count > 0 || before != draft.Claim)
        {
            // The answer is the supplier's own now, not what the pack said: "copied from pack" would mislead the reviewer.
            response.CopiedFromPackId = null;
            response.CopiedFromPackRevision = null;
            response.CopiedFromPackRevisedAt = null;
            await StopCarryingForwardAsync(db, response, cancellationToken);
        }

        response.Touch(now, caller.UserId, caller.DisplayName);
        // Before and after name the claim only when it changed; a changed narrative is said in words, so the trail
        // never shows "Meets" becoming "Meets".
        var claimChanged = before != draft.Claim;
        AuditTrail.Record(db, caller, now, "ResponseSaved", nameof(RequirementResponse), $"{assessment!.Reference}/{code}",
            $"Saved the answer to {code}: {AuditValues.Claim(draft.Claim)}{(changed.Count == 0 ? "" : $" ({string.Join(", ", changed)} changed)")}.",
            claimChanged ? before is null ? null : AuditValues.Claim(before) : null, claimChanged ? draft.Claim is null ? null : AuditValues.Claim(draft.Claim) : null, assessmentId);
        await VoidSignOffIfSignedAsync(db, caller, assessment, requirement!.Id, $"{caller.DisplayName} changed the answer to {code}.", now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone saved between our read and our write (a changed stamp, or a first answer created twice).
            var theirs = await FreshAsync(caller, assessmentId, code, cancellationToken);
            return Outcome.Stale($"The answer to {code} changed since you read it: {theirs.Response?.UpdatedBy ?? "someone"} saved a different answer at the same moment.", theirs);
        }

        return Outcome.Done(await FreshAsync(caller, assessmentId, code, cancellationToken));
    }

    /// <summary>
    /// Marks several requirements not applicable with one justification. Each is saved as its own answer through
    /// <see cref="SaveResponseAsync"/>, so each is checked against the version the person read and audited on its own.
    /// A requirement that already holds a different answer is skipped, never overwritten, and the result says why.
    /// </summary>
    public async Task<Outcome<BulkResult>> MarkNotApplicableAsync(
        Caller caller, int assessmentId, IReadOnlyList<BulkTarget> targets, string? justification, CancellationToken cancellationToken = default)
    {
        var why = TypedText.Tidy(justification, 4000);
        if (why is null)
        {
            return Outcome.Invalid("Say why these requirements do not apply to the system.", "justification");
        }

        var codes = targets.Select(t => t.Code).Distinct(StringComparer.Ordinal).ToList();
        if (codes.Count == 0)
        {
            return Outcome.Invalid("Choose at least one requirement to mark not applicable.");
        }

        Dictionary<string, ResponseDraft?> existing;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var (_, refusal) = await EditableAsync(db, caller, assessmentId, "answer requirements", cancellationToken);
            if (refusal is not null)
            {
                return refusal;
            }

            existing = await db.RequirementResponses.AsNoTracking()
                .Where(x => x.AssessmentId == assessmentId)
                .Join(db.AssessmentRequirements.Where(r => r.AssessmentId == assessmentId && codes.Contains(r.Code)), x => x.AssessmentRequirementId, r => r.Id,
                    (x, r) => new { r.Code, Answer = new ResponseDraft(x.Claim, x.Narrative, x.NotApplicableJustification, x.PlannedDate, x.Plan) })
                .ToDictionaryAsync(r => r.Code, r => (ResponseDraft?)r.Answer, cancellationToken);
        }

        var saved = new List<string>();
        var skipped = new List<BulkSkip>();
        foreach (var target in targets.DistinctBy(t => t.Code))
        {
            if (existing.GetValueOrDefault(target.Code) is { } answer && Different(answer, why))
            {
                skipped.Add(new(target.Code, answer.Claim switch
                {
                    ComplianceClaim.NotApplicable => "it is already not applicable with a different justification; open it to change that",
                    { } claim => $"it is already answered \"{ResponseEditor.ClaimName(claim)}\"; open it to change that answer",
                    null => "it already has text written in it; open it to choose a claim",
                }));
                continue;
            }

            var result = await SaveResponseAsync(caller, assessmentId, target.Code, new ResponseDraft(ComplianceClaim.NotApplicable, null, why, null, null), target.Read, cancellationToken);
            if (result.Succeeded)
            {
                saved.Add(target.Code);
            }
            else
            {
                skipped.Add(new(target.Code, result.Message ?? "it could not be saved"));
            }
        }

        var message = saved.Count == 0
            ? $"No requirement was marked not applicable: {(skipped.Count == 1 ? "the one chosen was" : $"all {skipped.Count} chosen were")} skipped."
            : $"Marked {Counted.Of(saved.Count, "requirement")} not applicable{(skipped.Count == 0 ? "." : $"; skipped {skipped.Count}.")}";
        return Outcome.Done(new BulkResult(saved, skipped), message);

        // Only an empty answer, or the same not-applicable answer again, may be given the shared justification.
        static bool Different(ResponseDraft answer, string why) =>
            !(answer.Claim is null && answer.Narrative is null && answer.NotApplicableJustification is null && answer.PlannedDate is null && answer.Plan is null)
            && !(answer.Claim == ComplianceClaim.NotApplicable && answer.NotApplicableJustification == why && answer.Narrative is null);
    }

    public async Task<Outcome<WorkspaceFunction>> SaveFunctionAsync(
        Caller caller, int assessmentId, int functionId, string? apiOperation, string? documentationUrl, ReadVersion read, CancellationToken cancellationToken = default)
    {
        var url = TypedText.Tidy(documentationUrl, 2000);
        if (url is not null && !IsWebAddress(url))
        {
            return Outcome.Invalid("Enter the documentation link as a full web address starting https:// or http://.", "documentationUrl");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (assessment, refusal) = await EditableAsync(db, caller, assessmentId, "record API operations", cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var function = await db.SignificantFunctions.SingleOrDefaultAsync(f => f.Id == functionId && f.AssessmentId == assessmentId, cancellationToken);
        if (function is null)
        {
            return Outcome.NotFound("That function is not part of this assessment.");
        }

        if (!read.Permits(function.ConcurrencyStamp, somethingToLose: true))
        {
            return Outcome.Stale($"Someone else changed the answer for {function.Name} while you were editing: reload to see it.", FunctionView(function));
        }

        function.ApiOperation = TypedText.Tidy(apiOperation, 500);
        function.DocumentationUrl = url;
        function.Touch(now);
        AuditTrail.Record(db, caller, now, "FunctionAnswered", nameof(SignificantFunction), $"{assessment!.Reference}/{function.Name}",
            $"Recorded the API operation for {function.Name}: {function.ApiOperation ?? "none"}.", after: function.ApiOperation, assessmentId: assessmentId);
        await VoidSignOffIfSignedAsync(db, caller, assessment, null, $"{caller.DisplayName} changed the API operation for {function.Name}.", now, cancellationToken);
        return await db.SaveCommandAsync($"Someone else changed the answer for {function.Name} at the same moment: reload to see it.", cancellationToken) is { } stale
            ? stale
            : Outcome.Done(FunctionView(function));
    }

    public async Task<Outcome<EvidenceChange>> AddLinkAsync(Caller caller, int assessmentId, string code, EvidenceInput input, CancellationToken cancellationToken = default)
    {
        var url = TypedText.Tidy(input.Url, 2000);
        if (url is null || !IsWebAddress(url))
        {
            return Outcome.Invalid("Enter the link as a full web address starting https:// or http://.", "url");
        }

        return await AddEvidenceAsync(caller, assessmentId, code, input, (item, _) =>
        {
            item.Url = url;
            return Task.FromResult<Refusal?>(null);
        }, cancellationToken);
    }

    /// <summary>
    /// Adds an uploaded document after checking its type against the allow-list by its bytes, its size and the
    /// assessment's quota. It is stored outside the web root under a generated name, with its SHA-256: first as a
    /// pending document (quarantine) while the malware scanner, when one is configured, reads it; only a clean document
    /// gets a row, and only once the row commits is the document promoted. A refusal or failure discards the pending
    /// document; a kill at any moment leaves at most a pending document with no row, which nothing shows and the
    /// <see cref="EvidenceSweep"/> removes.
    /// </summary>
    public async Task<Outcome<EvidenceChange>> AddDocumentAsync(
        Caller caller, int assessmentId, string code, EvidenceInput input, string fileName, Stream content, CancellationToken cancellationToken = default)
    {
        var limits = options.Value;
        var cleanName = DocumentTypes.CleanFileName(fileName);
        var type = DocumentTypes.ForFileName(cleanName);
        var refusal = DocumentRefusal(cleanName, type, content, limits);
        if (refusal is not null || type is null)
        {
            return await RefuseDocumentAsync(caller, assessmentId, code, cleanName, content, refusal!, cancellationToken);
        }

        string? pending = null;
        Outcome<EvidenceChange> added;
        try
        {
            added = await AddEvidenceAsync(caller, assessmentId, code, input, async (item, db) =>
            {
                // Every row with a document is a stored file (a removed document's file goes with its row), so the
                // rows' sizes are what the assessment holds.
                // Checked now, so a file past the quota is refused before it is stored and scanned, and again inside
                // the save, where two uploads at once see each other (each may fit alone but not both together).
                var size = content.Length;
                async Task<string?> PastQuotaAsync(PortalDbContext reading, CancellationToken token)
                {
                    var used = await reading.EvidenceItems.Where(e => e.AssessmentId == assessmentId).SumAsync(e => e.SizeBytes ?? 0, token);
                    return used + size > limits.AssessmentQuotaBytes
                        ? $"This assessment already holds {Megabytes(used)} of documents; adding {cleanName} would pass its {Megabytes(limits.AssessmentQuotaBytes)} limit. Link to large documents instead."
                        : null;
                }

                if (await PastQuotaAsync(db, cancellationToken) is { } pastQuota)
                {
                    return Outcome.Invalid(pastQuota, "file");
                }

                db.ChecksBeforeCommit.Add(async (saving, token) =>
                {
                    if (await PastQuotaAsync(saving, token) is { } pastQuotaNow)
                    {
                        throw new SaveRefusedException(pastQuotaNow, "file");
                    }
                });

                content.Position = 0;
                var stored = await store.SaveAsync(content, cancellationToken);
                pending = stored.StoredName;
                if (scanner is { Enabled: true })
                {
                    content.Position = 0;
                    var verdict = await scanner.ScanAsync(content, cancellationToken);
                    if (verdict.Result != ScanResult.Clean)
                    {
                        return await RefuseScannedAsync(caller, assessmentId, code, cleanName, stored.Sha256, verdict, cancellationToken);
                    }
                }

                item.StoredName = stored.StoredName;
                item.SizeBytes = stored.SizeBytes;
                item.Sha256 = stored.Sha256;
                item.FileName = cleanName;
                item.ContentType = type.ContentType;
                return (Refusal?)null;
            }, cancellationToken);
        }
        catch
        {
            await DiscardAsync(pending);
            throw;
        }

        if (pending is not null)
        {
            if (added.Succeeded)
            {
                // The row has committed: the document becomes visible. Should this fail, the sweep promotes it.
                await store.PromoteAsync(pending, CancellationToken.None);
            }
            else
            {
                await DiscardAsync(pending);
            }
        }

        return added;
    }

    /// <summary>
    /// Why a document may not be evidence (its type by name and by bytes, its size, what it holds), or null when it may:
    /// one rule for every place a supplier uploads a document.
    /// </summary>
    internal static string? DocumentRefusal(string cleanName, DocumentType? type, Stream content, EvidenceOptions limits) =>
        type is null ? $"{cleanName} is not a type the portal accepts. Upload one of: {DocumentTypes.AllowedExtensions}."
            : content.Length > limits.MaxFileBytes ? $"{cleanName} is {Megabytes(content.Length)}; a document may be at most {Megabytes(limits.MaxFileBytes)}."
            : !DocumentTypes.ContentMatches(type, content) ? $"{cleanName} is named as a {type.Name} but its contents are not one. Upload the real document."
            : DocumentInspector.Inspect(type, content) is { Accepted: false } verdict ? $"{cleanName} was not accepted. {verdict.Reason}"
            : null;

    /// <summary>
    /// Audits a document the scanner refused, or could not give a verdict on, in a unit of work of its own (the upload's
    /// is abandoned), and says why in words a supplier can act on.
    /// </summary>
    private async Task<Refusal> RefuseScannedAsync(
        Caller caller, int assessmentId, string code, string fileName, string sha256, ScanVerdict verdict, CancellationToken cancellationToken)
    {
        var infected = verdict.Result == ScanResult.Infected;
        if (!infected)
        {
            LogScannerUnavailable(logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<EvidenceWorkspaceService>.Instance, verdict.Finding);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        AuditTrail.Record(db, caller, clock.GetUtcNow().UtcDateTime, "DocumentRefused", nameof(EvidenceItem), $"OAP-{assessmentId:D5}/{code}",
            infected
                ? $"Refused the document {fileName} for {code}: the virus scanner found {verdict.Finding}."
                : $"Refused the document {fileName} for {code}: the virus scanner gave no verdict ({verdict.Finding}).",
            after: sha256, assessmentId: assessmentId);
        await db.SaveChangesAsync(cancellationToken);
        return infected
            ? Outcome.Invalid($"{fileName} was not added: the virus scanner found {verdict.Finding} in it. Check the file with your own anti-virus software, then upload a clean copy.", "file")
            : Outcome.Unavailable(ScannerUnavailableMessage);
    }

    /// <summary>Removes a pending or stored document after its row did not commit, or was removed; the sweep retries a failure.</summary>
    private async Task DiscardAsync(string? storedName)
    {
        if (storedName is null)
        {
            return;
        }

        try
        {
            await store.DeleteAsync(storedName, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<EvidenceWorkspaceService>.Instance, ex, storedName);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The virus scanner gave no verdict, so an upload was refused: {Reason}")]
    private static partial void LogScannerUnavailable(ILogger logger, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Evidence {EvidenceId}'s document was refused: its content is not what was uploaded. Restore it from the storage backup.")]
    private static partial void LogTampered(ILogger logger, Exception exception, int evidenceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the evidence document {StoredName}; the evidence sweep will remove it.")]
    private static partial void LogDeleteFailed(ILogger logger, Exception exception, string storedName);

    /// <summary>
    /// Refuses a document whose contents are not what they claim or could act on whoever opens them, and records the
    /// refusal (file, assessment, reason and the file's hash) in the audit trail; nothing of the document is kept.
    /// A caller who may not add evidence here gets that answer instead, so refusals cannot be used to write audit events.
    /// </summary>
    private async Task<Outcome<EvidenceChange>> RefuseDocumentAsync(
        Caller caller, int assessmentId, string code, string cleanName, Stream content, string message, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (assessment, _, refusal) = await EditableRequirementAsync(db, caller, assessmentId, code, "add evidence", cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        content.Position = 0;
        var sha256 = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(content, cancellationToken));
        content.Position = 0;
        AuditTrail.Record(db, caller, now, "DocumentRefused", nameof(EvidenceItem), $"{assessment!.Reference}/{code}",
            $"Refused a document as evidence for {code} of {assessment.Reference}: {message}", after: sha256, assessmentId: assessmentId);
        if (await db.SaveCommandAsync($"The answer to {code} changed while you uploaded {cleanName}. Look at it again.", cancellationToken) is { } stale)
        {
            return stale;
        }

        return Outcome.Invalid(message, "file");
    }

    /// <summary>Removes a link or document from its answer; the answer gets a new stamp, as it changed.</summary>
    public async Task<Outcome<EvidenceChange>> RemoveEvidenceAsync(Caller caller, int assessmentId, int evidenceId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (assessment, refusal) = await EditableAsync(db, caller, assessmentId, "remove evidence", cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var item = await db.EvidenceItems.SingleOrDefaultAsync(e => e.Id == evidenceId && e.AssessmentId == assessmentId, cancellationToken);
        if (item is null)
        {
            return Outcome.NotFound($"Evidence {evidenceId} of {assessment!.Reference} does not exist: it may have been removed already.");
        }

        var response = await db.RequirementResponses.SingleAsync(r => r.Id == item.RequirementResponseId, cancellationToken);
        var code = await db.AssessmentRequirements.Where(r => r.Id == response.AssessmentRequirementId).Select(r => r.Code).SingleAsync(cancellationToken);
        if (assessment!.Status == AssessmentStatus.ClarificationRequested
            && !await db.ReviewDecisions.AnyAsync(d => d.AssessmentRequirementId == response.AssessmentRequirementId && d.Outcome == ReviewOutcome.ClarificationRequested, cancellationToken))
        {
            return Outcome.Conflict($"Only the requirements with a clarification request can be changed now; {code} has none.");
        }

        var storedName = item.StoredName;
        db.EvidenceItems.Remove(item);
        await StopCarryingForwardAsync(db, response, cancellationToken);
        response.Touch(now, caller.UserId, caller.DisplayName);
        AuditTrail.Record(db, caller, now, "EvidenceRemoved", nameof(EvidenceItem), $"{assessment.Reference}/{item.Id}",
            $"Removed evidence '{item.Title}'.", item.Sha256 ?? item.Url, assessmentId: assessmentId);
        await VoidSignOffIfSignedAsync(db, caller, assessment, response.AssessmentRequirementId, $"{caller.DisplayName} removed the evidence '{item.Title}'.", now, cancellationToken);
        if (await db.SaveCommandAsync($"The answer to {code} changed while you removed the evidence. Look at it again.", cancellationToken) is { } stale)
        {
            return stale;
        }

        // The document goes with its row. Nothing in the portal could open it again, and a kept file that no longer
        // counts against the quota is how upload-and-remove filled the disk; the audit trail keeps its name and SHA-256.
        // A kill before this line leaves a file without a row, which the sweep removes. Every copy has its own file now
        // (DocumentCopies), but reassessments carried forward before December 2026 shared the file of the assessment they
        // came from, so the file stays while any row names it (an indexed look-up).
        if (storedName is not null && !await db.EvidenceItems.AnyAsync(e => e.StoredName == storedName, CancellationToken.None))
        {
            await DiscardAsync(storedName);
        }
        return Outcome.Done(new EvidenceChange(await FreshAsync(caller, assessmentId, code, cancellationToken), null), $"Removed '{item.Title}'.");
    }

    /// <summary>What is still unanswered in the workspace as it is now, so a "still needed" list can follow the answers.</summary>
    public static IReadOnlyList<MissingAnswer> Missing(WorkspaceView workspace) =>
        [.. workspace.Requirements.Where(r => !r.IsAnswered).Select(r => new MissingAnswer(r.Code, r.Title))
            .Concat(workspace.Functions.Where(f => !f.IsAnswered).Select(f => new MissingAnswer($"function-{f.Id}", $"API operation for {f.Name}")))];

    public static string StillNeeded(int count) => $"{count} {(count == 1 ? "answer is" : "answers are")} still needed before you can submit.";

    /// <summary>
    /// Submits when every in-scope requirement and significant function is answered. Otherwise the outcome is invalid
    /// and its problems are what is missing, keyed by requirement id (or "function-{id}"), each with its title.
    /// </summary>
    public async Task<Outcome> SubmitAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        var workspace = await GetAsync(caller, assessmentId, cancellationToken);
        if (workspace is null)
        {
            return Outcome.NotFound($"Assessment {assessmentId} does not exist, or you may not see it.");
        }

        if (!workspace.CanEdit)
        {
            return AssessmentVisibility.IsNhsStaff(caller) || !caller.IsInRole(Data.Users.PortalRoles.SupplierAccountManager)
                ? Outcome.Forbidden("Only the supplier's account managers can submit this assessment.")
                : Outcome.Conflict($"The assessment is {AssessmentWorkflow.StatusName(workspace.Status).ToLowerInvariant()}; it can be submitted only while it waits for you.");
        }

        var missing = Missing(workspace);
        if (missing.Count > 0)
        {
            return Outcome.Invalid(missing.ToDictionary(m => m.Code, m => m.Title), StillNeeded(missing.Count));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.SingleAsync(a => a.Id == assessmentId, cancellationToken);
        var moved = await AssessmentTransitions.ApplyAsync(db, caller, assessment, WorkflowAction.Submit, now, ReadVersion.None,
            move => $"{caller.DisplayName} submitted {assessment.Reference} with {Counted.Of(workspace.Requirements.Count, "answer")}.",
            move => [new TransitionNotice(
                $"{assessment.Reference} ({assessment.SystemName}) was {(move.From == AssessmentStatus.ClarificationRequested ? "resubmitted with clarifications" : "submitted")} by {workspace.SupplierName}.",
                $"/assessments/{assessmentId}/review", assessment.NhsOrganisationId, null, NotificationService.Officers)],
            "AssessmentSubmitted", cancellationToken);
        if (!moved.Succeeded)
        {
            return moved.AsRefusal();
        }

        // Answered clarifications go back to the reviewer for a fresh decision; the question stays in the thread.
        db.ReviewDecisions.RemoveRange(db.ReviewDecisions.Where(d => d.AssessmentId == assessmentId && d.Outcome == ReviewOutcome.ClarificationRequested));
        return await db.SaveCommandAsync($"{assessment.Reference} changed while you submitted it. Look at it again.", cancellationToken) is { } stale
            ? stale
            : Outcome.Done($"{assessment.Reference} is submitted to {workspace.OrganisationName}.");
    }

    /// <summary>A stored document, for anyone who may see its assessment; null for everyone else.</summary>
    public async Task<DocumentDownload?> OpenDocumentAsync(Caller caller, int evidenceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var visible = db.Assessments.AsNoTracking().VisibleTo(caller).Select(a => a.Id);
        var item = await db.EvidenceItems.AsNoTracking()
            .Where(e => e.Id == evidenceId && e.StoredName != null && visible.Contains(e.AssessmentId))
            .Select(e => new { e.StoredName, e.FileName, e.ContentType, e.Sha256 })
            .SingleOrDefaultAsync(cancellationToken);
        if (item is null)
        {
            return null;
        }

        try
        {
            return new DocumentDownload(await store.OpenAsync(item.StoredName!, item.Sha256!, cancellationToken), item.FileName!, item.ContentType!);
        }
        catch (FileNotFoundException)
        {
            // A row whose document is missing: the sweep reports it to administrators; the person is told it is not there.
            return null;
        }
        catch (EvidenceIntegrityException ex)
        {
            // Changed or damaged in the store: never served. An administrator restores it from the storage backup.
            LogTampered(logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<EvidenceWorkspaceService>.Instance, ex, evidenceId);
            return null;
        }
    }

    private async Task<Outcome<EvidenceChange>> AddEvidenceAsync(
        Caller caller, int assessmentId, string code, EvidenceInput input, Func<EvidenceItem, PortalDbContext, Task<Refusal?>> fill, CancellationToken cancellationToken)
    {
        var title = TypedText.Tidy(input.Title, 300);
        if (title is null)
        {
            return Outcome.Invalid("Give the evidence a short title, for example \"API reference\".", "title");
        }

        var today = clock.PortalToday();
        if (input.EvidenceDate is not { } evidenceDate)
        {
            return Outcome.Invalid("Enter the date of the evidence (when the document was issued or the link checked).", "evidenceDate");
        }

        if (evidenceDate > today)
        {
            return Outcome.Invalid("The evidence date cannot be in the future.", "evidenceDate");
        }

        if (input.ValidUntil is { } validUntil && validUntil < evidenceDate)
        {
            return Outcome.Invalid("\"Valid until\" must be on or after the evidence date.", "validUntil");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (assessment, requirement, refusal) = await EditableRequirementAsync(db, caller, assessmentId, code, "add evidence", cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var response = await db.RequirementResponses.SingleOrDefaultAsync(r => r.AssessmentRequirementId == requirement!.Id, cancellationToken);
        if (response is null)
        {
            response = new RequirementResponse { AssessmentId = assessmentId, AssessmentRequirementId = requirement!.Id };
            db.RequirementResponses.Add(response);
        }

        var item = new EvidenceItem
        {
            AssessmentId = assessmentId,
            Kind = input.Kind,
            Title = title,
            EvidenceDate = evidenceDate,
            ValidUntil = input.ValidUntil,
            AddedAt = now,
            AddedByUserId = caller.UserId,
        };
        if (await fill(item, db) is { } problem)
        {
            return problem;
        }

        response.Evidence.Add(item);
        await StopCarryingForwardAsync(db, response, cancellationToken);
        // Evidence is part of the answer: its stamp (the API's ETag) changes, so nobody saves over an answer they have not seen whole.
        response.Touch(now, caller.UserId, caller.DisplayName);
        AuditTrail.Record(db, caller, now, "EvidenceAdded", nameof(EvidenceItem), $"{assessment!.Reference}/{code}",
            $"Added {(item.StoredName is null ? "a link" : $"the document {item.FileName}")} as evidence for {code}: {title}.",
            after: item.Sha256 ?? item.Url, assessmentId: assessmentId);
        await VoidSignOffIfSignedAsync(db, caller, assessment, requirement!.Id, $"{caller.DisplayName} added evidence for {code}.", now, cancellationToken);
        if (await db.SaveCommandAsync($"The answer to {code} changed while you added the evidence. Look at it again, then add it.", cancellationToken) is { } stale)
        {
            return stale;
        }

        if (item.StoredName is null)
        {
            // A new link is checked now rather than at the link-check worker's next round.
            linkChecks?.Raise();
        }

        var fresh = await FreshAsync(caller, assessmentId, code, cancellationToken);
        return Outcome.Done(new EvidenceChange(fresh, fresh.Response!.Evidence.Single(e => e.Id == item.Id)),
            item.StoredName is null ? "Link added." : $"{item.FileName} uploaded.");
    }

    /// <summary>Which parts of a saved answer a draft changes, in words for the audit trail.</summary>
    private static List<string> Changes(RequirementResponse saved, ResponseDraft draft)
    {
        var changes = new List<string>();
        if (saved.Claim != draft.Claim)
        {
            changes.Add("claim");
        }

        if (saved.Narrative != TypedText.Tidy(draft.Narrative, 8000))
        {
            changes.Add("narrative");
        }

        if (saved.NotApplicableJustification != TypedText.Tidy(draft.NotApplicableJustification, 4000))
        {
            changes.Add("justification");
        }

        if (saved.PlannedDate != draft.PlannedDate || saved.Plan != TypedText.Tidy(draft.Plan, 4000))
        {
            changes.Add("plan");
        }

        return changes;
    }


    private static async Task<(Assessment? Assessment, AssessmentRequirement? Requirement, Refusal? Refusal)> EditableRequirementAsync(
        PortalDbContext db, Caller caller, int assessmentId, string code, string doing, CancellationToken cancellationToken)
    {
        var (assessment, refusal) = await EditableAsync(db, caller, assessmentId, doing, cancellationToken);
        if (refusal is not null)
        {
            return (null, null, refusal);
        }

        var requirement = await db.AssessmentRequirements.SingleOrDefaultAsync(r => r.AssessmentId == assessmentId && r.Code == code && r.InScope, cancellationToken);
        if (requirement is null)
        {
            return (null, null, Outcome.NotFound($"Requirement {code} is not in the scope of {assessment!.Reference}."));
        }

        if (assessment!.Status == AssessmentStatus.ClarificationRequested
            && !await db.ReviewDecisions.AnyAsync(d => d.AssessmentRequirementId == requirement.Id && d.Outcome == ReviewOutcome.ClarificationRequested, cancellationToken))
        {
            return (null, null, Outcome.Conflict($"Only the requirements with a clarification request can be changed now; {code} has none."));
        }

        return (assessment, requirement, null);
    }

    /// <summary>
    /// The assessment, when the caller is one of its supplier's account managers and it is open to them. Someone who
    /// may not see it is told it does not exist; NHS staff who may see it are forbidden to change the supplier's answers.
    /// </summary>
    private static async Task<(Assessment? Assessment, Refusal? Refusal)> EditableAsync(
        PortalDbContext db, Caller caller, int assessmentId, string doing, CancellationToken cancellationToken)
    {
        var assessment = await db.Assessments.VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return (null, Outcome.NotFound($"Assessment {assessmentId} does not exist, or you may not see it."));
        }

        if (!AssessmentVisibility.IsSupplierOf(caller, assessment) || !caller.IsInRole(Data.Users.PortalRoles.SupplierAccountManager))
        {
            return (null, Outcome.Forbidden($"Only the supplier's account managers {doing}."));
        }

        return IsOpenToSupplier(assessment.Status)
            ? (assessment, null)
            : (null, Outcome.Conflict($"The assessment is {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}; answers can be changed only while it waits for you."));
    }

    /// <summary>
    /// Suppliers answer while the assessment waits for them, answer clarifications, and may update answers after
    /// sign-off (for example when evidence expires), which voids the sign-off.
    /// </summary>
    private static bool IsOpenToSupplier(AssessmentStatus status) => status is AssessmentStatus.AwaitingSupplier or AssessmentStatus.ClarificationRequested
        or AssessmentStatus.SignedOff or AssessmentStatus.SignedOffWithConditions;

    private static Task VoidSignOffIfSignedAsync(
        PortalDbContext db, Caller caller, Assessment assessment, int? changedRequirementId, string whatChanged, DateTime now, CancellationToken cancellationToken) =>
        assessment.Status is AssessmentStatus.SignedOff or AssessmentStatus.SignedOffWithConditions
            ? SignOffService.VoidAfterChangeAsync(db, caller, assessment, changedRequirementId, whatChanged, now, cancellationToken)
            : Task.CompletedTask;

    private static WorkspaceFunction FunctionView(SignificantFunction f) =>
        new(f.Id, f.Name, f.Description, f.ApiOperation, f.DocumentationUrl, f.ConcurrencyStamp);

    /// <summary>
    /// A carried-forward answer the supplier changes is theirs now: it is no longer "carried forward", and the review
    /// outcome carried with it goes, so the reviewer decides on what was changed. A reopened answer keeps its reason.
    /// </summary>
    private static async Task StopCarryingForwardAsync(PortalDbContext db, RequirementResponse response, CancellationToken cancellationToken)
    {
        if (response.CarriedFromAssessmentId is null)
        {
            return;
        }

        if (response.ReopenedReason is null)
        {
            response.CarriedFromAssessmentId = null;
            response.CarriedFromSignedOffAt = null;
        }

        db.ReviewDecisions.RemoveRange(await db.ReviewDecisions
            .Where(d => d.AssessmentRequirementId == response.AssessmentRequirementId && d.CarriedFromAssessmentId != null).ToListAsync(cancellationToken));
    }

    private static ResponseView View(RequirementResponse r) => new(
        r.Claim, r.Narrative, r.NotApplicableJustification, r.PlannedDate, r.Plan, r.UpdatedAt, r.UpdatedByName, r.ConcurrencyStamp, r.IsAnswered,
        r.Evidence.OrderBy(e => e.AddedAt).Select(e => new EvidenceView(e.Id, e.Kind, e.Title, e.Url, e.FileName, e.SizeBytes, e.Sha256, e.EvidenceDate, e.ValidUntil)).ToList(),
        EvidencePacks.PackProvenance.Text(r.CopiedFromPackRevision, r.CopiedFromPackRevisedAt),
        r.CarriedFromAssessmentId is { } from && r.ReopenedReason is null
            ? "Carried forward " + Reassessments.CarryForwardRules.Provenance(Assessment.ReferenceOf(from), r.CarriedFromSignedOffAt)
            : null,
        r.ReopenedReason);

    private static bool IsWebAddress(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && !string.IsNullOrEmpty(uri.Host);

    internal static string Megabytes(long bytes) => $"{bytes / 1024d / 1024d:0.#} MB";
}
