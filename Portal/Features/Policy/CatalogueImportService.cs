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

    public sealed record ImportOutcome(int? DraftVersionId, IReadOnlyList<CatalogueProblem> Problems)
    {
        public bool Succeeded => DraftVersionId is not null && Problems.Count == 0;
    }

    public sealed record DraftPreview(int DraftVersionId, string FrameworkName, string Label, int RequirementCount, string? ComparedWith, CatalogueDiff Diff);

    public async Task<ImportOutcome> ImportDraftAsync(Caller caller, string fileName, byte[] content, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        if (content.LongLength > MaxFileBytes)
        {
            return Refused(null, "file", $"The file is {content.LongLength / 1024} KB; a catalogue file may be at most {MaxFileBytes / 1024 / 1024} MB.");
        }

        if (!fileName.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) && !fileName.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            && !fileName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return Refused(null, "file", "Choose a catalogue file ending .yaml, .yml or .json.");
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return Refused(null, "file", "The file is not UTF-8 text. Save it as UTF-8 and try again.");
        }

        var read = CatalogueReader.Read(text);
        if (!read.IsValid)
        {
            return new ImportOutcome(null, read.Problems);
        }

        var document = read.Document!;
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var framework = await db.PolicyFrameworks.SingleOrDefaultAsync(f => f.Key == document.Framework.Key, cancellationToken);
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
            return Refused(null, "version", $"{framework.Name} already has a version {document.Version}. Published versions never change: give the new text its own version label.");
        }

        var draft = CatalogueMapping.ToDraftVersion(document, framework.Id, caller.DisplayName, now);
        draft.PolicyFramework = framework;
        db.FrameworkVersions.Add(draft);
        AuditTrail.Record(db, caller, now, "CatalogueDraftImported", nameof(FrameworkVersion), $"{framework.Key}/{draft.Label}",
            $"Imported {framework.Name} version {draft.Label} ({Counted.Of(draft.Requirements.Count, "requirement")}) from {fileName} as a draft.", after: draft.ContentHash);
        await db.SaveChangesAsync(cancellationToken);
        return new ImportOutcome(draft.Id, []);
    }

    public async Task<DraftPreview?> PreviewAsync(Caller caller, int draftVersionId, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
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
            CatalogueDiff.Compare(current?.Document, draft.Value.Document));
    }

    /// <summary>Publishes a draft; the version it replaces is retired, and stays readable for assessments pinned to it.</summary>
    public async Task<CommandResult> PublishAsync(Caller caller, int draftVersionId, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var draft = await db.FrameworkVersions.Include(v => v.PolicyFramework).SingleOrDefaultAsync(v => v.Id == draftVersionId, cancellationToken);
        if (draft is null || draft.Status != FrameworkVersionStatus.Draft)
        {
            return CommandResult.Refused("That draft no longer exists or has already been published.");
        }

        var replaced = await db.FrameworkVersions
            .Where(v => v.PolicyFrameworkId == draft.PolicyFrameworkId && v.Status == FrameworkVersionStatus.Published)
            .ToListAsync(cancellationToken);
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
        await db.SaveChangesAsync(cancellationToken);
        return CommandResult.Done($"Version {draft.Label} is published. New assessments start on it.");
    }

    public async Task<CommandResult> DiscardAsync(Caller caller, int draftVersionId, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var draft = await db.FrameworkVersions.Include(v => v.PolicyFramework).SingleOrDefaultAsync(v => v.Id == draftVersionId, cancellationToken);
        if (draft is null || draft.Status != FrameworkVersionStatus.Draft)
        {
            return CommandResult.Refused("Only a draft can be discarded; published versions never change.");
        }

        db.FrameworkVersions.Remove(draft);
        AuditTrail.Record(db, caller, clock.GetUtcNow().UtcDateTime, "CatalogueDraftDiscarded", nameof(FrameworkVersion), $"{draft.PolicyFramework!.Key}/{draft.Label}",
            $"Discarded the draft {draft.PolicyFramework!.Name} version {draft.Label}.", before: draft.ContentHash);
        await db.SaveChangesAsync(cancellationToken);
        return CommandResult.Done($"The draft version {draft.Label} was discarded.");
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

    private static ImportOutcome Refused(long? line, string field, string message) => new(null, [new CatalogueProblem(line, field, message)]);

    private static void RequireAdministrator(Caller caller)
    {
        if (!caller.IsInRole(PortalRoles.Administrator))
        {
            throw new AccessDeniedException("Only a portal administrator can import or publish catalogue versions.");
        }
    }
}
