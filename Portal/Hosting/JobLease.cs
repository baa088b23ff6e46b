using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Workers;

namespace Portal.Hosting;

/// <summary>
/// Runs each background job on one portal instance at a time, however many share the database: before each run the
/// worker takes or renews the job's <see cref="WorkerLease"/>, and only the holder runs it. The database decides, with
/// one conditional UPDATE (free, lapsed, or already ours), so no instance needs to know of another; a holder that is
/// killed stops renewing, its lease lapses, and the next instance to try takes the job over.
/// </summary>
/// <remarks>
/// A run that outlasts its lease may overlap the next holder's; jobs are written to be safe when that happens (they
/// only ever do what is still due), so the lease saves duplicate work rather than guarding correctness.
/// </remarks>
public sealed class JobLease(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    /// <summary>This instance, as named in the lease rows it holds: unique per start, readable by an operator.</summary>
    public string Holder { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Takes the lease on <paramref name="job"/> for <paramref name="length"/>, or renews it; false while another instance holds it.</summary>
    public async Task<bool> TryTakeAsync(string job, TimeSpan length, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + length;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var taken = await db.WorkerLeases
            .Where(l => l.Name == job && (l.Until < now || l.HeldBy == Holder))
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.HeldBy, Holder).SetProperty(l => l.Until, until), cancellationToken);
        if (taken == 1)
        {
            return true;
        }

        if (await db.WorkerLeases.AnyAsync(l => l.Name == job, cancellationToken))
        {
            return false;
        }

        db.WorkerLeases.Add(new WorkerLease { Name = job, HeldBy = Holder, Until = until });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException)
        {
            // Another instance made the row first: it holds the job. Anything else is a real failure.
            if (await db.WorkerLeases.AsNoTracking().AnyAsync(l => l.Name == job, cancellationToken))
            {
                return false;
            }

            throw;
        }
    }
}
