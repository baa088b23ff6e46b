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

    private sealed class Recorder : DbCommandInterceptor
    {
        public ConcurrentQueue<string> Texts { get; } = new();

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Texts.Enqueue(command.CommandText);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Texts.Enqueue(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
        {
            Texts.Enqueue(command.CommandText);
            return result;
        }

        public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            Texts.Enqueue(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            Texts.Enqueue(command.CommandText);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Texts.Enqueue(command.CommandText);
            return ValueTask.FromResult(result);
        }
    }
}
