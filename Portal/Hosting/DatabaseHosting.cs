using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Seed;

namespace Portal.Hosting;

public static class DatabaseHosting
{
    /// <summary>
    /// Reads the Database section. With no connection string the portal uses its embedded default: a SQLite file
    /// in App_Data under the content root (git ignores it).
    /// </summary>
    public static WebApplicationBuilder AddPortalDatabase(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            if (options.Provider != DatabaseProvider.Sqlite)
            {
                throw new PortalConfigurationException(
                    "Database:ConnectionString is required when Database:Provider is SqlServer. See appsettings.template.json.");
            }

            options.ConnectionString = DatabaseSetup.DefaultSqliteConnectionString(
                Path.Combine(builder.Environment.ContentRootPath, "App_Data"));
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddPortalDatabase(options);
        builder.Services.AddScoped<DemoSelfAssessment>();
        return builder;
    }

    /// <summary>
    /// Brings the schema up to date where this instance owns it (SQLite, or a single-instance SQL Server install
    /// that opted in), refuses to start on a schema that is behind, then seeds the catalogue and demo data.
    /// </summary>
    public static async Task PreparePortalDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<DatabaseOptions>();
        var contexts = app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var now = app.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var logger = app.Services.GetRequiredService<ILogger<PortalDbContext>>();

        await using var db = await contexts.CreateDbContextAsync();
        if (options.ShouldMigrateOnStartup)
        {
            logger.LogInformation("Migrating the database ({Provider})...", options.Provider);
            await db.Database.MigrateAsync();
        }
        else
        {
            var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
            if (pending.Count > 0)
            {
                throw new PortalConfigurationException(
                    $"The database is {pending.Count} migration(s) behind ({string.Join(", ", pending)}). Apply the idempotent " +
                    "migration script at deployment (see README, 'Deploying'), or set Database:MigrateOnStartup=true for a single-instance install.");
            }
        }

        if (options.Provider == DatabaseProvider.Sqlite)
        {
            // Write-ahead logging lets readers carry on while the single writer commits.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        var demoData = app.Configuration.GetValue("Seed:DemoData", app.Environment.IsDevelopment());
        if (demoData)
        {
            logger.LogInformation("Seeding the policy catalogue and demo data...");
        }
        else
        {
            logger.LogInformation("Seeding the policy catalogue...");
        }
        await PortalSeeder.SeedAsync(db, now, demoData);
        if (demoData && app.Configuration.GetValue("Seed:SelfAssessment", true))
        {
            using var scope = app.Services.CreateScope();
            var baseUrl = (app.Configuration["Seed:PublicBaseUrl"] ?? "http://localhost:5080").TrimEnd('/');
            await scope.ServiceProvider.GetRequiredService<DemoSelfAssessment>().EnsureAsync(baseUrl);
        }
        logger.LogInformation("Database ready ({Provider}); demo data {DemoData}", options.Provider, demoData ? "seeded" : "off");
    }
}
