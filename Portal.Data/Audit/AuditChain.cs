using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Portal.Data.Audit;

/// <summary>
/// Links every new audit event to the one before it as it is saved, and checks the chain later. Saving is
/// serialised in this process so two saves never claim the same place; the unique index on
/// <see cref="AuditEvent.Sequence"/> makes the database refuse a fork even across instances.
/// </summary>
public sealed class AuditChain : SaveChangesInterceptor
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    public sealed record Verification(bool Intact, int EventsChecked, AuditEvent? FirstBroken, string? Problem);

    public static string ComputeHash(AuditEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f',
            e.Sequence.ToString(CultureInfo.InvariantCulture),
            e.OccurredAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            e.ActorUserId?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            e.ActorName,
            e.ActorRole ?? string.Empty,
            e.Action,
            e.EntityType,
            e.EntityId,
            e.Summary,
            e.Before ?? string.Empty,
            e.After ?? string.Empty,
            e.AssessmentId?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            e.PreviousHash))));

    /// <summary>Walks the whole chain in order and names the first event that does not fit.</summary>
    public static async Task<Verification> VerifyAsync(PortalDbContext db, CancellationToken cancellationToken = default)
    {
        var expectedPrevious = string.Empty;
        var expectedSequence = 1L;
        var checkedCount = 0;
        await foreach (var e in db.AuditEvents.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            checkedCount++;
            if (e.Sequence != expectedSequence || e.PreviousHash != expectedPrevious)
            {
                return new Verification(false, checkedCount, e,
                    "It does not follow the event before it: an event was deleted, inserted or moved at this point.");
            }

            if (ComputeHash(e) != e.Hash)
            {
                return new Verification(false, checkedCount, e, "Its content was changed after it was recorded.");
            }

            expectedPrevious = e.Hash;
            expectedSequence++;
        }

        return new Verification(true, checkedCount, null, null);
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is PortalDbContext tracked
            && tracked.ChangeTracker.Entries<AuditEvent>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("Audit events are only ever appended; none may be changed or deleted.");
        }

        if (eventData.Context is PortalDbContext context && NewEvents(context).Count > 0)
        {
            var db = context;
            await Gate.WaitAsync(cancellationToken);
            db.HoldsAuditGate = true;
            try
            {
                await LinkAsync(db, cancellationToken);
            }
            catch
            {
                Release(db);
                throw;
            }
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        SavingChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Release(eventData.Context);
        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Release(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Release(eventData.Context);
        return Task.CompletedTask;
    }

    private static List<AuditEvent> NewEvents(PortalDbContext db) =>
        db.ChangeTracker.Entries<AuditEvent>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();

    private static async Task LinkAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var last = await db.AuditEvents.AsNoTracking()
            .OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        var sequence = last?.Sequence ?? 0;
        var previous = last?.Hash ?? string.Empty;
        foreach (var e in NewEvents(db))
        {
            e.Sequence = ++sequence;
            e.PreviousHash = previous;
            e.Hash = ComputeHash(e);
            previous = e.Hash;
        }
    }

    private static void Release(DbContext? context)
    {
        if (context is PortalDbContext { HoldsAuditGate: true } db)
        {
            db.HoldsAuditGate = false;
            Gate.Release();
        }
    }
}
