using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Users;

namespace Portal.Auth;

/// <summary>
/// Turns a signed-in principal into a <see cref="Caller"/>, reading the person's record from the database each time:
/// a deactivated person is no one, and their organisation or supplier is the one they are linked to now.
/// </summary>
public sealed class CallerResolver(IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<Caller?> ResolveAsync(ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        if (principal.Identity?.IsAuthenticated != true
            || !int.TryParse(principal.FindFirstValue(PortalClaimTypes.UserId), NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
        {
            return null;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId && u.IsActive)
            .Select(u => new
            {
                u.Id,
                u.DisplayName,
                u.Email,
                u.Role,
                u.NhsOrganisationId,
                OrganisationName = u.NhsOrganisation!.Name,
                OdsCode = u.NhsOrganisation!.OdsCode,
                u.SupplierId,
                SupplierName = u.Supplier!.Name,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return null;
        }

        // The role recorded at the person's latest sign-in (or token use) must still be one this session carries: when it
        // is not (the role was removed or changed since), the session acts with no role until the person signs in again.
        // Only the first role is recorded, so a person with two keeps both while the first still holds.
        var roles = user.Role is not null && principal.IsInRole(user.Role)
            ? PortalRoles.All.Where(principal.IsInRole).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
        return new Caller(
            user.Id,
            user.DisplayName,
            user.Email,
            roles,
            user.NhsOrganisationId,
            user.NhsOrganisationId is null ? null : user.OrganisationName,
            user.NhsOrganisationId is null ? null : user.OdsCode,
            user.SupplierId,
            user.SupplierId is null ? null : user.SupplierName);
    }
}
