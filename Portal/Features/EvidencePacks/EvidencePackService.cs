using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data;
using Portal.Data.EvidencePacks;
using Portal.Data.Policy;
using Portal.Data.Users;
using Portal.Features.Assessments;
using Portal.Features.Audit;
using Portal.Features.Evidence;

namespace Portal.Features.EvidencePacks;

/// <summary>
/// A supplier's evidence packs: answers and evidence per requirement for a product version, kept in one place by the
/// supplier's account managers and shared with NHS organisations one by one. Only the owning supplier sees a pack's
/// shares or changes it; an organisation sees a pack only while it is shared with it; everyone else is told it does
/// not exist.
/// </summary>
public sealed class EvidencePackService(
    IDbContextFactory<PortalDbContext> contexts,
    IEvidenceStore store,
    IOptions<EvidenceOptions> options,
    TimeProvider clock,
    IMalwareScanner? scanner = null)
{
    public const string StaleMessage = "Someone else changed this pack since you opened it. Look at it again, then make your change.";

    public sealed record PackStart(int ProductVersionId, int? FrameworkVersionId);

    /// <summary>The caller's supplier's packs, or the packs shared with the caller's organisation now.</summary>
    public async Task<IReadOnlyList<PackSummary>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await VisibleTo(db, caller)
            .OrderBy(p => p.ProductVersion!.Product!.Name).ThenBy(p => p.ProductVersion!.Label)
            .Select(p => new PackSummary(p.Id, p.ProductVersion!.Product!.Supplier!.Name, p.ProductVersion.Product.Name, p.ProductVersion.Label,
                p.FrameworkVersion!.Label, p.Revision, p.RevisedAt, p.Answers.Count(a => a.Claim != null)))
            .ToListAsync(cancellationToken);
    }

    public async Task<PackView?> GetAsync(Caller caller, int packId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await LoadAsync(db, caller, packId, cancellationToken);
    }

    /// <summary>Starts a pack for one of the caller's supplier's product versions, on the named catalogue version or the current one.</summary>
    public async Task<Outcome<PackView>> CreateAsync(Caller caller, PackStart start, CancellationToken cancellationToken = default)
    {
        if (SupplierOf(caller) is not { } supplierId)
        {
            return Outcome.Forbidden("Only a supplier's account managers make its evidence packs.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var version = await db.ProductVersions.Where(v => v.Id == start.ProductVersionId && v.Product!.SupplierId == supplierId)
            .Select(v => new { v.Id, v.Label, Product = v.Product!.Name }).SingleOrDefaultAsync(cancellationToken);
        if (version is null)
        {
            return Outcome.NotFound($"Product version {start.ProductVersionId} does not exist, or is not one of your supplier's.");
        }

        var catalogue = await db.FrameworkVersions
            .Where(v => v.Status == FrameworkVersionStatus.Published && (start.FrameworkVersionId == null || v.Id == start.FrameworkVersionId))
            .OrderByDescending(v => v.PublishedAt)
            .Select(v => new { v.Id, v.Label })
            .FirstOrDefaultAsync(cancellationToken);
        if (catalogue is null)
        {
            return Outcome.Invalid("Choose a published version of the catalogue.", "frameworkVersionId");
        }

        if (await db.EvidencePacks.AnyAsync(p => p.ProductVersionId == version.Id && p.FrameworkVersionId == catalogue.Id, cancellationToken))
        {
            return Outcome.Conflict($"{version.Product} {version.Label} already has a pack for catalogue {catalogue.Label}; open that one.");
        }

        var pack = new EvidencePack { ProductVersionId = version.Id, FrameworkVersionId = catalogue.Id, CreatedAt = now, RevisedAt = now };
        db.EvidencePacks.Add(pack);
        AuditTrail.Record(db, caller, now, "EvidencePackStarted", nameof(EvidencePack), $"{version.Product} {version.Label}",
            $"{caller.SupplierName} started an evidence pack for {version.Product} {version.Label} against catalogue {catalogue.Label}.");
        try
        {
            if (await db.SaveCommandAsync(StaleMessage, cancellationToken) is { } refused)
            {
                return refused;
            }
        }
        catch (DbUpdateException)
        {
            return Outcome.Conflict($"{version.Product} {version.Label} already has a pack for catalogue {catalogue.Label}; open that one.");
        }

        return Outcome.Done((await GetAsync(caller, pack.Id, cancellationToken))!, $"Started the evidence pack for {version.Product} {version.Label}.");
    }

    /// <summary>Saves the pack's answer to one requirement over the version of the pack the person read.</summary>
    public async Task<Outcome<PackView>> SaveAnswerAsync(
        Caller caller, int packId, string code, ResponseDraft draft, ReadVersion read, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (pack, refusal) = await EditableAsync(db, caller, packId, read, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!await db.PolicyRequirements.AnyAsync(r => r.FrameworkVersionId == pack!.FrameworkVersionId && r.Code == code, cancellationToken))
        {
            return Outcome.NotFound($"Requirement {code} is not in this pack's catalogue version.");
        }

        var answer = pack!.Answers.SingleOrDefault(a => a.Code == code);
        if (answer is null)
        {
            answer = new EvidencePackAnswer { Code = code };
            pack.Answers.Add(answer);
        }

        answer.Claim = draft.Claim;
        answer.Narrative = TypedText.Tidy(draft.Narrative, 8000);
        answer.NotApplicableJustification = TypedText.Tidy(draft.NotApplicableJustification, 4000);
        answer.PlannedDate = draft.PlannedDate;
        answer.Plan = TypedText.Tidy(draft.Plan, 4000);
        answer.UpdatedAt = now;
        answer.UpdatedByName = caller.DisplayName;
        return await ReviseAsync(db, caller, pack, now, "EvidencePackAnswerSaved",
            $"Saved the pack's answer to {code}: {AuditValues.Claim(draft.Claim)}.", $"Saved the answer to {code}.", cancellationToken);
    }

    public async Task<Outcome<PackView>> AddLinkAsync(
        Caller caller, int packId, string code, EvidenceInput input, ReadVersion read, CancellationToken cancellationToken = default)
    {
        var url = TypedText.Tidy(input.Url, 2000);
        if (url is null || !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0))
        {
            return Outcome.Invalid("Enter the link as a full web address starting https:// or http://.", "url");
        }

        return await AddEvidenceAsync(caller, packId, code, input, read, (item, _) =>
        {
            item.Url = url;
            return Task.FromResult<Refusal?>(null);
        }, cancellationToken);
    }

    /// <summary>
    /// Adds a document to a pack's answer through the same checks as an assessment's (type by name and bytes, size,
    /// contents, the virus scanner) and the same store: pending until the row commits, then promoted.
    /// </summary>
    public async Task<Outcome<PackView>> AddDocumentAsync(
        Caller caller, int packId, string code, EvidenceInput input, string fileName, Stream content, ReadVersion read, CancellationToken cancellationToken = default)
    {
        var limits = options.Value;
        var cleanName = DocumentTypes.CleanFileName(fileName);
        var type = DocumentTypes.ForFileName(cleanName);
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            // Someone who may not change the pack learns nothing from the checks.
            var (_, refusal) = await EditableAsync(db, caller, packId, read, cancellationToken);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        var problem = EvidenceWorkspaceService.DocumentRefusal(cleanName, type, content, limits);
        if (problem is not null || type is null)
        {
            return Outcome.Invalid(problem ?? "The document was not accepted.", "file");
        }

        string? pending = null;
        (ScanVerdict Verdict, string Sha256)? scanRefusal = null;
        Outcome<PackView> added;
        try
        {
            added = await AddEvidenceAsync(caller, packId, code, input, read, async (item, db) =>
            {
                var used = await db.EvidencePackItems.Where(e => e.EvidencePackId == packId).SumAsync(e => e.SizeBytes ?? 0, cancellationToken);
                if (used + content.Length > limits.AssessmentQuotaBytes)
                {
                    return Outcome.Invalid($"This pack already holds {EvidenceWorkspaceService.Megabytes(used)} of documents; adding {cleanName} would pass its "
                        + $"{EvidenceWorkspaceService.Megabytes(limits.AssessmentQuotaBytes)} limit. Link to large documents instead.", "file");
                }

                content.Position = 0;
                var stored = await store.SaveAsync(content, cancellationToken);
                pending = stored.StoredName;
                if (scanner is { Enabled: true })
                {
                    content.Position = 0;
                    var verdict = await scanner.ScanAsync(content, cancellationToken);
                    if (verdict.Result != ScanResult.Clean)
                    {
                        scanRefusal = (verdict, stored.Sha256);
                    }

                    if (verdict.Result == ScanResult.Infected)
                    {
                        return Outcome.Invalid($"{cleanName} was not added: the virus scanner found {verdict.Finding} in it. Check the file with your own anti-virus software, then upload a clean copy.", "file");
                    }

                    if (verdict.Result != ScanResult.Clean)
                    {
                        return Outcome.Unavailable(EvidenceWorkspaceService.ScannerUnavailableMessage);
                    }
                }

                item.StoredName = stored.StoredName;
                item.SizeBytes = stored.SizeBytes;
                item.Sha256 = stored.Sha256;
                item.FileName = cleanName;
                item.ContentType = type.ContentType;
                return null;
            }, cancellationToken);
        }
        catch
        {
            // Cancelled or failed after the row was saved (the pack is reloaded after its save): the pack lists the
            // document, so it is kept and promoted; only a document no row names is discarded.
            if (pending is not null && await IsListedAsync(pending))
            {
                await store.PromoteAsync(pending, CancellationToken.None);
            }
            else
            {
                await DiscardAsync(pending);
            }

            throw;
        }

        if (pending is not null)
        {
            if (added.Succeeded)
            {
                await store.PromoteAsync(pending, CancellationToken.None);
            }
            else
            {
                await DiscardAsync(pending);
            }
        }

        if (scanRefusal is { } refused)
        {
            // A security event is recorded even when the person has gone (their request cancelled).
            await AuditScanRefusalAsync(caller, packId, code, cleanName, refused.Verdict, refused.Sha256, CancellationToken.None);
        }

        return added;
    }

    /// <summary>
    /// Records a document the scanner refused or gave no verdict on, in a unit of work of its own (the upload's is
    /// abandoned), as an assessment's upload does: an infected file offered to a pack is a security event too.
    /// </summary>
    private async Task AuditScanRefusalAsync(Caller caller, int packId, string code, string fileName, ScanVerdict verdict, string sha256, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pack = await db.EvidencePacks.AsNoTracking().SingleAsync(p => p.Id == packId, cancellationToken);
        var name = await PackNameAsync(db, pack, cancellationToken);
        AuditTrail.Record(db, caller, clock.GetUtcNow().UtcDateTime, "DocumentRefused", nameof(EvidencePack), $"{name}/{code}",
            verdict.Result == ScanResult.Infected
                ? $"Refused the document {fileName} for {code} of the evidence pack for {name}: the virus scanner found {verdict.Finding}."
                : $"Refused the document {fileName} for {code} of the evidence pack for {name}: the virus scanner gave no verdict ({verdict.Finding}).",
            after: sha256);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<Outcome<PackView>> RemoveEvidenceAsync(Caller caller, int packId, int evidenceId, ReadVersion read, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (pack, refusal) = await EditableAsync(db, caller, packId, read, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var answer = pack!.Answers.SingleOrDefault(a => a.Evidence.Any(e => e.Id == evidenceId));
        var item = answer?.Evidence.Single(e => e.Id == evidenceId);
        if (item is null)
        {
            return Outcome.NotFound($"Evidence {evidenceId} is not in this pack: it may have been removed already.");
        }

        answer!.Evidence.Remove(item);
        db.EvidencePackItems.Remove(item);
        var outcome = await ReviseAsync(db, caller, pack, now, "EvidencePackEvidenceRemoved",
            $"Removed the pack's evidence '{item.Title}' from {answer.Code}.", $"Removed '{item.Title}'.", cancellationToken);
        if (outcome.Succeeded)
        {
            await DiscardAsync(item.StoredName);
        }

        return outcome;
    }

    /// <summary>
    /// Shares a pack with one NHS organisation, named by its ODS code: from now on its staff may read the pack and the
    /// supplier may fill that organisation's assessments of the product version from it. Audited with the share.
    /// </summary>
    public async Task<Outcome<PackShareView>> ShareAsync(Caller caller, int packId, string? odsCode, CancellationToken cancellationToken = default)
    {
        var code = TypedText.Tidy(odsCode, 10)?.ToUpperInvariant();
        if (code is null)
        {
            return Outcome.Invalid("Enter the organisation's ODS code, for example RX1.", "odsCode");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (pack, refusal) = await OwnedAsync(db, caller, packId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var organisation = await db.NhsOrganisations.SingleOrDefaultAsync(o => o.OdsCode == code, cancellationToken);
        if (organisation is null)
        {
            return Outcome.Invalid($"No NHS organisation in the portal has the ODS code {code}. Check the code with the organisation.", "odsCode");
        }

        if (pack!.Shares.Any(s => s.NhsOrganisationId == organisation.Id && s.WithdrawnAt == null))
        {
            return Outcome.Conflict($"The pack is already shared with {organisation.Name} ({code}).");
        }

        var share = new EvidencePackShare { NhsOrganisationId = organisation.Id, SharedAt = now, SharedByUserId = caller.UserId };
        pack.Shares.Add(share);
        // Two shares with the same organisation at once (a client retrying after a timeout) must not both insert: the
        // pack's stamp is its concurrency token, so the second save finds it changed and is answered Stale.
        pack.ConcurrencyStamp = Guid.NewGuid();
        var name = await PackNameAsync(db, pack, cancellationToken);
        AuditTrail.Record(db, caller, now, "EvidencePackShared", nameof(EvidencePack), $"{name}/{code}",
            $"{caller.SupplierName} shared the evidence pack for {name} (v{pack.Revision}) with {organisation.Name} ({code}).", after: code);
        return await db.SaveCommandAsync(StaleMessage, cancellationToken) is { } stale
            ? stale
            : Outcome.Done(new PackShareView(code, organisation.Name, now, null), $"Shared with {organisation.Name} ({code}).");
    }

    /// <summary>Withdraws a share at once: the organisation can no longer read the pack, and no assessment of theirs can be filled from it.</summary>
    public async Task<Outcome> WithdrawShareAsync(Caller caller, int packId, string? odsCode, CancellationToken cancellationToken = default)
    {
        var code = TypedText.Tidy(odsCode, 10)?.ToUpperInvariant();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (pack, refusal) = await OwnedAsync(db, caller, packId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        // Every active share with the organisation, should there ever be more than one: withdrawal must never fail on that.
        var shares = await db.EvidencePackShares.Include(s => s.NhsOrganisation)
            .Where(s => s.EvidencePackId == packId && s.WithdrawnAt == null && s.NhsOrganisation!.OdsCode == code).ToListAsync(cancellationToken);
        if (shares.Count == 0)
        {
            return Outcome.NotFound($"The pack is not shared with an organisation whose ODS code is {code}.");
        }

        foreach (var withdrawn in shares)
        {
            withdrawn.WithdrawnAt = now;
            withdrawn.WithdrawnByUserId = caller.UserId;
        }

        // A fill in progress checks the pack's stamp as it saves, so withdrawal stops it rather than letting it finish.
        pack!.ConcurrencyStamp = Guid.NewGuid();

        var share = shares[0];
        var name = await PackNameAsync(db, pack!, cancellationToken);
        AuditTrail.Record(db, caller, now, "EvidencePackShareWithdrawn", nameof(EvidencePack), $"{name}/{code}",
            $"{caller.SupplierName} withdrew the evidence pack for {name} from {share.NhsOrganisation!.Name} ({code}).", before: code);
        return await db.SaveCommandAsync(StaleMessage, cancellationToken) is { } stale
            ? stale
            : Outcome.Done($"Withdrawn from {share.NhsOrganisation.Name} ({code}). They can no longer see the pack or have assessments filled from it.");
    }

    /// <summary>A stored pack document, for the owning supplier or an organisation the pack is shared with now; null for everyone else.</summary>
    public async Task<DocumentDownload?> OpenDocumentAsync(Caller caller, int evidenceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var visible = VisibleTo(db, caller).Select(p => p.Id);
        var item = await db.EvidencePackItems.AsNoTracking()
            .Where(e => e.Id == evidenceId && e.StoredName != null && visible.Contains(e.EvidencePackId))
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
        catch (Exception ex) when (ex is FileNotFoundException or EvidenceIntegrityException)
        {
            return null;
        }
    }

    /// <summary>
    /// The packs a caller may read: their own supplier's (account managers), or those shared now with their own
    /// organisation (NHS staff). A withdrawn share shows nothing.
    /// </summary>
    internal static IQueryable<EvidencePack> VisibleTo(PortalDbContext db, Caller caller)
    {
        var supplierId = SupplierOf(caller);
        var organisationId = AssessmentVisibility.IsNhsStaff(caller) ? caller.NhsOrganisationId : null;
        return db.EvidencePacks.AsNoTracking().Where(p =>
            (supplierId != null && p.ProductVersion!.Product!.SupplierId == supplierId)
            || (organisationId != null && p.Shares.Any(s => s.NhsOrganisationId == organisationId && s.WithdrawnAt == null)));
    }

    private static int? SupplierOf(Caller caller) =>
        caller.IsInRole(PortalRoles.SupplierAccountManager) ? caller.SupplierId : null;

    private static async Task<PackView?> LoadAsync(PortalDbContext db, Caller caller, int packId, CancellationToken cancellationToken)
    {
        var pack = await VisibleTo(db, caller).Where(p => p.Id == packId)
            .Select(p => new
            {
                p.Id,
                Supplier = p.ProductVersion!.Product!.Supplier!.Name,
                SupplierId = p.ProductVersion.Product.SupplierId,
                Product = p.ProductVersion.Product.Name,
                p.ProductVersion.Label,
                Catalogue = p.FrameworkVersion!.Label,
                p.FrameworkVersionId,
                p.Revision,
                p.RevisedAt,
                p.ConcurrencyStamp,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (pack is null)
        {
            return null;
        }

        var owner = SupplierOf(caller) == pack.SupplierId;
        var requirements = await db.PolicyRequirements.AsNoTracking().Where(r => r.FrameworkVersionId == pack.FrameworkVersionId)
            .OrderBy(r => r.Order).Select(r => new { r.Code, r.SectionCode, r.Title, r.Statement })
            .ToListAsync(cancellationToken);
        var answers = await db.EvidencePackAnswers.AsNoTracking().Where(a => a.EvidencePackId == packId).Include(a => a.Evidence)
            .ToDictionaryAsync(a => a.Code, StringComparer.Ordinal, cancellationToken);
        var shares = owner
            ? await db.EvidencePackShares.AsNoTracking().Where(s => s.EvidencePackId == packId)
                .OrderBy(s => s.WithdrawnAt != null).ThenBy(s => s.NhsOrganisation!.Name).ThenByDescending(s => s.SharedAt)
                .Select(s => new PackShareView(s.NhsOrganisation!.OdsCode, s.NhsOrganisation.Name, s.SharedAt, s.WithdrawnAt))
                .ToListAsync(cancellationToken)
            : [];
        return new PackView(pack.Id, pack.Supplier, pack.Product, pack.Label, pack.Catalogue, pack.Revision, pack.RevisedAt, pack.ConcurrencyStamp, owner,
            requirements.Select(r => new PackRequirement(r.Code, r.SectionCode, r.Title, r.Statement,
                answers.TryGetValue(r.Code, out var a) ? View(a) : null)).ToList(),
            shares);
    }

    private static PackAnswerView View(EvidencePackAnswer a) => new(
        a.Claim, a.Narrative, a.NotApplicableJustification, a.PlannedDate, a.Plan, a.UpdatedAt, a.UpdatedByName,
        a.Evidence.OrderBy(e => e.AddedAt).ThenBy(e => e.Id)
            .Select(e => new PackEvidenceView(e.Id, e.Kind, e.Title, e.Url, e.FileName, e.SizeBytes, e.Sha256, e.EvidenceDate, e.ValidUntil)).ToList());

    /// <summary>The pack, tracked with its answers and evidence, when the caller's supplier owns it; not found for everyone else.</summary>
    private static async Task<(EvidencePack? Pack, Refusal? Refusal)> OwnedAsync(PortalDbContext db, Caller caller, int packId, CancellationToken cancellationToken)
    {
        var supplierId = SupplierOf(caller);
        var pack = supplierId is null
            ? null
            : await db.EvidencePacks.Include(p => p.Answers).ThenInclude(a => a.Evidence).Include(p => p.Shares)
                .SingleOrDefaultAsync(p => p.Id == packId && p.ProductVersion!.Product!.SupplierId == supplierId, cancellationToken);
        if (pack is not null)
        {
            return (pack, null);
        }

        // An organisation the pack is shared with may read it, but only its supplier changes it.
        return await VisibleTo(db, caller).AnyAsync(p => p.Id == packId, cancellationToken)
            ? (null, Outcome.Forbidden("Only the supplier's account managers change or share its evidence packs."))
            : (null, Outcome.NotFound($"Evidence pack {packId} does not exist, or you may not see it."));
    }

    /// <summary>The owned pack, when the version the person read is still the pack's; a change since is stale.</summary>
    private static async Task<(EvidencePack? Pack, Refusal? Refusal)> EditableAsync(
        PortalDbContext db, Caller caller, int packId, ReadVersion read, CancellationToken cancellationToken)
    {
        var (pack, refusal) = await OwnedAsync(db, caller, packId, cancellationToken);
        if (refusal is not null)
        {
            return (null, refusal);
        }

        return read.Permits(pack!.ConcurrencyStamp, somethingToLose: true) ? (pack, null) : (null, Outcome.Stale(StaleMessage));
    }

    private async Task<Outcome<PackView>> AddEvidenceAsync(
        Caller caller, int packId, string code, EvidenceInput input, ReadVersion read, Func<EvidencePackItem, PortalDbContext, Task<Refusal?>> fill,
        CancellationToken cancellationToken)
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
        var (pack, refusal) = await EditableAsync(db, caller, packId, read, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        if (!await db.PolicyRequirements.AnyAsync(r => r.FrameworkVersionId == pack!.FrameworkVersionId && r.Code == code, cancellationToken))
        {
            return Outcome.NotFound($"Requirement {code} is not in this pack's catalogue version.");
        }

        var answer = pack!.Answers.SingleOrDefault(a => a.Code == code);
        if (answer is null)
        {
            answer = new EvidencePackAnswer { Code = code, UpdatedAt = now, UpdatedByName = caller.DisplayName };
            pack.Answers.Add(answer);
        }

        var item = new EvidencePackItem
        {
            EvidencePackId = packId,
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

        answer.Evidence.Add(item);
        return await ReviseAsync(db, caller, pack, now, "EvidencePackEvidenceAdded",
            $"Added {(item.StoredName is null ? "a link" : $"the document {item.FileName}")} to the pack's answer to {code}: {title}.",
            item.StoredName is null ? "Link added." : $"{item.FileName} uploaded.", cancellationToken);
    }

    /// <summary>Every change to a pack: a new revision and stamp, its audit event, one save; stale when someone else saved first.</summary>
    private async Task<Outcome<PackView>> ReviseAsync(
        PortalDbContext db, Caller caller, EvidencePack pack, DateTime now, string action, string summary, string message, CancellationToken cancellationToken)
    {
        pack.Revise(now);
        var name = await PackNameAsync(db, pack, cancellationToken);
        AuditTrail.Record(db, caller, now, action, nameof(EvidencePack), name, $"{summary} The pack is now v{pack.Revision}.");
        Refusal? stale;
        try
        {
            stale = await db.SaveCommandAsync(StaleMessage, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A first answer to the same requirement made by someone else at the same moment.
            stale = Outcome.Stale(StaleMessage);
        }

        if (stale is not null)
        {
            return stale;
        }

        await using var reading = await contexts.CreateDbContextAsync(cancellationToken);
        return Outcome.Done((await LoadAsync(reading, caller, pack.Id, cancellationToken))!, message);
    }

    private static async Task<string> PackNameAsync(PortalDbContext db, EvidencePack pack, CancellationToken cancellationToken) =>
        await db.ProductVersions.Where(v => v.Id == pack.ProductVersionId).Select(v => v.Product!.Name + " " + v.Label).SingleAsync(cancellationToken);

    private async Task<bool> IsListedAsync(string storedName)
    {
        await using var db = await contexts.CreateDbContextAsync(CancellationToken.None);
        return await db.EvidencePackItems.AnyAsync(e => e.StoredName == storedName, CancellationToken.None);
    }

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
            // The evidence sweep removes a stored document without a row.
        }
    }
}
