using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data.Scorecards;
using Portal.Data.Workers;
using Portal.Features.Administration;
using Portal.Features.Dashboards;
using Portal.Hosting;
using Portal.Tests.Features.Dashboards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Administration;

/// <summary>
/// Background jobs run once per interval across instances sharing a database, and each run (who, when, what it did
/// or why it failed) is kept on the job's lease row, where administrators see it.
/// </summary>
public sealed class BackgroundJobRunTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private readonly MovableClock _clock = new();

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private (ScoreRefreshWorker Worker, JobLease Lease) Instance()
    {
        var lease = new JobLease(_database, _clock);
        return (new ScoreRefreshWorker(_database, lease, new StaleScoreSignal(), _clock, Options.Create(new ScoreOptions()),
            NullLogger<ScoreRefreshWorker>.Instance), lease);
    }

    private async Task<WorkerLease> LeaseRowAsync(string job)
    {
        await using var db = _database.CreateDbContext();
        return await db.WorkerLeases.AsNoTracking().SingleAsync(l => l.Name == job);
    }

    [Fact]
    public async Task Two_workers_on_one_database_run_the_job_once_per_interval_and_each_run_is_recorded()
    {
        var first = Instance();
        var second = Instance();
        var interval = new ScoreOptions().RefreshInterval;

        for (var round = 0; round < 5; round++)
        {
            _clock.MoveForward(interval);
            var ran = new[] { await first.Worker.RunOnceAsync(), await second.Worker.RunOnceAsync() };

            Assert.Single(ran, r => r is not null);
            var row = await LeaseRowAsync(ScoreRefreshWorker.Job);
            Assert.Equal(first.Lease.Holder, row.LastRunBy);
            Assert.Equal(_clock.Now.UtcDateTime, row.LastStartedAt);
            Assert.Equal(_clock.Now.UtcDateTime, row.LastFinishedAt);
            Assert.Equal(_clock.Now.UtcDateTime, row.LastSucceededAt);
            Assert.Null(row.LastError);
            Assert.Matches("^(No score needed recalculating|Recalculated \\d+ scores?)\\.$", row.LastResult);
        }
    }

    [Fact]
    public async Task A_failed_run_is_recorded_with_its_error_beside_the_last_success_and_shown_to_administrators()
    {
        var lease = new JobLease(_database, _clock);
        Assert.True(await lease.TryTakeAsync("reminders", TimeSpan.FromMinutes(1), CancellationToken.None));
        await lease.RecordRunAsync("reminders", _ => Task.FromResult(2), n => $"Sent {n} reminders.", CancellationToken.None);
        var succeededAt = _clock.Now.UtcDateTime;

        _clock.MoveForward(TimeSpan.FromMinutes(1));
        Assert.True(await lease.TryTakeAsync("reminders", TimeSpan.FromMinutes(1), CancellationToken.None));
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => lease.RecordRunAsync<int>(
            "reminders", _ => throw new InvalidOperationException("The mail server refused the connection."), n => $"Sent {n}.", CancellationToken.None));

        Assert.Equal("The mail server refused the connection.", failure.Message);
        var administrator = await TestCallers.ForAsync(_database, TestCallers.Administrator);
        var job = Assert.Single(await new AdministrationService(_database, _clock).ListJobsAsync(administrator), j => j.Name == "reminders");
        Assert.True(job.Failed);
        Assert.Equal("InvalidOperationException: The mail server refused the connection.", job.LastError);
        Assert.Equal(_clock.Now.UtcDateTime, job.LastFinishedAt);
        Assert.Equal(succeededAt, job.LastSucceededAt);
        Assert.Equal(lease.Holder, job.LastRunBy);
    }

    [Fact]
    public async Task A_run_that_succeeds_after_a_failure_clears_the_error()
    {
        var lease = new JobLease(_database, _clock);
        await lease.TryTakeAsync("reminders", TimeSpan.FromMinutes(1), CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => lease.RecordRunAsync<int>(
            "reminders", _ => throw new InvalidOperationException("Down."), n => $"Sent {n}.", CancellationToken.None));

        await lease.RecordRunAsync("reminders", _ => Task.FromResult(0), n => $"Sent {n} reminders.", CancellationToken.None);

        var row = await LeaseRowAsync("reminders");
        Assert.Null(row.LastError);
        Assert.Equal("Sent 0 reminders.", row.LastResult);
    }

    [Fact]
    public async Task Only_administrators_see_the_background_jobs()
    {
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);

        await Assert.ThrowsAsync<AccessDeniedException>(() => new AdministrationService(_database, _clock).ListJobsAsync(officer));
    }
}
