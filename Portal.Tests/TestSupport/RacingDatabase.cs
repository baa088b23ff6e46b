using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Data;

namespace Portal.Tests.TestSupport;

/// <summary>
/// A test database on which someone else changes an assessment (a new concurrency stamp) between a command's read and
/// its save, once, as a second person clicking at the same moment would: the command's save then meets a
/// <see cref="DbUpdateConcurrencyException"/>.
/// </summary>
public sealed class RacingDatabase(TestDatabase database, int assessmentId) : IDbContextFactory<PortalDbContext>
{
    private readonly Interceptor _interceptor = new(database, assessmentId);

    /// <summary>Whether the other person's change has happened.</summary>
    public bool Raced => _interceptor.Raced;

    public PortalDbContext CreateDbContext()
    {
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        Portal.Data.DatabaseSetup.Configure(builder, database.Options);
        builder.AddInterceptors(_interceptor);
        return new PortalDbContext(builder.Options);
    }

    /// <summary>Changes the assessment just before the save's transaction begins (inside it, SQLite would make the other writer wait).</summary>
    private sealed class Interceptor(TestDatabase database, int assessmentId) : DbTransactionInterceptor
    {
        public bool Raced { get; private set; }

        public override async ValueTask<InterceptionResult<System.Data.Common.DbTransaction>> TransactionStartingAsync(
            System.Data.Common.DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<System.Data.Common.DbTransaction> result,
            CancellationToken cancellationToken = default)
        {
            if (!Raced)
            {
                Raced = true;
                await using var other = database.CreateDbContext();
                await other.Assessments.Where(a => a.Id == assessmentId)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.ConcurrencyStamp, Guid.NewGuid()), cancellationToken);
            }

            return result;
        }
    }
}
