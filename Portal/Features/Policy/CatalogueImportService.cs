using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Components.Shared;
using Portal.Data;
using Portal.Data.Policy;
using Portal.Data.Policy.Catalogue;
using Portal.Data.Users;
using Portal.Features.Audit;

namespace Portal.Features.Policy;

/// <summary>
/// How an administrator brings in a new version of a framework: the file is validated, kept as a draft, previewed
/// against the version in use, and only then published. Published versions never change.
/// </summary>
public sealed class CatalogueImportService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public const long MaxFileBytes = 2 * 1024 * 1024;

    /// <summary>
    /// A draft and what it changes. <paramref name="ComparedWithId"/> is the published version the diff was read against,
    /// which the person publishing hands back so a version published by someone else since cannot be replaced unseen.
    /// </summary>
    public sealed record DraftPreview(int DraftVersionId, string FrameworkName, string Label, int RequirementCount, string? ComparedWith, int? ComparedWithId, CatalogueDiff Diff);

    /// <summary>The published version a person reviewed the draft against; <c>null</c> inside when none was published.</summary>
    public sealed record ReviewedAgainst(int? PublishedVersionId);

    /// <summary>
    /// Validates a catalogue file and keeps it as a draft; gives back the draft's preview against the published version.
    /// A file that is not valid is refused with every problem, each keyed by where it is ("Line 12, requirement 'P.1' title",
    /// or "file" for the file as a whole), so the page can list them and the API can return them as field errors.
    /// </summary>
    public async Task<Outcome<DraftPreview>> ImportDraftAsync(Caller caller, string fileName, byte[] content, CancellationToken cancellationToken = default)
    {
        if (NotAdministrator(caller) is { } forbidden)
        {
            return forbidden;
        }

        if (content.LongLength > MaxFileBytes)
        {
            return Outcome.Invalid($"The file is {content.LongLength / 1024} KB; a catalogue file may be at most {MaxFileBytes / 1024 / 1024} MB.", "file");
        }

        if (!fileName.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) && !fileName.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            && !fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return Outcome.Invalid("Choose a catalogue file ending .yaml, .yml or .json.", "file");
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return Outcome.Invalid("The file is not UTF-8 text. Save it as UTF-8 and try again.", "file");
        }

        var read = CatalogueReader.Read(text);
        if (!read.IsValid)
        {
            return Outcome.Invalid(ProblemsByPlace(read.Problems), InvalidFile);
        }

        var document = read.Document!;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var framework = await db.PolicyFrameworks.SingleOrDefaultAsync(f => f.Key == document.Framework.Key, cancellationToken);
        var labelTaken = Outcome.Invalid(
            $"{framework?.Name ?? document.Framework.Name} already has a version {document.Version}. Published versions never change: give the new text its own version label.", "version");
        if (framework is null)
        {
            framework = new PolicyFramework
            {
                Key = document.Framework.Key,
                Name = document.Framework.Name,
                Publisher = document.Framework.Publisher,
                Source = document.Framework.Source,
            };
            db.PolicyFrameworks.Add(framework);
        }
        else if (await db.FrameworkVersions.AnyAsync(v => v.PolicyFrameworkId == framework.Id && v.Label == document.Version, cancellationToken))
        {
            return labelTaken;
        }

        var draft = CatalogueMapping.ToDraftVersion(document, framework.Id, caller.DisplayName, now);
        draft.PolicyFramework = framework;
        db.FrameworkVersions.Add(draft);
        AuditTrail.Record(db, caller, now, "CatalogueDraftImported", nameof(FrameworkVersion), $"{framework.Key}/{draft.Label}",
            $"Imported {framework.Name} version {draft.Label} ({Counted.Of(draft.Requirements.Count, "requirement")}) from {fileName} as a draft.", after: draft.ContentHash);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two administrators importing the same framework or version label at once: the unique indexes refuse the
            // second, which is told why rather than shown an error.
            await using var check = await contexts.CreateDbContextAsync(CancellationToken.None);
            if (await check.FrameworkVersions.AnyAsync(v => v.PolicyFramework!.Key == document.Framework.Key && v.Label == document.Version, CancellationToken.None))
            {
                return labelTaken;
            }

            if (await check.PolicyFrameworks.AnyAsync(f => f.Key == document.Framework.Key, CancellationToken.None))
            {
                return Outcome.Conflict($"Someone imported {document.Framework.Name} at the same moment. Import the file again.");
            }

            throw;
        }

        return Outcome.Done((await PreviewOfAsync(db, draft.Id, cancellationToken))!, $"Imported version {draft.Label} as a draft. Review it, then publish it.");
    }

    /// <summary>A draft compared with the published version it would replace; null when there is no such draft.</summary>
    public async Task<DraftPreview?> PreviewAsync(Caller caller, int draftVersionId, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await PreviewOfAsync(db, draftVersionId, cancellationToken);
    }

    /// <summary>
    /// Publishes a draft; the version it replaces is retired, and stays readable for assessments pinned to it. Gives
    /// back the version as now published.
    /// </summary>
    /// <remarks>
    /// The page passes <paramref name="reviewed"/>, the version its diff was compared with: if another version was
    /// published since, the draft would replace text the administrator never compared it with, so the command is
    /// refused as stale and the page shows the diff again. The API, which shows no diff, passes none.
    /// </remarks>
    public async Task<Outcome<VersionSummary>> PublishAsync(Caller caller, int draftVersionId, ReviewedAgainst? reviewed = null, CancellationToken cancellationToken = default)
    {
        if (NotAdministrator(caller) is { } forbidden)
        {
            return forbidden;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var draft = await db.FrameworkVersions.Include(v => v.PolicyFramework).SingleOrDefaultAsync(v => v.Id == draftVersionId, cancellationToken);
        if (draft is null)
        {
            return Outcome.NotFound(NoSuchVersion);
        }

        if (draft.Status != FrameworkVersionStatus.Draft)
        {
            return Outcome.Conflict($"Version {draft.Label} is already {draft.Status.ToString().ToLowerInvariant()}; only a draft can be published.");
        }

        var replaced = await db.FrameworkVersions
            .Where(v => v.PolicyFrameworkId == draft.PolicyFrameworkId && v.Status == FrameworkVersionStatus.Published)
            .ToListAsync(cancellationToken);
        var publishedNow = replaced.OrderByDescending(v => v.PublishedAt).Select(v => (int?)v.Id).FirstOrDefault();
        if (reviewed is not null && reviewed.PublishedVersionId != publishedNow)
        {
            var label = replaced.OrderByDescending(v => v.PublishedAt).Select(v => v.Label).FirstOrDefault();
            return Outcome.Stale(label is null
                ? $"The version you compared version {draft.Label} with is no longer published. Review the changes again before publishing."
                : $"Version {label} was published since you reviewed this draft. Review what version {draft.Label} changes against it, then publish.");
        }

        foreach (var version in replaced)
        {
            version.Retire(now);
        }

        draft.Publish(now);
        AuditTrail.Record(db, caller, now, "CatalogueVersionPublished", nameof(FrameworkVersion), $"{draft.PolicyFramework!.Key}/{draft.Label}",
            $"Published {draft.PolicyFramework!.Name} version {draft.Label}" +
            (replaced.Count > 0 ? $", retiring version {string.Join(", ", replaced.Select(v => v.Label))}." : "."),
            before: replaced.Count > 0 ? string.Join(", ", replaced.Select(v => v.Label)) : null,
            after: draft.Label);
        if (await db.SaveCommandAsync($"Version {draft.Label} changed while you were publishing it. Reload the catalogue versions and try again.", cancellationToken) is { } refused)
        {
            return refused;
        }

        return Outcome.Done((await PolicyCatalogueService.SummaryAsync(db, draft.Id, cancellationToken))!, $"Version {draft.Label} is published. New assessments start on it.");
    }

    public async Task<Outcome> DiscardAsync(Caller caller, int draftVersionId, CancellationToken cancellationToken = default)
    {
        if (NotAdministrator(caller) is { } forbidden)
        {
            return forbidden;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var draft = await db.FrameworkVersions.Include(v => v.PolicyFramework).SingleOrDefaultAsync(v => v.Id == draftVersionId, cancellationToken);
        if (draft is null)
        {
            return Outcome.NotFound(NoSuchVersion);
        }

        if (draft.Status != FrameworkVersionStatus.Draft)
        {
            return Outcome.Conflict("Only a draft can be discarded; published versions never change.");
        }

        db.FrameworkVersions.Remove(draft);
        AuditTrail.Record(db, caller, clock.GetUtcNow().UtcDateTime, "CatalogueDraftDiscarded", nameof(FrameworkVersion), $"{draft.PolicyFramework!.Key}/{draft.Label}",
            $"Discarded the draft {draft.PolicyFramework!.Name} version {draft.Label}.", before: draft.ContentHash);
        return await db.SaveCommandAsync($"The draft version {draft.Label} changed while you were discarding it. Reload the catalogue versions and try again.", cancellationToken)
            ?? Outcome.Done($"The draft version {draft.Label} was discarded.");
    }

    /// <summary>Each problem keyed by where it is, as the API reports field errors; problems at one place are joined.</summary>
    internal static IReadOnlyDictionary<string, string> ProblemsByPlace(IEnumerable<CatalogueProblem> problems) =>
        problems
            .GroupBy(p => p.Line is { } line ? $"Line {line}, {p.Field}" : p.Field)
            .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(p => p.Message)));

    private const string InvalidFile = "The catalogue file is not valid: fix each problem, listed by its line and field, and import it again.";

    private const string NoSuchVersion = "There is no such draft: it may have been discarded.";

    private static async Task<DraftPreview?> PreviewOfAsync(PortalDbContext db, int draftVersionId, CancellationToken cancellationToken)
    {
        var draft = await LoadDocumentAsync(db, draftVersionId, cancellationToken);
        if (draft is null || draft.Value.Version.Status != FrameworkVersionStatus.Draft)
        {
            return null;
        }

        var currentId = await db.FrameworkVersions.AsNoTracking()
            .Where(v => v.PolicyFrameworkId == draft.Value.Version.PolicyFrameworkId && v.Status == FrameworkVersionStatus.Published)
            .OrderByDescending(v => v.PublishedAt)
            .Select(v => (int?)v.Id)
            .FirstOrDefaultAsync(cancellationToken);
        var current = currentId is null ? null : await LoadDocumentAsync(db, currentId.Value, cancellationToken);
        return new DraftPreview(
            draftVersionId,
            draft.Value.Document.Framework.Name,
            draft.Value.Document.Version,
            draft.Value.Document.Requirements.Count,
            current?.Document.Version,
            currentId,
            CatalogueDiff.Compare(current?.Document, draft.Value.Document));
    }

    private static async Task<(FrameworkVersion Version, CatalogueDocument Document)?> LoadDocumentAsync(PortalDbContext db, int versionId, CancellationToken cancellationToken)
    {
        var version = await db.FrameworkVersions.AsNoTracking().Include(v => v.PolicyFramework).SingleOrDefaultAsync(v => v.Id == versionId, cancellationToken);
        if (version is null)
        {
            return null;
        }

        var sections = await db.PolicySections.AsNoTracking().Where(s => s.FrameworkVersionId == versionId).ToListAsync(cancellationToken);
        var requirements = await db.PolicyRequirements.AsNoTracking().Where(r => r.FrameworkVersionId == versionId).ToListAsync(cancellationToken);
        return (version, CatalogueMapping.ToDocument(version.PolicyFramework!, version, sections, requirements));
    }

    private static Refusal? NotAdministrator(Caller caller) => caller.IsInRole(PortalRoles.Administrator)
        ? null
        : Outcome.Forbidden(OnlyAdministrators);

    private const string OnlyAdministrators = "Only a portal administrator can import or publish catalogue versions.";

    private static void RequireAdministrator(Caller caller)
    {
        if (!caller.IsInRole(PortalRoles.Administrator))
        {
            throw new AccessDeniedException(OnlyAdministrators);
        }
    }
}
