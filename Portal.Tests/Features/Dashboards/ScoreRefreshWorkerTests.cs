using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Reviews;
using Portal.Data.Scorecards;
using Portal.Features.Dashboards;
using Portal.Hosting;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Dashboards;

/// <summary>
/// The score worker recalculates stale scores after a change, once per round across all instances sharing the
/// database, and a lapsed lease passes the job on. Rounds are run directly: no test waits for the interval.
/// </summary>
public sealed class ScoreRefreshWorkerTests : IAsyncLifetime
{
    private const string Must = "P.3";
    private TestDatabase _database = default!;
    private TestJourney _journey = default!;
    private Caller _officer = default!;
    private Caller _supplier = default!;
    private readonly MovableClock _clock = new();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _journey = new TestJourney(_database);
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<int> UnderReviewAsync()
    {
        var id = await _journey.SubmittedAsync(_officer, _supplier);
        Assert.True((await _journey.Reviews.StartAsync(_officer, id)).Succeeded);
        return id;
    }

    private async Task RejectAsync(int id) =>
        Assert.True((await _journey.Reviews.DecideAsync(_officer, id, [Must], ReviewOutcome.Rejected, "The API is not published.", TestVersions.Any)).Succeeded);

    private async Task<AssessmentScore> StoredScoreAsync(int id)
    {
        await using var db = _database.CreateDbContext();
        return await db.AssessmentScores.AsNoTracking().SingleAsync(s => s.AssessmentId == id);
    }

    private static bool IsFresh(AssessmentScore score) => score.CalculatedFromStamp == score.InputsStamp;

    [Fact]
    public async Task A_stale_score_is_recalculated_by_the_workers_next_round_after_a_change()
    {
        var worker = TestScoreWorker.For(_database, _clock);
        var id = await UnderReviewAsync();
        await worker.RunOnceAsync();
        await RejectAsync(id);
        Assert.False(IsFresh(await StoredScoreAsync(id)));

        var stored = await worker.RunOnceAsync();

        Assert.Equal(1, stored);
        var score = await StoredScoreAsync(id);
        Assert.True(IsFresh(score));
        Assert.Equal(RagStatus.Red, score.Rag);
    }

    [Fact]
    public async Task A_round_with_nothing_stale_stores_nothing()
    {
        var worker = TestScoreWorker.For(_database, _clock);
        await UnderReviewAsync();
        await worker.RunOnceAsync();

        Assert.Equal(0, await worker.RunOnceAsync());
    }

    [Fact]
    public async Task Two_instances_on_one_database_run_the_job_once()
    {
        var first = TestScoreWorker.For(_database, _clock);
        var second = TestScoreWorker.For(_database, _clock);
        var id = await UnderReviewAsync();
        await RejectAsync(id);

        var firstStored = await first.RunOnceAsync();
        var secondStored = await second.RunOnceAsync();

        Assert.Equal(1, firstStored);
        Assert.Null(secondStored);
        Assert.True(IsFresh(await StoredScoreAsync(id)));
    }

    [Fact]
    public async Task The_holder_keeps_the_job_round_after_round_while_it_renews_its_lease()
    {
        var first = TestScoreWorker.For(_database, _clock);
        var second = TestScoreWorker.For(_database, _clock);
        await first.RunOnceAsync();

        for (var round = 0; round < 3; round++)
        {
            _clock.MoveForward(new ScoreOptions().LeaseLength / 2);
            Assert.NotNull(await first.RunOnceAsync());
            Assert.Null(await second.RunOnceAsync());
        }
    }

    [Fact]
    public async Task When_the_holder_stops_its_lease_lapses_and_another_instance_takes_the_job_over()
    {
        var killed = TestScoreWorker.For(_database, _clock);
        var survivor = TestScoreWorker.For(_database, _clock);
        await killed.RunOnceAsync();
        var id = await UnderReviewAsync();
        await RejectAsync(id);
        Assert.Null(await survivor.RunOnceAsync());

        _clock.MoveForward(new ScoreOptions().LeaseLength + TimeSpan.FromSeconds(1));
        var stored = await survivor.RunOnceAsync();

        Assert.Equal(1, stored);
        Assert.True(IsFresh(await StoredScoreAsync(id)));
        Assert.Null(await killed.RunOnceAsync());
    }

    [Fact]
    public async Task Two_instances_that_find_no_lease_row_at_once_end_with_one_holder()
    {
        var leases = Enumerable.Range(0, 4).Select(_ => new JobLease(_database, _clock)).ToList();

        var taken = await Task.WhenAll(leases.Select(l => l.TryTakeAsync("race", TimeSpan.FromMinutes(1), CancellationToken.None)));

        Assert.Single(taken, t => t);
        await using var db = _database.CreateDbContext();
        var row = await db.WorkerLeases.SingleAsync(l => l.Name == "race");
        Assert.Equal(leases[Array.IndexOf(taken, true)].Holder, row.HeldBy);
    }

    [Fact]
    public async Task A_save_that_makes_a_score_stale_wakes_the_worker_once_it_is_committed()
    {
        var id = await UnderReviewAsync();
        var signal = new StaleScoreSignal();
        var contexts = new SignallingContexts(_database, signal);

        await using var db = contexts.CreateDbContext();
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            var requirement = await db.AssessmentRequirements.FirstAsync(r => r.AssessmentId == id && r.InScope && r.Code != Must);
            requirement.InScope = false;
            await db.SaveChangesAsync();
            Assert.False(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
            await transaction.CommitAsync();
        }

        Assert.True(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
        Assert.False(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task A_save_that_changes_nothing_scored_does_not_wake_the_worker()
    {
        var id = await UnderReviewAsync();
        var signal = new StaleScoreSignal();

        await using var db = new SignallingContexts(_database, signal).CreateDbContext();
        var assessment = await db.Assessments.SingleAsync(a => a.Id == id);
        assessment.Description = "Renamed for the test.";
        await db.SaveChangesAsync();

        Assert.False(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task The_worker_stops_cleanly_on_shutdown()
    {
        var worker = TestScoreWorker.For(_database);
        await worker.StartAsync(CancellationToken.None);

        await worker.StopAsync(CancellationToken.None);

        // Stopped before its first round began, the host cancels the task; never a fault.
        Assert.True(worker.ExecuteTask!.IsCompleted);
        Assert.False(worker.ExecuteTask.IsFaulted);
    }

    [Fact]
    public async Task A_failed_round_is_logged_and_the_worker_carries_on_until_shutdown()
    {
        var logger = new RecordingLogger();
        var broken = new BrokenContexts();
        var worker = new ScoreRefreshWorker(broken, new JobLease(broken, TimeProvider.System), new StaleScoreSignal(), TimeProvider.System,
            Options.Create(new ScoreOptions()), logger);

        await worker.StartAsync(CancellationToken.None);
        var failure = await logger.FirstWarning.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var runningAfterFailure = !worker.ExecuteTask!.IsCompleted;
        await worker.StopAsync(CancellationToken.None);

        Assert.IsType<InvalidOperationException>(failure);
        Assert.True(runningAfterFailure);
        Assert.True(worker.ExecuteTask.IsCompletedSuccessfully);
    }

    /// <summary>Contexts on the test database whose saves raise <paramref name="signal"/>, as the portal's are.</summary>
    private sealed class SignallingContexts(TestDatabase database, StaleScoreSignal signal) : IDbContextFactory<PortalDbContext>
    {
        private readonly StaleScoreMarker _marker = new(signal);

        public PortalDbContext CreateDbContext()
        {
            var builder = new DbContextOptionsBuilder<PortalDbContext>();
            DatabaseSetup.Configure(builder, database.Options, _marker);
            return new PortalDbContext(builder.Options);
        }
    }

    /// <summary>A database that cannot be reached.</summary>
    private sealed class BrokenContexts : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => throw new InvalidOperationException("The database cannot be reached.");
    }

    private sealed class RecordingLogger : Microsoft.Extensions.Logging.ILogger<ScoreRefreshWorker>
    {
        public TaskCompletionSource<Exception?> FirstWarning { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == Microsoft.Extensions.Logging.LogLevel.Warning)
            {
                FirstWarning.TrySetResult(exception);
            }
        }
    }
}
