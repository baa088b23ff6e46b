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

    public sealed record OrganisationRow(int Id, string OdsCode, string Name, NhsOrganisationKind Kind, int People);

    public sealed record SupplierRow(int Id, string Name, string? CompanyNumber, int People);

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
            .Select(o => new OrganisationRow(o.Id, o.OdsCode, o.Name, o.Kind, db.Users.Count(u => u.NhsOrganisationId == o.Id)))
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
    /// </summary>
    public async Task<CommandResult> LinkPersonAsync(
        Caller caller, int userId, int? nhsOrganisationId, int? supplierId, Guid expectedStamp, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        if (nhsOrganisationId is not null && supplierId is not null)
        {
            return CommandResult.Refused("Choose either an NHS organisation or a supplier, not both.", "affiliation");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.Include(u => u.NhsOrganisation).Include(u => u.Supplier)
            .SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return CommandResult.Refused("That person no longer exists.");
        }

        if (user.ConcurrencyStamp != expectedStamp)
        {
            return CommandResult.Conflict($"Someone else changed {user.DisplayName}'s record while you were editing it. Reload to see their change, then try again.");
        }

        if (user.Role == PortalRoles.SupplierAccountManager && nhsOrganisationId is not null)
        {
            return CommandResult.Refused($"{user.DisplayName} is a supplier account manager: link them to a supplier.", "affiliation");
        }

        if (user.Role is not null && PortalRoles.IsNhsRole(user.Role) && supplierId is not null)
        {
            return CommandResult.Refused($"{user.DisplayName} has an NHS role ({PortalRoles.DisplayName(user.Role)}): link them to an NHS organisation.", "affiliation");
        }

        NhsOrganisation? organisation = null;
        Supplier? supplier = null;
        if (nhsOrganisationId is not null
            && (organisation = await db.NhsOrganisations.FindAsync([nhsOrganisationId.Value], cancellationToken)) is null)
        {
            return CommandResult.Refused("That NHS organisation no longer exists.", "affiliation");
        }

        if (supplierId is not null && (supplier = await db.Suppliers.FindAsync([supplierId.Value], cancellationToken)) is null)
        {
            return CommandResult.Refused("That supplier no longer exists.", "affiliation");
        }

        var before = user.NhsOrganisation?.Name ?? user.Supplier?.Name ?? "not linked";
        var after = organisation?.Name ?? supplier?.Name ?? "not linked";
        user.LinkTo(nhsOrganisationId, supplierId);
        AuditTrail.Record(db, caller, clock.GetUtcNow().UtcDateTime, "PersonLinked", nameof(PortalUser), user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"Linked {user.DisplayName} to {after}.", before, after);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return CommandResult.Conflict($"Someone else changed {user.DisplayName}'s record at the same moment. Reload to see their change, then try again.");
        }

        return CommandResult.Done($"{user.DisplayName} now acts for {after}.");
    }

    public async Task<CommandResult> SetActiveAsync(Caller caller, int userId, bool active, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        if (userId == caller.UserId && !active)
        {
            return CommandResult.Refused("You cannot deactivate your own account.");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null)
        {
            return CommandResult.Refused("That person no longer exists.");
        }

        user.IsActive = active;
        user.ConcurrencyStamp = Guid.NewGuid();
        AuditTrail.Record(db, caller, clock.GetUtcNow().UtcDateTime, active ? "PersonReactivated" : "PersonDeactivated", nameof(PortalUser),
            user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{(active ? "Reactivated" : "Deactivated")} {user.DisplayName}.", (!active).ToString(), active.ToString());
        await db.SaveChangesAsync(cancellationToken);
        return CommandResult.Done($"{user.DisplayName} is {(active ? "active" : "deactivated")}.");
    }

    public async Task<CommandResult> AddOrganisationAsync(Caller caller, string? odsCode, string? name, NhsOrganisationKind kind, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        var code = (odsCode ?? string.Empty).Trim().ToUpperInvariant();
        var cleanName = (name ?? string.Empty).Trim();
        if (!OdsCodePattern().IsMatch(code))
        {
            return CommandResult.Refused("Enter the ODS code: 3 to 6 letters and digits, for example RX1 or QMM.", "odsCode");
        }

        if (cleanName.Length is < 3 or > 200)
        {
            return CommandResult.Refused("Enter the organisation's name (3 to 200 characters).", "name");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.NhsOrganisations.AnyAsync(o => o.OdsCode == code, cancellationToken))
        {
            return CommandResult.Refused($"An organisation with ODS code {code} already exists.", "odsCode");
        }

        db.NhsOrganisations.Add(new NhsOrganisation { OdsCode = code, Name = cleanName, Kind = kind });
        AuditTrail.Record(db, caller, clock.GetUtcNow().UtcDateTime, "OrganisationAdded", nameof(NhsOrganisation), code, $"Added {cleanName} ({code}).", after: cleanName);
        await db.SaveChangesAsync(cancellationToken);
        return CommandResult.Done($"Added {cleanName} ({code}).");
    }

    public async Task<CommandResult> AddSupplierAsync(Caller caller, string? name, string? companyNumber, CancellationToken cancellationToken = default)
    {
        RequireAdministrator(caller);
        var cleanName = (name ?? string.Empty).Trim();
        var number = string.IsNullOrWhiteSpace(companyNumber) ? null : companyNumber.Trim().ToUpperInvariant();
        if (cleanName.Length is < 2 or > 200)
        {
            return CommandResult.Refused("Enter the supplier's name (2 to 200 characters).", "name");
        }

        if (number is not null && !CompanyNumberPattern().IsMatch(number))
        {
            return CommandResult.Refused("A Companies House number is 8 characters, for example 01234567 or SC123456.", "companyNumber");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Suppliers.AnyAsync(s => s.Name == cleanName, cancellationToken))
        {
            return CommandResult.Refused($"A supplier called {cleanName} already exists.", "name");
        }

        db.Suppliers.Add(new Supplier { Name = cleanName, CompanyNumber = number });
        AuditTrail.Record(db, caller, clock.GetUtcNow().UtcDateTime, "SupplierAdded", nameof(Supplier), cleanName, $"Added supplier {cleanName}.", after: cleanName);
        await db.SaveChangesAsync(cancellationToken);
        return CommandResult.Done($"Added supplier {cleanName}.");
    }

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
