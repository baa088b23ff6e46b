using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Portal.Data.Audit;

/// <summary>
/// Links every new audit event to the one before it in its chain as it is saved, and checks the chains later.
/// </summary>
/// <remarks>
/// Each assessment has a chain of its own, and everything that belongs to no assessment (catalogue, people, tokens)
/// is in the portal's chain, so writes to different assessments never wait on each other. The database orders each
/// chain, never this process: events are linked inside the save's own transaction after the chain is locked there
/// (SQLite's write lock, taken when the transaction begins; an application lock per chain on SQL Server), so two
/// instances on one database cannot fork a chain, and a conflict, a cancellation or a failure anywhere ends the
/// transaction and with it the lock. The unique index on (chain, sequence) refuses a fork whatever else goes wrong.
/// </remarks>
public static class AuditChain
{
    /// <summary>The chain of events that belong to no assessment, and of every event recorded before chains were split.</summary>
    public const string PortalChain = "portal";

    public sealed record Verification(
        bool Intact, int EventsChecked, AuditEvent? FirstBroken, string? Problem, int ChainsChecked = 0, int DigestsChecked = 0, DateTime? LastDigestAt = null,
        string? Note = null);

    /// <summary>The place a chain had reached when a digest recorded it.</summary>
    public sealed record Head(string Chain, long Sequence, string Hash);

    public static string ChainFor(int? assessmentId) =>
        assessmentId is { } id ? string.Create(CultureInfo.InvariantCulture, $"assessment/{id}") : PortalChain;

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

    /// <summary>Refuses a save that changes or deletes an event, and says whether it appends any.</summary>
    internal static bool AppendsEvents(PortalDbContext db)
    {
        var appends = false;
        foreach (var entry in db.ChangeTracker.Entries<AuditEvent>())
        {
            switch (entry.State)
            {
                case EntityState.Modified or EntityState.Deleted:
                    throw new InvalidOperationException("Audit events are only ever appended; none may be changed or deleted.");
                case EntityState.Added:
                    appends = true;
                    break;
            }
        }

        return appends;
    }

    /// <summary>
    /// Gives each new event its place in its chain. Must run inside the transaction that saves them, so the lock it
    /// takes lasts exactly as long as that transaction.
    /// </summary>
    internal static async Task LinkAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var added = db.ChangeTracker.Entries<AuditEvent>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        foreach (var e in added)
        {
            e.Chain = ChainFor(e.AssessmentId);
        }

        // Chains are locked in one order, so two saves that touch the same two chains cannot deadlock.
        foreach (var chain in added.GroupBy(e => e.Chain).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            await LockAsync(db, chain.Key, cancellationToken);
            var key = chain.Key;
            var last = await db.AuditEvents.AsNoTracking()
                .Where(e => e.Chain == key)
                .OrderByDescending(e => e.Sequence)
                .Select(e => new { e.Sequence, e.Hash })
                .FirstOrDefaultAsync(cancellationToken);
            var sequence = last?.Sequence ?? 0;
            var previous = last?.Hash ?? string.Empty;
            foreach (var e in chain)
            {
                e.Sequence = ++sequence;
                e.PreviousHash = previous;
                e.Hash = ComputeHash(e);
                previous = e.Hash;
            }
        }
    }

    private static async Task LockAsync(PortalDbContext db, string chain, CancellationToken cancellationToken)
    {
        // SQLite has one writer: the transaction took the write lock as it began (BEGIN IMMEDIATE), so nothing else
        // can append until it ends. SQL Server locks rows, so the chain itself is locked, for this transaction only.
        if (db.Database.IsSqlServer())
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                DECLARE @result int;
                EXEC @result = sp_getapplock @Resource = {"audit-chain:" + chain}, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 10000;
                IF @result < 0 THROW 51000, 'The audit chain stayed locked for 10 seconds; the change was not saved.', 1;
                """, cancellationToken);
        }
    }

    /// <summary>The last event of every chain: what a digest records.</summary>
    public static async Task<IReadOnlyList<Head>> HeadsAsync(PortalDbContext db, CancellationToken cancellationToken = default) =>
        await db.AuditEvents.AsNoTracking()
            .Where(e => e.Sequence == db.AuditEvents.Where(x => x.Chain == e.Chain).Max(x => x.Sequence))
            .OrderBy(e => e.Chain)
            .Select(e => new Head(e.Chain, e.Sequence, e.Hash))
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Walks every chain in order and names the first event that does not fit, then checks each chain against the
    /// heads recorded in <paramref name="digests"/> (kept outside the database), which finds what the chain alone
    /// cannot: events deleted from the end, and a chain rewritten with every later hash recomputed.
    /// </summary>
    public static async Task<Verification> VerifyAsync(
        PortalDbContext db, IReadOnlyList<AuditDigest> digests, CancellationToken cancellationToken = default)
    {
        var anchored = digests
            .SelectMany(d => d.Heads.Select(h => (Digest: d, Head: h)))
            .GroupBy(x => x.Head.Chain, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var lastDigestAt = digests.Count == 0 ? (DateTime?)null : digests.Max(d => d.RecordedAt);

        string? chain = null;
        var expectedPrevious = string.Empty;
        var expectedSequence = 1L;
        var checkedCount = 0;
        var chains = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        AuditEvent? last = null;

        Verification Broken(AuditEvent e, string problem) =>
            new(false, checkedCount, e, problem, chains, digests.Count, lastDigestAt);

        await foreach (var e in db.AuditEvents.AsNoTracking().OrderBy(e => e.Chain).ThenBy(e => e.Sequence)
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (e.Chain != chain)
            {
                if (last is not null && EndProblem(last, anchored) is { } ended)
                {
                    return Broken(last, ended);
                }

                chain = e.Chain;
                seen.Add(chain);
                chains++;
                expectedPrevious = string.Empty;
                expectedSequence = 1;
            }

            checkedCount++;
            if (e.Sequence != expectedSequence || e.PreviousHash != expectedPrevious)
            {
                return Broken(e, "It does not follow the event before it: an event was deleted, inserted or moved at this point.");
            }

            if (ComputeHash(e) != e.Hash)
            {
                return Broken(e, "Its content was changed after it was recorded.");
            }

            if (e.Chain != PortalChain && e.Chain != ChainFor(e.AssessmentId))
            {
                return Broken(e, "It was moved here from another assessment's trail.");
            }

            if (anchored.TryGetValue(e.Chain, out var points)
                && points.FirstOrDefault(p => p.Head.Sequence == e.Sequence && p.Head.Hash != e.Hash) is { Digest: { } digest })
            {
                return Broken(e, $"It is not the event the digest of {digest.RecordedAt:u} recorded at this place: the trail was rewritten at or before this point.");
            }

            expectedPrevious = e.Hash;
            expectedSequence++;
            last = e;
        }

        if (last is not null && EndProblem(last, anchored) is { } end)
        {
            return Broken(last, end);
        }

        if (anchored.Keys.FirstOrDefault(k => !seen.Contains(k)) is { } missing)
        {
            var recorded = anchored[missing].MaxBy(p => p.Head.Sequence);
            return new Verification(false, checkedCount, null,
                $"Every event of the trail '{missing}' was deleted: the digest of {recorded.Digest.RecordedAt:u} recorded {recorded.Head.Sequence} of them.",
                chains, digests.Count, lastDigestAt);
        }

        return new Verification(true, checkedCount, null, null, chains, digests.Count, lastDigestAt);
    }

    private static string? EndProblem(AuditEvent last, Dictionary<string, List<(AuditDigest Digest, Head Head)>> anchored)
    {
        if (!anchored.TryGetValue(last.Chain, out var points))
        {
            return null;
        }

        var furthest = points.MaxBy(p => p.Head.Sequence);
        return furthest.Head.Sequence > last.Sequence
            ? $"The trail ends at this event, but the digest of {furthest.Digest.RecordedAt:u} recorded {furthest.Head.Sequence} events: the later ones were deleted."
            : null;
    }
}
