using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Data;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Contexts on a test database that note every SQL command they send, so a test can hold a page's data load to a
/// budget. The texts are kept for the failure message: a budget that breaks should say which commands it saw.
/// </summary>
public sealed class SqlCommandCounter(TestDatabase database) : IDbContextFactory<PortalDbContext>
{
    private readonly Recorder _recorder = new();

    public IReadOnlyList<string> Commands => [.. _recorder.Texts];

    public PortalDbContext CreateDbContext()
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(builder, database.Options);
        builder.AddInterceptors(_recorder);
        return new PortalDbContext(builder.Options);
    }

    /// <summary>Runs <paramref name="load"/> and returns the commands it sent.</summary>
    public async Task<IReadOnlyList<string>> CountAsync(Func<Task> load)
    {
        _recorder.Texts.Clear();
        await load();
        return Commands;
    }

    /// <summary>EF initialises a new command for every execution, so one hook sees every query, scalar and write.</summary>
    private sealed class Recorder : DbCommandInterceptor
    {
        public ConcurrentQueue<string> Texts { get; } = new();

        public override DbCommand CommandInitialized(CommandEndEventData eventData, DbCommand result)
        {
            Texts.Enqueue(result.CommandText);
            return result;
        }
    }
}
