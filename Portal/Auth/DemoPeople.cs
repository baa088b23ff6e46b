using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Seed;

namespace Portal.Auth;

/// <summary>The demo people the development sign-in offers. Empty outside Development, where that sign-in does not exist.</summary>
public sealed class DemoPeople(IDbContextFactory<PortalDbContext> contexts, IWebHostEnvironment environment)
{
    /// <param name="ApiToken">The person's well-known API token, which the portal accepts only in Development.</param>
    public sealed record Person(int UserId, string Name, string? Role, string Affiliation, string ApiToken);

    public async Task<IReadOnlyList<Person>> ListAsync(CancellationToken cancellationToken = default)
    {
        if (!environment.IsDevelopment())
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var people = await db.Users.AsNoTracking()
            .Where(u => u.TenantId == PortalSeeder.DemoTenantId && u.IsActive)
            .OrderBy(u => u.Id)
            .Select(u => new
            {
                u.Id,
                u.DisplayName,
                u.Role,
                u.ObjectId,
                Organisation = u.NhsOrganisation == null ? null : u.NhsOrganisation.Name,
                Supplier = u.Supplier == null ? null : u.Supplier.Name,
            })
            .ToListAsync(cancellationToken);
        return people.Select(p => new Person(p.Id, p.DisplayName, p.Role, p.Organisation ?? p.Supplier ?? "Not linked", PortalSeeder.DemoToken(p.ObjectId))).ToList();
    }
}
