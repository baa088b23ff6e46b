using Microsoft.EntityFrameworkCore;
using Portal.Data.Audit;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Audit;

/// <summary>The audit trail is a hash chain: any change made behind the portal's back is found and named.</summary>
public sealed class AuditChainTests : IAsyncLifetime
{
    private TestDatabase _database = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        // A confirmed assessment records a handful of events after the seed's own.
        await TestAssessments.ConfirmedAsync(_database, await TestCallers.ForAsync(_database, TestCallers.Officer));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<AuditChain.Verification> VerifyAsync()
    {
        await using var db = _database.CreateDbContext();
        return await AuditChain.VerifyAsync(db);
    }

    private async Task SqlAsync(string sql)
    {
        await using var db = _database.CreateDbContext();
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    [Fact]
    public async Task An_untouched_trail_verifies_and_every_event_is_chained_to_the_one_before()
    {
        var verification = await VerifyAsync();

        await using var db = _database.CreateDbContext();
        var events = await db.AuditEvents.OrderBy(e => e.Sequence).ToListAsync();
        Assert.True(verification.Intact, verification.Problem);
        Assert.True(events.Count >= 7, $"Expected the seed and the assessment start to record at least 7 events, found {events.Count}.");
        Assert.Equal(events.Count, verification.EventsChecked);
        Assert.Equal(string.Empty, events[0].PreviousHash);
        Assert.All(events.Skip(1).Zip(events), pair => Assert.Equal(pair.Second.Hash, pair.First.PreviousHash));
    }

    [Fact]
    public async Task A_changed_event_is_found()
    {
        await SqlAsync("UPDATE AuditEvents SET Summary = 'Nothing happened here' WHERE Sequence = 4");

        var verification = await VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(4, verification.FirstBroken!.Sequence);
        Assert.Contains("content was changed", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_event_is_found_at_the_event_after_it()
    {
        await SqlAsync("DELETE FROM AuditEvents WHERE Sequence = 4");

        var verification = await VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(5, verification.FirstBroken!.Sequence);
        Assert.Contains("deleted, inserted or moved", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_reordered_events_are_found()
    {
        await SqlAsync("UPDATE AuditEvents SET Sequence = -1 WHERE Sequence = 4");
        await SqlAsync("UPDATE AuditEvents SET Sequence = 4 WHERE Sequence = 5");
        await SqlAsync("UPDATE AuditEvents SET Sequence = 5 WHERE Sequence = -1");

        var verification = await VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(4, verification.FirstBroken!.Sequence);
    }

    [Fact]
    public async Task An_event_inserted_in_the_middle_is_found_even_when_its_own_hash_is_well_formed()
    {
        await using (var db = _database.CreateDbContext())
        {
            var third = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Sequence == 3);
            var count = await db.AuditEvents.CountAsync();
            for (var sequence = count; sequence >= 4; sequence--)
            {
                await db.Database.ExecuteSqlAsync($"UPDATE AuditEvents SET Sequence = {sequence + 1} WHERE Sequence = {sequence}");
            }

            var forged = new AuditEvent
            {
                Sequence = 4, OccurredAt = third.OccurredAt, ActorName = "Someone", Action = "Forged", EntityType = "Assessment",
                EntityId = "OAP-00001", Summary = "An event that never happened", PreviousHash = third.Hash,
            };
            forged.Hash = AuditChain.ComputeHash(forged);
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO AuditEvents (OccurredAt, ActorName, Action, EntityType, EntityId, Summary, Sequence, PreviousHash, Hash) VALUES ({forged.OccurredAt}, {forged.ActorName}, {forged.Action}, {forged.EntityType}, {forged.EntityId}, {forged.Summary}, {forged.Sequence}, {forged.PreviousHash}, {forged.Hash})");
        }

        var verification = await VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(5, verification.FirstBroken!.Sequence);
    }

    [Fact]
    public async Task The_portal_refuses_to_change_or_delete_an_event()
    {
        await using var db = _database.CreateDbContext();
        var first = await db.AuditEvents.OrderBy(e => e.Sequence).FirstAsync();

        first.Summary = "Rewritten";
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();
        db.AuditEvents.Remove(await db.AuditEvents.OrderBy(e => e.Sequence).FirstAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }
}
