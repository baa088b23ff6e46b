using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Seed;

namespace Portal.Tests.TestSupport;

/// <summary>
/// A real SQLite database file, migrated by the real SQLite migrations and seeded like the embedded default.
/// Each instance has its own file, deleted on dispose.
/// </summary>
public sealed class TestDatabase : IDbContextFactory<PortalDbContext>, IAsyncDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "portal-tests", Guid.NewGuid().ToString("N"));

    private TestDatabase()
    {
        Options = new DatabaseOptions
        {
            Provider = DatabaseProvider.Sqlite,
            ConnectionString = DatabaseSetup.DefaultSqliteConnectionString(_directory),
        };
    }

    public DatabaseOptions Options { get; }

    public string Directory => _directory;

    public static DateTime SeededAt { get; } = new(2026, 11, 2, 9, 0, 0, DateTimeKind.Utc);

    public static async Task<TestDatabase> CreateAsync(bool demoData = true)
    {
        var database = new TestDatabase();
        await using var db = database.CreateDbContext();
        await db.Database.MigrateAsync();
        await PortalSeeder.SeedAsync(db, SeededAt, demoData);
        return database;
    }

    public PortalDbContext CreateDbContext()
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(builder, Options);
        return new PortalDbContext(builder.Options);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finished test only costs temp space; the OS cleans temp later.
        }

        return ValueTask.CompletedTask;
    }
}
