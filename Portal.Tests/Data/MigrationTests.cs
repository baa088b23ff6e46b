using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Data;

public sealed class MigrationTests
{
    private static PortalDbContext ContextFor(DatabaseProvider provider)
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(builder, new DatabaseOptions
        {
            Provider = provider,
            ConnectionString = provider == DatabaseProvider.Sqlite
                ? "Data Source=:memory:"
                : "Server=(never-contacted);Database=Portal;Integrated Security=true;TrustServerCertificate=true",
        });
        return new PortalDbContext(builder.Options);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.SqlServer)]
    public void Migration_set_is_not_behind_the_model(DatabaseProvider provider)
    {
        using var db = ContextFor(provider);

        Assert.False(db.Database.HasPendingModelChanges(),
            $"The model has changes with no {provider} migration. Run migrations/add-migration.sh <Name>.");
    }

    [Fact]
    public async Task Sqlite_migrations_build_every_table_on_an_empty_database()
    {
        await using var database = await TestDatabase.CreateAsync(demoData: false);
        await using var db = database.CreateDbContext();

        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        var tables = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.All(ModelTables(db), table => Assert.Contains(table, tables));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public void Sql_server_idempotent_script_creates_every_table()
    {
        using var db = ContextFor(DatabaseProvider.SqlServer);
        // scripts/test.sh generates the script with 'dotnet ef migrations script --idempotent' and names it here;
        // run alone, the test generates the same script through the same migrator.
        var path = Environment.GetEnvironmentVariable("PORTAL_SQLSERVER_SCRIPT");
        var script = !string.IsNullOrEmpty(path)
            ? File.ReadAllText(path)
            : db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        Assert.Contains("IF NOT EXISTS", script, StringComparison.Ordinal);
        Assert.All(ModelTables(db), table =>
            Assert.Matches(new Regex($@"CREATE TABLE \[{Regex.Escape(table)}\]"), script));
        Assert.All(db.Database.GetMigrations(), migration => Assert.Contains(migration, script, StringComparison.Ordinal));
    }

    private static IEnumerable<string> ModelTables(PortalDbContext db) =>
        db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct();
}
