using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Portal.Data;
using Portal.Data.Seed;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Data;

public sealed class AssessmentScoreMigrationTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "portal-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean from temp.
        }
    }

    [Fact]
    public async Task Upgrading_a_database_gives_every_existing_assessment_a_stale_score_row()
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(builder, new DatabaseOptions { ConnectionString = DatabaseSetup.DefaultSqliteConnectionString(_directory) });
        await using var db = new PortalDbContext(builder.Options);
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        var scores = migrations.FindIndex(m => m.EndsWith("_DashboardScores", StringComparison.Ordinal));
        await migrator.MigrateAsync(migrations[scores - 1]);
        // Only the catalogue through today's seeder: its demo data may need tables added after this migration (API tokens),
        // and its audit events a column (their chain) that a later migration adds, lent here for the seeding only.
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE AuditEvents ADD COLUMN Chain TEXT NOT NULL DEFAULT 'portal'");
        await PortalSeeder.SeedAsync(db, TestDatabase.SeededAt, includeDemoData: false);
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE AuditEvents DROP COLUMN Chain");
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO NhsOrganisations (OdsCode, Name, Kind) VALUES ('XDV', 'Demo Valley NHS Foundation Trust', 'Trust');
            INSERT INTO Users (TenantId, ObjectId, DisplayName, Email, Role, NhsOrganisationId, IsActive, CreatedAt, ConcurrencyStamp)
            VALUES ('demo', 'olivia.hart', 'Olivia Hart', 'olivia.hart@demo-valley.nhs.uk', 'ProcurementOfficer', (SELECT Id FROM NhsOrganisations LIMIT 1), 1,
                '2026-11-01', '7A9619FF-8B86-D011-B42D-00C04FC964FF');
            INSERT INTO Assessments (NhsOrganisationId, CreatedByUserId, FrameworkVersionId, Status, Conditions, ConditionsConfirmed, SystemName,
                StartStepReached, ScopeReviewed, CreatedAt, UpdatedAt, ConcurrencyStamp)
            SELECT (SELECT Id FROM NhsOrganisations LIMIT 1), (SELECT Id FROM Users LIMIT 1), (SELECT Id FROM FrameworkVersions LIMIT 1), 'Draft', 0, 0,
                'Written before scores were kept', 0, 0, '2026-11-01', '2026-11-01', '6F9619FF-8B86-D011-B42D-00C04FC964FF'
            """);

        await migrator.MigrateAsync();

        var score = await db.AssessmentScores.AsNoTracking().SingleAsync();
        Assert.Equal(await db.Assessments.Select(a => a.Id).SingleAsync(), score.AssessmentId);
        Assert.Null(score.CalculatedFromStamp);
    }
}
