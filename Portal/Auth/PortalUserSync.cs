using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Data.Users;

namespace Portal.Auth;

/// <summary>
/// Keeps the portal's record of a person who signs in with Entra ID: created on first sign-in (unlinked, until an
/// administrator links it to an organisation or supplier), refreshed with name, e-mail and role afterwards.
/// </summary>
public sealed class PortalUserSync(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public async Task<int?> SyncAsync(string tenantId, string objectId, string displayName, string email, string? role, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.TenantId == tenantId && u.ObjectId == objectId, cancellationToken);
        if (user is null)
        {
            user = new PortalUser
            {
                TenantId = tenantId,
                ObjectId = objectId,
                DisplayName = displayName,
                Email = email,
                Role = role,
                CreatedAt = now,
                LastSignedInAt = now,
            };
            db.Users.Add(user);
            db.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = now,
                ActorName = displayName,
                ActorRole = role,
                Action = "UserFirstSignedIn",
                EntityType = nameof(PortalUser),
                EntityId = $"{tenantId}/{objectId}",
                Summary = $"{displayName} ({email}) signed in for the first time and awaits linking to an organisation or supplier.",
            });
        }
        else
        {
            user.DisplayName = displayName;
            user.Email = email;
            user.Role = role;
            user.LastSignedInAt = now;
            user.ConcurrencyStamp = Guid.NewGuid();
        }

        await db.SaveChangesAsync(cancellationToken);
        return user.IsActive ? user.Id : null;
    }
}
