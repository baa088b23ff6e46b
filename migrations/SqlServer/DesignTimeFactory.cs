using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Portal.Data;

namespace Portal.Migrations.SqlServer;

/// <summary>Used only by 'dotnet ef': migrations and the idempotent script come from the model, with no server needed.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(builder, new DatabaseOptions
        {
            Provider = DatabaseProvider.SqlServer,
            ConnectionString = "Server=(design-time);Database=Portal;Integrated Security=true;TrustServerCertificate=true",
        });
        return new PortalDbContext(builder.Options);
    }
}
