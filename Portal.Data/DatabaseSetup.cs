using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

/// <summary>The <c>Database</c> settings: which provider, where, and whether to migrate at start-up.</summary>
public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For SQLite, empty means a file in the app's data folder.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Null means "the provider's default": SQLite (embedded, single instance) migrates at start-up; SQL Server is
    /// migrated at deployment by the idempotent script or bundle unless a single-instance install opts in.
    /// </summary>
    public bool? MigrateOnStartup { get; set; }

    public bool ShouldMigrateOnStartup => MigrateOnStartup ?? Provider == DatabaseProvider.Sqlite;
}

/// <summary>The one switch between the embedded SQLite default and SQL Server in production.</summary>
public static class DatabaseSetup
{
    public const string SqliteMigrationsAssembly = "Portal.Migrations.Sqlite";
    public const string SqlServerMigrationsAssembly = "Portal.Migrations.SqlServer";

    private static readonly Scorecards.StaleScoreMarker ScoreInterceptor = new();

    /// <summary>The database, and the <see cref="Scorecards.StaleScoreSignal"/> its saves raise for this instance's score worker.</summary>
    public static IServiceCollection AddPortalDatabase(this IServiceCollection services, DatabaseOptions options)
    {
        var signal = new Scorecards.StaleScoreSignal();
        var marker = new Scorecards.StaleScoreMarker(signal);
        services.AddSingleton(signal);
        services.AddDbContextFactory<PortalDbContext>(builder => Configure(builder, options, marker));
        return services;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, DatabaseOptions options) =>
        Configure(builder, options, ScoreInterceptor);

    /// <summary>As <see cref="Configure(DbContextOptionsBuilder, DatabaseOptions)"/>, with a marker that signals a worker.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder builder, DatabaseOptions options, Scorecards.StaleScoreMarker marker)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new InvalidOperationException(
                "Database:ConnectionString is empty. Set it, or leave Database:Provider as Sqlite to use the embedded default.");
        }

        builder.AddInterceptors(marker);
        return options.Provider switch
        {
            DatabaseProvider.Sqlite => builder.UseSqlite(
                options.ConnectionString, sqlite => sqlite.MigrationsAssembly(SqliteMigrationsAssembly)),
            DatabaseProvider.SqlServer => builder.UseSqlServer(
                options.ConnectionString, sql => sql.MigrationsAssembly(SqlServerMigrationsAssembly).EnableRetryOnFailure()),
            _ => throw new InvalidOperationException($"Database:Provider '{options.Provider}' is not supported; use Sqlite or SqlServer."),
        };
    }

    /// <summary>The embedded default: a SQLite file in <paramref name="dataDirectory"/>, created when missing.</summary>
    public static string DefaultSqliteConnectionString(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "portal.db"),
        }.ToString();
    }
}
