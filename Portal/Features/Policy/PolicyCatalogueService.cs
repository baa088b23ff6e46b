using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Policy;
using Portal.Data.Policy.Catalogue;
using Portal.Data.Users;

namespace Portal.Features.Policy;

/// <summary>
/// Reading the policy catalogue. Every signed-in role may read published and retired versions; drafts awaiting
/// publication are visible to administrators only.
/// </summary>
public sealed class PolicyCatalogueService(IDbContextFactory<PortalDbContext> contexts)
{
    /// <summary>The newest published version, which new assessments start on; null before any is published.</summary>
    public async Task<VersionSummary?> CurrentVersionAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        RequireReader(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var versionId = await CurrentVersionIdAsync(db, cancellationToken);
        return versionId is null ? null : await SummaryAsync(db, versionId.Value, cancellationToken);
    }

    public async Task<VersionSummary?> VersionAsync(Caller caller, int versionId, CancellationToken cancellationToken = default)
    {
        RequireReader(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var summary = await SummaryAsync(db, versionId, cancellationToken);
        return summary is not null && CanSee(caller, summary.Status) ? summary : null;
    }

    public async Task<IReadOnlyList<VersionRow>> ListVersionsAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        RequireReader(caller);
        var includeDrafts = caller.IsInRole(PortalRoles.Administrator);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.FrameworkVersions.AsNoTracking()
            .Where(v => includeDrafts || v.Status != FrameworkVersionStatus.Draft)
            .OrderBy(v => v.PolicyFramework!.Name).ThenByDescending(v => v.ImportedAt)
            .Select(v => new VersionRow(
                v.Id, v.PolicyFramework!.Name, v.Label, v.Status, v.ImportedAt, v.ImportedBy, v.PublishedAt, v.RetiredAt, v.Requirements.Count, v.PolicyFramework.Key))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Every requirement of a version in catalogue order. A version holds about a hundred items, so the library
    /// filters this list in memory: one query, and search behaves the same on SQLite and SQL Server collations.
    /// </summary>
    public async Task<IReadOnlyList<RequirementListItem>> RequirementsAsync(Caller caller, int versionId, CancellationToken cancellationToken = default)
    {
        RequireReader(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await IsVisibleAsync(db, caller, versionId, cancellationToken))
        {
            return [];
        }

        return await ListItemsAsync(db, versionId, cancellationToken);
    }

    public async Task<RequirementDetail?> RequirementAsync(Caller caller, int versionId, string code, CancellationToken cancellationToken = default)
    {
        RequireReader(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var version = await db.FrameworkVersions.AsNoTracking()
            .Where(v => v.Id == versionId)
            .Select(v => new { v.Label, v.Status, Framework = v.PolicyFramework!.Name })
            .SingleOrDefaultAsync(cancellationToken);
        if (version is null || !CanSee(caller, version.Status))
        {
            return null;
        }

        var requirement = await db.PolicyRequirements.AsNoTracking()
            .SingleOrDefaultAsync(r => r.FrameworkVersionId == versionId && r.Code == code, cancellationToken);
        if (requirement is null)
        {
            return null;
        }

        var section = await db.PolicySections.AsNoTracking()
            .Where(s => s.FrameworkVersionId == versionId && s.Code == requirement.SectionCode)
            .Select(s => s.Title)
            .SingleOrDefaultAsync(cancellationToken);
        var relatedCodes = requirement.RelatedCodes;
        var related = await db.PolicyRequirements.AsNoTracking()
            .Where(r => r.FrameworkVersionId == versionId && relatedCodes.Contains(r.Code))
            .OrderBy(r => r.Order)
            .Select(r => new RelatedRequirement(r.Code, r.Title))
            .ToListAsync(cancellationToken);

        return new RequirementDetail(versionId, version.Label, version.Status, version.Framework, ToListItem(requirement), section ?? requirement.SectionCode, requirement.Source, related);
    }

    /// <summary>
    /// The "What applies to my system?" guide: the requirements of a version that apply to a route and set of
    /// conditions, each with the reason, in catalogue order (principles, characteristics, agreements, licence,
    /// service levels, specification), which is the order a procurement officer works through them.
    /// </summary>
    public async Task<IReadOnlyList<ApplicableRequirement>> WhatAppliesAsync(
        Caller caller, int versionId, AssessmentRoute route, ScopeConditions conditions, CancellationToken cancellationToken = default)
    {
        var requirements = await RequirementsAsync(caller, versionId, cancellationToken);
        return requirements
            .Select(r => new ApplicableRequirement(r, RequirementScoping.Decide(route, conditions, r.StandingOn(route), r.Conditions)))
            .Where(a => a.Decision.Applies)
            .ToList();
    }

    /// <summary>The version in the catalogue file's shape, for JSON and CSV export; null when the caller may not see it.</summary>
    public async Task<CatalogueDocument?> ExportAsync(Caller caller, int versionId, CancellationToken cancellationToken = default)
    {
        RequireReader(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var version = await db.FrameworkVersions.AsNoTracking().Include(v => v.PolicyFramework)
            .SingleOrDefaultAsync(v => v.Id == versionId, cancellationToken);
        if (version is null || !CanSee(caller, version.Status))
        {
            return null;
        }

        var sections = await db.PolicySections.AsNoTracking().Where(s => s.FrameworkVersionId == versionId).ToListAsync(cancellationToken);
        var requirements = await db.PolicyRequirements.AsNoTracking().Where(r => r.FrameworkVersionId == versionId).ToListAsync(cancellationToken);
        return CatalogueMapping.ToDocument(version.PolicyFramework!, version, sections, requirements);
    }

    internal static async Task<int?> CurrentVersionIdAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        await db.FrameworkVersions.AsNoTracking()
            .Where(v => v.Status == FrameworkVersionStatus.Published)
            .OrderByDescending(v => v.PublishedAt)
            .Select(v => (int?)v.Id)
            .FirstOrDefaultAsync(cancellationToken);

    internal static async Task<VersionSummary?> SummaryAsync(PortalDbContext db, int versionId, CancellationToken cancellationToken)
    {
        var version = await db.FrameworkVersions.AsNoTracking()
            .Where(v => v.Id == versionId)
            .Select(v => new
            {
                v.Id,
                v.PolicyFramework!.Key,
                v.PolicyFramework.Name,
                v.PolicyFramework.Publisher,
                v.Label,
                v.Status,
                v.ImportedAt,
                v.PublishedAt,
                Count = v.Requirements.Count,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (version is null)
        {
            return null;
        }

        var sections = await db.PolicySections.AsNoTracking()
            .Where(s => s.FrameworkVersionId == versionId)
            .OrderBy(s => s.Order)
            .Select(s => new SectionSummary(s.Code, s.Title, s.Source, s.Summary))
            .ToListAsync(cancellationToken);
        return new VersionSummary(version.Id, version.Key, version.Name, version.Publisher, version.Label, version.Status, version.ImportedAt, version.PublishedAt, version.Count, sections);
    }

    private static async Task<List<RequirementListItem>> ListItemsAsync(PortalDbContext db, int versionId, CancellationToken cancellationToken)
    {
        var rows = await db.PolicyRequirements.AsNoTracking()
            .Where(r => r.FrameworkVersionId == versionId)
            .OrderBy(r => r.Order)
            .ToListAsync(cancellationToken);
        return rows.Select(ToListItem).ToList();
    }

    private static RequirementListItem ToListItem(PolicyRequirement r) => new(
        r.Code, r.SectionCode, r.Order, r.Title, r.Statement, r.Guidance, r.Obligation, r.Actors, r.Evidence,
        r.ProcureStanding, r.DevelopStanding, r.UpgradeStanding, r.Conditions);

    private static async Task<bool> IsVisibleAsync(PortalDbContext db, Caller caller, int versionId, CancellationToken cancellationToken)
    {
        var status = await db.FrameworkVersions.Where(v => v.Id == versionId).Select(v => (FrameworkVersionStatus?)v.Status).SingleOrDefaultAsync(cancellationToken);
        return status is { } s && CanSee(caller, s);
    }

    private static bool CanSee(Caller caller, FrameworkVersionStatus status) =>
        status != FrameworkVersionStatus.Draft || caller.IsInRole(PortalRoles.Administrator);

    private static void RequireReader(Caller caller)
    {
        if (caller.Roles.Count == 0)
        {
            throw new AccessDeniedException("Your account has no portal role yet. Ask your administrator to assign one.");
        }
    }
}
