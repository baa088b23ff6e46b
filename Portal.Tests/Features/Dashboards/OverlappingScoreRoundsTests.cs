using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Data;
using Portal.Data.Scorecards;
using Portal.Features.Dashboards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Dashboards;

/// <summary>
/// Two rounds of recalculation over the same assessments at once (the score worker's round and a person's "Recalculate
/// scores now", or the first round after a migration on two instances) both find assessments with no stored score and
/// both insert their first one. The round that loses on one batch must not give up the batches after it: both rounds
/// overlap on every batch, so a single retry for the whole round is not enough (the benchmark's dashboard part failed
/// this way, on a UNIQUE constraint, in its run of 2 December 2026).
/// </summary>
public sealed class OverlappingScoreRoundsTests : IAsyncLifetime
{
    private TestDatabase _database = default!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_round_that_meets_another_rounds_first_scores_in_every_batch_still_stores_every_score_once()
    {
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        var ids = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await TestAssessments.InvitedAsync(_database, officer));
        }

        // As after the migration that brought stored scores: assessments with no score row at all.
        await using (var db = _database.CreateDbContext())
        {
            await db.AssessmentScores.ExecuteDeleteAsync();
        }

        var otherRound = new OtherRoundFirst(_database);
        var builder = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseSetup.Configure(builder, _database.Options);
        builder.AddInterceptors(otherRound);
        await using (var racing = new PortalDbContext(builder.Options))
        {
            // One assessment per batch, so each of the four batches meets the other round: the other round's first
            // scores are as current as this one's would be, so this round has nothing left to store.
            await StoredScores.RefreshAsync(racing, racing.Assessments.AsNoTracking().Where(a => ids.Contains(a.Id)),
                DateTime.UtcNow, batchSize: 1, CancellationToken.None);
        }

        Assert.Equal(4, otherRound.Raced);
        await using (var db = _database.CreateDbContext())
        {
            var scores = await db.AssessmentScores.Where(s => ids.Contains(s.AssessmentId)).ToListAsync();
            Assert.Equal(ids.Order(), scores.Select(s => s.AssessmentId).Order());
            Assert.All(scores, s => Assert.Equal(s.InputsStamp, s.CalculatedFromStamp));
        }
    }

    /// <summary>Just before each batch's first save, another round stores a first score for every assessment this one is inserting.</summary>
    private sealed class OtherRoundFirst(TestDatabase database) : SaveChangesInterceptor
    {
        private readonly HashSet<int> _raced = [];

        public int Raced => _raced.Count;

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            var inserting = eventData.Context!.ChangeTracker.Entries<AssessmentScore>()
                .Where(e => e.State == EntityState.Added && !_raced.Contains(e.Entity.AssessmentId))
                .Select(e => e.Entity.AssessmentId).ToList();
            if (inserting.Count > 0)
            {
                await using var other = database.CreateDbContext();
                foreach (var id in inserting)
                {
                    var score = new AssessmentScore { AssessmentId = id, CalculatedAt = DateTime.UtcNow };
                    score.CalculatedFromStamp = score.InputsStamp;
                    other.AssessmentScores.Add(score);
                    _raced.Add(id);
                }

                await other.SaveChangesAsync(cancellationToken);
            }

            return result;
        }
    }
}
