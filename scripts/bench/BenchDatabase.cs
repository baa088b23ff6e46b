using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Users;

namespace Portal.Benchmarks;

/// <summary>
/// The benchmark's database seen from its own process, for the figures it takes without HTTP (PDF rendering, the
/// dashboard's aggregates): the portal's own model and interceptors, and the signed-in officer as a caller.
/// </summary>
public sealed class BenchDatabase(string databasePath)
{
    public IDbContextFactory<PortalDbContext> Contexts { get; } = Pooled(databasePath);

    /// <summary>Contexts on the same database that also pass every command through <paramref name="interceptor"/> (to time them).</summary>
    public IDbContextFactory<PortalDbContext> ContextsWith(Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor interceptor) => Pooled(databasePath, interceptor);

    /// <summary>The demo procurement officer as the portal would resolve her from her sign-in.</summary>
    public async Task<Caller> OfficerAsync(int userId, CancellationToken cancellationToken)
    {
        await using var db = await Contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().Include(u => u.NhsOrganisation).SingleAsync(u => u.Id == userId, cancellationToken);
        return new Caller(user.Id, user.DisplayName, user.Email, new HashSet<string> { PortalRoles.ProcurementOfficer },
            user.NhsOrganisationId, user.NhsOrganisation?.Name, user.NhsOrganisation?.OdsCode, null, null);
    }

    private static PooledDbContextFactory<PortalDbContext> Pooled(string databasePath, Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor? interceptor = null)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(options, new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={databasePath}" });
        if (interceptor is not null)
        {
            options.AddInterceptors(interceptor);
        }

        return new PooledDbContextFactory<PortalDbContext>(options.Options);
    }
}
