using Microsoft.EntityFrameworkCore;
using Portal.Data.Audit;
using Portal.Features.Audit;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Audit;

/// <summary>
/// The audit trail is a hash chain per assessment, anchored by digests kept outside the database: any change made
/// behind the portal's back is found and named, including the ones a chain alone cannot show (events deleted from the
/// end, a tail rewritten with every later hash recomputed).
/// </summary>
public sealed class AuditChainTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private AuditDigests _digests = default!;
    private int _assessmentId;
    private string _chain = string.Empty;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _assessmentId = await TestAssessments.ConfirmedAsync(_database, officer);
        _chain = AuditChain.ChainFor(_assessmentId);
        // Enough events in the assessment's chain for every test to have a middle and an end.
        await using (var db = _database.CreateDbContext())
        {
            for (var i = 1; i <= 6; i++)
            {
                AuditTrail.Record(db, officer, DateTime.UtcNow, "NoteAdded", "Assessment", _assessmentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"Note {i}", assessmentId: _assessmentId);
            }

            await db.SaveChangesAsync();
        }

        _digests = new AuditDigests(_database, new AppendOnlyFileDigestStore(Path.Combine(_database.Directory, "digests.jsonl")), TimeProvider.System);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task SqlAsync(string sql)
    {
        await using var db = _database.CreateDbContext();
        await db.Database.ExecuteSqlRawAsync(sql.Replace("@chain", $"'{_chain}'", StringComparison.Ordinal));
    }

    private async Task<long> LastSequenceAsync()
    {
        await using var db = _database.CreateDbContext();
        return await db.AuditEvents.Where(e => e.Chain == _chain).MaxAsync(e => e.Sequence);
    }

    [Fact]
    public async Task An_untouched_trail_verifies_and_every_event_is_chained_to_the_one_before_in_its_own_chain()
    {
        await _digests.RecordAsync();

        var verification = await _digests.VerifyAsync();

        await using var db = _database.CreateDbContext();
        var events = await db.AuditEvents.Where(e => e.Chain == _chain).OrderBy(e => e.Sequence).ToListAsync();
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(await db.AuditEvents.CountAsync(), verification.EventsChecked);
        Assert.True(verification.ChainsChecked >= 2, "The portal's chain and the assessment's chain are separate.");
        Assert.Equal(1, verification.DigestsChecked);
        Assert.Equal(1, events[0].Sequence);
        Assert.Equal(string.Empty, events[0].PreviousHash);
        Assert.All(events, e => Assert.Equal(_assessmentId, e.AssessmentId));
        Assert.All(events.Skip(1).Zip(events), pair => Assert.Equal(pair.Second.Hash, pair.First.PreviousHash));
    }

    [Fact]
    public async Task A_digest_records_only_the_chains_that_moved_since_the_last()
    {
        var last = await LastSequenceAsync();

        var first = await _digests.RecordAsync();
        var second = await _digests.RecordAsync();

        Assert.NotNull(first);
        Assert.Contains(first.Heads, h => h.Chain == _chain && h.Sequence == last);
        Assert.Null(second);
    }

    [Fact]
    public async Task A_changed_event_is_found()
    {
        await SqlAsync("UPDATE AuditEvents SET Summary = 'Nothing happened here' WHERE Chain = @chain AND Sequence = 4");

        var verification = await _digests.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(_chain, verification.FirstBroken!.Chain);
        Assert.Equal(4, verification.FirstBroken.Sequence);
        Assert.Contains("content was changed", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_event_is_found_at_the_event_after_it()
    {
        await SqlAsync("DELETE FROM AuditEvents WHERE Chain = @chain AND Sequence = 4");

        var verification = await _digests.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(5, verification.FirstBroken!.Sequence);
        Assert.Contains("deleted, inserted or moved", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_reordered_events_are_found()
    {
        await SqlAsync("UPDATE AuditEvents SET Sequence = -1 WHERE Chain = @chain AND Sequence = 4");
        await SqlAsync("UPDATE AuditEvents SET Sequence = 4 WHERE Chain = @chain AND Sequence = 5");
        await SqlAsync("UPDATE AuditEvents SET Sequence = 5 WHERE Chain = @chain AND Sequence = -1");

        var verification = await _digests.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(4, verification.FirstBroken!.Sequence);
    }

    [Fact]
    public async Task An_event_inserted_in_the_middle_is_found_even_when_its_own_hash_is_well_formed()
    {
        await using (var db = _database.CreateDbContext())
        {
            var third = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Chain == _chain && e.Sequence == 3);
            var last = await LastSequenceAsync();
            for (var sequence = last; sequence >= 4; sequence--)
            {
                await db.Database.ExecuteSqlAsync($"UPDATE AuditEvents SET Sequence = {sequence + 1} WHERE Chain = {_chain} AND Sequence = {sequence}");
            }

            var forged = new AuditEvent
            {
                Chain = _chain, Sequence = 4, OccurredAt = third.OccurredAt, ActorName = "Someone", Action = "Forged", EntityType = "Assessment",
                EntityId = "OAP-00001", Summary = "An event that never happened", PreviousHash = third.Hash, AssessmentId = _assessmentId,
            };
            forged.Hash = AuditChain.ComputeHash(forged);
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO AuditEvents (Chain, OccurredAt, ActorName, Action, EntityType, EntityId, Summary, AssessmentId, Sequence, PreviousHash, Hash) VALUES ({forged.Chain}, {forged.OccurredAt}, {forged.ActorName}, {forged.Action}, {forged.EntityType}, {forged.EntityId}, {forged.Summary}, {forged.AssessmentId}, {forged.Sequence}, {forged.PreviousHash}, {forged.Hash})");
        }

        var verification = await _digests.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(5, verification.FirstBroken!.Sequence);
    }

    [Fact]
    public async Task An_event_moved_into_another_assessments_trail_is_found()
    {
        await SqlAsync("UPDATE AuditEvents SET Chain = 'assessment/999' WHERE Chain = @chain");

        var verification = await _digests.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal("assessment/999", verification.FirstBroken!.Chain);
    }

    [Fact]
    public async Task Deleting_the_last_events_is_found_against_the_digest_recorded_before()
    {
        await _digests.RecordAsync();
        var last = await LastSequenceAsync();
        await SqlAsync($"DELETE FROM AuditEvents WHERE Chain = @chain AND Sequence >= {last - 1}");

        var verification = await _digests.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(last - 2, verification.FirstBroken!.Sequence);
        Assert.Contains("later ones were deleted", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_whole_trail_is_found_against_the_digest_recorded_before()
    {
        await _digests.RecordAsync();
        await SqlAsync("DELETE FROM AuditEvents WHERE Chain = @chain");

        var verification = await _digests.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Contains(_chain, verification.Problem, StringComparison.Ordinal);
        Assert.Contains("was deleted", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tail_rewritten_with_every_later_hash_recomputed_is_found_against_the_digest()
    {
        await _digests.RecordAsync();
        await using (var db = _database.CreateDbContext())
        {
            // What an administrator with the database, the code and time could do: change an event and recompute every hash after it.
            var events = await db.AuditEvents.AsNoTracking().Where(e => e.Chain == _chain && e.Sequence >= 3).OrderBy(e => e.Sequence).ToListAsync();
            var previous = await db.AuditEvents.Where(e => e.Chain == _chain && e.Sequence == 2).Select(e => e.Hash).SingleAsync();
            events[0].Summary = "A quieter version of what happened";
            foreach (var e in events)
            {
                e.PreviousHash = previous;
                e.Hash = AuditChain.ComputeHash(e);
                previous = e.Hash;
                await db.Database.ExecuteSqlAsync($"UPDATE AuditEvents SET Summary = {e.Summary}, PreviousHash = {e.PreviousHash}, Hash = {e.Hash} WHERE Id = {e.Id}");
            }
        }

        var verification = await _digests.VerifyAsync();

        Assert.False(verification.Intact);
        Assert.Equal(await LastSequenceAsync(), verification.FirstBroken!.Sequence);
        Assert.Contains("rewritten", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_digest_a_rewritten_tail_cannot_be_told_apart_which_is_why_digests_are_kept()
    {
        await using (var db = _database.CreateDbContext())
        {
            var last = await db.AuditEvents.AsNoTracking().Where(e => e.Chain == _chain).OrderByDescending(e => e.Sequence).FirstAsync();
            last.Summary = "Rewritten before any digest";
            last.Hash = AuditChain.ComputeHash(last);
            await db.Database.ExecuteSqlAsync($"UPDATE AuditEvents SET Summary = {last.Summary}, Hash = {last.Hash} WHERE Id = {last.Id}");
        }

        var verification = await _digests.VerifyAsync();

        Assert.True(verification.Intact);
        Assert.Equal(0, verification.DigestsChecked);
    }

    [Fact]
    public async Task A_digest_line_torn_by_a_killed_process_damages_no_later_digest_and_is_named_in_the_result()
    {
        var path = Path.Combine(_database.Directory, "digests.jsonl");
        await _digests.RecordAsync();
        await File.AppendAllTextAsync(path, "{\"recordedAt\":\"2026-");
        Assert.True((await _digests.VerifyAsync()).Intact);

        await using (var db = _database.CreateDbContext())
        {
            AuditTrail.Record(db, await TestCallers.ForAsync(_database, TestCallers.Officer), DateTime.UtcNow, "NoteAdded", "Assessment", "x", "After the crash",
                assessmentId: _assessmentId);
            await db.SaveChangesAsync();
        }

        Assert.NotNull(await _digests.RecordAsync());
        var afterCrash = await _digests.VerifyAsync();
        Assert.True(afterCrash.Intact, afterCrash.Problem);
        Assert.Equal(2, afterCrash.DigestsChecked);
        Assert.Contains("Line 2 of the digests", afterCrash.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_portal_refuses_to_change_or_delete_an_event()
    {
        await using var db = _database.CreateDbContext();
        var first = await db.AuditEvents.OrderBy(e => e.Id).FirstAsync();

        first.Summary = "Rewritten";
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();
        db.AuditEvents.Remove(await db.AuditEvents.OrderBy(e => e.Id).FirstAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task A_save_that_fails_leaves_nothing_linked_and_the_next_save_continues_the_chain()
    {
        var before = await LastSequenceAsync();
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        await using (var db = _database.CreateDbContext())
        {
            AuditTrail.Record(db, officer, DateTime.UtcNow, "NoteAdded", "Assessment", "x", "Cancelled note", assessmentId: _assessmentId);
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => db.SaveChangesAsync(cancelled.Token));
        }

        await using (var db = _database.CreateDbContext())
        {
            AuditTrail.Record(db, officer, DateTime.UtcNow, "NoteAdded", "Assessment", "x", "Saved note", assessmentId: _assessmentId);
            await db.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }

        Assert.Equal(before + 1, await LastSequenceAsync());
        Assert.True((await _digests.VerifyAsync()).Intact);
    }
}
