using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Organisations;
using Portal.Data.Users;
using Portal.Features.Audit;

namespace Portal.Features.Administration;

/// <summary>People, NHS organisations and suppliers: only administrators see or change them.</summary>
public sealed partial class AdministrationService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public sealed record PersonRow(
        int UserId,
        string DisplayName,
        string Email,
        string? Role,
        int? NhsOrganisationId,
        string? OrganisationName,
        int? SupplierId,
        string? SupplierName,
        bool IsActive,
        DateTime? LastSignedInAt,
        Guid ConcurrencyStamp)
    {
        public bool IsLinked => NhsOrganisationId is not null || SupplierId is not null;
    }

    public sealed record OrganisationRow(
        int Id, string OdsCode, string Name, NhsOrganisationKind Kind, int People, string? ParentOdsCode, string? ParentName, Guid ConcurrencyStamp);

    public sealed record SupplierRow(int Id, string Name, string? CompanyNumber, int People);

    /// <summary>A background job's lease and its last run, as administrators see it.</summary>
    public sealed record JobRow(
        string Name,
        string HeldBy,
        DateTime HeldUntil,
        string? LastRunBy,
        DateTime? LastStartedAt,
        DateTime? LastFinishedAt,
        string? LastResult,
        string? LastError,
        DateTime? LastSucceededAt)
    {
        public bool Failed => LastError is not null;

        /// <summary>Started and not finished: running now, or its instance stopped in the middle (the next holder runs it again).</summary>
        public bool Unfinished => LastStartedAt is not null && LastFinishedAt is null;
    }

    /// <summary>Every background job that has run: which instance holds it, and how its last run went.</summary>
    public async Task<IReadOnlyList<JobRow>> ListJobsAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.WorkerLeases.AsNoTracking()
            .OrderBy(l => l.Name)
            .Select(l => new JobRow(l.Name, l.HeldBy, l.Until, l.LastRunBy, l.LastStartedAt, l.LastFinishedAt, l.LastResult, l.LastError, l.LastSucceededAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<PersonRow>> ListPeopleAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking()
            .OrderBy(u => u.NhsOrganisationId != null || u.SupplierId != null)
            .ThenBy(u => u.DisplayName)
            .Select(u => new PersonRow(
                u.Id,
                u.DisplayName,
                u.Email,
                u.Role,
                u.NhsOrganisationId,
                u.NhsOrganisation == null ? null : u.NhsOrganisation.Name,
                u.SupplierId,
                u.Supplier == null ? null : u.Supplier.Name,
                u.IsActive,
                u.LastSignedInAt,
                u.ConcurrencyStamp))
            .ToListAsync(cancellationToken);
    }

    public async Task<int> CountPeopleAwaitingLinkAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Users.CountAsync(u => u.IsActive && u.NhsOrganisationId == null && u.SupplierId == null, cancellationToken);
    }

    public async Task<IReadOnlyList<OrganisationRow>> ListOrganisationsAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.NhsOrganisations.AsNoTracking()
            .OrderBy(o => o.Name)
            .Select(o => new OrganisationRow(o.Id, o.OdsCode, o.Name, o.Kind, db.Users.Count(u => u.NhsOrganisationId == o.Id),
                o.Parent == null ? null : o.Parent.OdsCode, o.Parent == null ? null : o.Parent.Name, o.ConcurrencyStamp))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<SupplierRow>> ListSuppliersAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Suppliers.AsNoTracking()
            .OrderBy(s => s.Name)
            .Select(s => new SupplierRow(s.Id, s.Name, s.CompanyNumber, db.Users.Count(u => u.SupplierId == s.Id)))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Links a person to the NHS organisation or supplier they act for. Supplier account managers belong to a
    /// supplier and NHS roles to an NHS organisation, so a link that contradicts the person's role is refused.
    /// <paramref name="read"/> is the version of the person's record the administrator chose from: a link made
    /// over someone else's change is stale.
    /// </summary>
    public async Task<Outcome> LinkPersonAsync(
        Caller caller, int userId, int? nhsOrganisationId, int? supplierId, ReadVersion read, CancellationToken cancellationToken = default)
    {
        if (NotAdministrator(caller) is { } forbidden)
        {
            return forbidden;
        }

        if (nhsOrganisationId is not null && supplierId is not null)
        {
            return Outcome.Invalid("Choose either an NHS organisation or a supplier, not both.", "affiliation");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.Include(u => u.NhsOrganisation).Include(u => u.Supplier)
            .SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return Outcome.NotFound(PersonGone);
        }

        if (!read.Permits(user.ConcurrencyStamp, somethingToLose: true))
        {
            return Outcome.Stale($"Someone else changed {user.DisplayName}'s record while you were editing it. Reload to see their change, then try again.");
        }

        if (user.Role == PortalRoles.SupplierAccountManager && nhsOrganisationId is not null)
        {
            return Outcome.Invalid($"{user.DisplayName} is a supplier account manager: link them to a supplier.", "affiliation");
        }

        if (user.Role is not null && PortalRoles.IsNhsRole(user.Role) && supplierId is not null)
        {
            return Outcome.Invalid($"{user.DisplayName} has an NHS role ({PortalRoles.DisplayName(user.Role)}): link them to an NHS organisation.", "affiliation");
        }

        NhsOrganisation? organisation = null;
        Supplier? supplier = null;
        if (nhsOrganisationId is not null
            && (organisation = await db.NhsOrganisations.FindAsync([nhsOrganisationId.Value], cancellationToken)) is null)
        {
            return Outcome.Invalid("That NHS organisation no longer exists.", "affiliation");
        }

        if (supplierId is not null && (supplier = await db.Suppliers.FindAsync([supplierId.Value], cancellationToken)) is null)
        {
            return Outcome.Invalid("That supplier no longer exists.", "affiliation");
        }

        var before = user.NhsOrganisation?.Name ?? user.Supplier?.Name ?? "not linked";
        var after = organisation?.Name ?? supplier?.Name ?? "not linked";
        user.LinkTo(nhsOrganisationId, supplierId);
        AuditTrail.Record(db, caller, clock.GetUtcNow().UtcDateTime, "PersonLinked", nameof(PortalUser), user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"Linked {user.DisplayName} to {after}.", before, after);
        return await db.SaveCommandAsync(SavedAtOnce(user), cancellationToken) ?? Outcome.Done($"{user.DisplayName} now acts for {after}.");
    }

    /// <summary>
    /// Deactivates or reactivates a person. The change is to a state the administrator names, so a call that names no
    /// version goes ahead; one that names the version the administrator read is stale if the record changed since.
    /// </summary>
    public async Task<Outcome> SetActiveAsync(Caller caller, int userId, bool active, ReadVersion read, CancellationToken cancellationToken = default)
    {
        if (NotAdministrator(caller) is { } forbidden)
        {
            return forbidden;
        }

        if (userId == caller.UserId && !active)
        {
            return Outcome.Forbidden("You cannot deactivate your own account.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return Outcome.NotFound(PersonGone);
        }

        if (!read.Permits(user.ConcurrencyStamp, somethingToLose: false))
        {
            return Outcome.Stale($"Someone else changed {user.DisplayName}'s record since you opened it. Reload to see their change, then try again.");
        }

        user.IsActive = active;
        user.ConcurrencyStamp = Guid.NewGuid();
        AuditTrail.Record(db, caller, clock.GetUtcNow().UtcDateTime, active ? "PersonReactivated" : "PersonDeactivated", nameof(PortalUser),
            user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{(active ? "Reactivated" : "Deactivated")} {user.DisplayName}.", AuditValues.Access(!active), AuditValues.Access(active));
        return await db.SaveCommandAsync(SavedAtOnce(user), cancellationToken) ?? Outcome.Done($"{user.DisplayName} is {(active ? "active" : "deactivated")}.");
    }

    /// <summary>Adds an NHS organisation; gives back its id.</summary>
    public async Task<Outcome<int>> AddOrganisationAsync(Caller caller, string? odsCode, string? name, NhsOrganisationKind kind, CancellationToken cancellationToken = default)
    {
        if (NotAdministrator(caller) is { } forbidden)
        {
            return forbidden;
        }

        var code = (odsCode ?? string.Empty).Trim().ToUpperInvariant();
        var cleanName = (name ?? string.Empty).Trim();
        if (!OdsCodePattern().IsMatch(code))
        {
            return Outcome.Invalid("Enter the ODS code: 3 to 6 letters and digits, for example RX1 or QMM.", "odsCode");
        }

        if (cleanName.Length is < 3 or > 200)
        {
            return Outcome.Invalid("Enter the organisation's name (3 to 200 characters).", "name");
        }

        if (!Enum.IsDefined(kind))
        {
            return Outcome.Invalid("Choose the kind of organisation.", "kind");
        }

        var taken = Outcome.Invalid($"An organisation with ODS code {code} already exists.", "odsCode");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.NhsOrganisations.AnyAsync(o => o.OdsCode == code, cancellationToken))
        {
            return taken;
        }

        var organisation = new NhsOrganisation { OdsCode = code, Name = cleanName, Kind = kind };
        db.NhsOrganisations.Add(organisation);
        AuditTrail.Record(db, caller, clock.GetUtcNow().UtcDateTime, "OrganisationAdded", nameof(NhsOrganisation), code, $"Added {cleanName} ({code}).", after: cleanName);
        return await SaveNewAsync(db, () => db.NhsOrganisations.AnyAsync(o => o.OdsCode == code, CancellationToken.None), taken, cancellationToken) is { } refused
            ? refused
            : Outcome.Done(organisation.Id, $"Added {cleanName} ({code}).");
    }

    /// <summary>
    /// Puts an organisation under the integrated care board with ODS code <paramref name="parentOdsCode"/>, or under none
    /// when it is blank. The parent must be an ICB and an ICB has no parent, so the relationship is one level deep and
    /// can never loop. The ICB's dashboard totals its members' figures from the next visit; it never gains access to
    /// their assessments. <paramref name="read"/> is the version of the organisation the administrator chose from.
    /// </summary>
    public async Task<Outcome> SetParentAsync(
        Caller caller, int organisationId, string? parentOdsCode, ReadVersion read, CancellationToken cancellationToken = default)
    {
        if (NotAdministrator(caller) is { } forbidden)
        {
            return forbidden;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var organisation = await db.NhsOrganisations.Include(o => o.Parent).SingleOrDefaultAsync(o => o.Id == organisationId, cancellationToken);
        if (organisation is null)
        {
            return Outcome.NotFound("That NHS organisation no longer exists.");
        }

        if (!read.Permits(organisation.ConcurrencyStamp, somethingToLose: true))
        {
            return Outcome.Stale($"Someone else changed {organisation.Name} while you were editing it. Reload to see their change, then try again.");
        }

        var code = (parentOdsCode ?? string.Empty).Trim().ToUpperInvariant();
        NhsOrganisation? parent = null;
        if (code.Length > 0)
        {
            if (!OdsCodePattern().IsMatch(code))
            {
                return Outcome.Invalid("Enter the ICB's ODS code: 3 to 6 letters and digits, for example QMM. Leave it blank for no ICB.", ParentField);
            }

            if (organisation.Kind == NhsOrganisationKind.IntegratedCareBoard)
            {
                return Outcome.Invalid($"{organisation.Name} is an integrated care board: an ICB has no parent. Leave it blank.", ParentField);
            }

            if (code == organisation.OdsCode)
            {
                return Outcome.Invalid($"{organisation.Name} cannot be its own parent: enter its integrated care board's ODS code.", ParentField);
            }

            parent = await db.NhsOrganisations.SingleOrDefaultAsync(o => o.OdsCode == code, cancellationToken);
            if (parent is null)
            {
                return Outcome.Invalid($"No organisation has ODS code {code}. Add the ICB first, or check the code.", ParentField);
            }

            if (parent.Kind != NhsOrganisationKind.IntegratedCareBoard)
            {
                return Outcome.Invalid($"{parent.Name} ({code}) is not an integrated care board: a parent must be an ICB.", ParentField);
            }
        }

        var before = organisation.Parent is { } old ? $"{old.Name} ({old.OdsCode})" : "no ICB";
        var after = parent is null ? "no ICB" : $"{parent.Name} ({parent.OdsCode})";
        if (organisation.ParentId == parent?.Id)
        {
            return Outcome.Done($"{organisation.Name} is already under {after}.");
        }

        organisation.MoveUnder(parent?.Id);
        AuditTrail.Record(db, caller, clock.GetUtcNow().UtcDateTime, "OrganisationParentSet", nameof(NhsOrganisation), organisation.OdsCode,
            $"Put {organisation.Name} ({organisation.OdsCode}) under {after}.", before, after);
        return await db.SaveCommandAsync(
            $"Someone else changed {organisation.Name} at the same moment. Reload to see their change, then try again.", cancellationToken)
            ?? Outcome.Done(parent is null ? $"{organisation.Name} is no longer under an ICB." : $"{organisation.Name} is now under {after}.");
    }

    /// <summary>The field a parent's refusal names, in the page and the API.</summary>
    public const string ParentField = "parentOdsCode";

    /// <summary>Adds a supplier; gives back its id.</summary>
    public async Task<Outcome<int>> AddSupplierAsync(Caller caller, string? name, string? companyNumber, CancellationToken cancellationToken = default)
    {
        if (NotAdministrator(caller) is { } forbidden)
        {
            return forbidden;
        }

        var cleanName = (name ?? string.Empty).Trim();
        var number = string.IsNullOrWhiteSpace(companyNumber) ? null : companyNumber.Trim().ToUpperInvariant();
        if (cleanName.Length is < 2 or > 200)
        {
            return Outcome.Invalid("Enter the supplier's name (2 to 200 characters).", "name");
        }

        if (number is not null && !CompanyNumberPattern().IsMatch(number))
        {
            return Outcome.Invalid("A Companies House number is 8 characters, for example 01234567 or SC123456.", "companyNumber");
        }

        var taken = Outcome.Invalid($"A supplier called {cleanName} already exists.", "name");
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Suppliers.AnyAsync(s => s.Name == cleanName, cancellationToken))
        {
            return taken;
        }

        var supplier = new Supplier { Name = cleanName, CompanyNumber = number };
        db.Suppliers.Add(supplier);
        AuditTrail.Record(db, caller, clock.GetUtcNow().UtcDateTime, "SupplierAdded", nameof(Supplier), cleanName, $"Added supplier {cleanName}.", after: cleanName);
        return await SaveNewAsync(db, () => db.Suppliers.AnyAsync(s => s.Name == cleanName, CancellationToken.None), taken, cancellationToken) is { } refused
            ? refused
            : Outcome.Done(supplier.Id, $"Added supplier {cleanName}.");
    }

    private const string PersonGone = "That person no longer exists.";

    private static string SavedAtOnce(PortalUser user) =>
        $"Someone else changed {user.DisplayName}'s record at the same moment. Reload to see their change, then try again.";

    /// <summary>
    /// Saves a new organisation or supplier. Two administrators adding the same one at once both pass the check before
    /// saving; the unique index refuses the second, which is then told the name is taken rather than shown an error.
    /// </summary>
    private static async Task<Refusal?> SaveNewAsync(PortalDbContext db, Func<Task<bool>> exists, Refusal taken, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            if (await exists())
            {
                return taken;
            }

            throw;
        }
    }

    private static Refusal? NotAdministrator(Caller caller) => caller.IsInRole(PortalRoles.Administrator)
        ? null
        : Outcome.Forbidden("Only a portal administrator can manage people and organisations.");

    private static void RequireAdministrator(Caller caller)
    {
        if (!caller.IsInRole(PortalRoles.Administrator))
        {
            throw new AccessDeniedException("Only a portal administrator can manage people and organisations.");
        }
    }

    [GeneratedRegex("^[A-Z0-9]{3,6}$")]
    private static partial Regex OdsCodePattern();

    [GeneratedRegex("^[A-Z0-9]{8}$")]
    private static partial Regex CompanyNumberPattern();
}
