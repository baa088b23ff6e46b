using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Features;
using Portal.Features.Assessments;
using Portal.Features.Reminders;
using Portal.Hosting;
using Portal.Tests.Features.Dashboards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Reminders;

public sealed class ReminderWorkerTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private Caller _supplier = default!;
    private Caller _ccio = default!;
    private readonly MovableClock _clock = new();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private ReminderWorker Worker() => new(_database, new JobLease(_database, _clock), _clock, WorkingDays.EnglandAndWales,
        Options.Create(new ReminderOptions()), NullLogger<ReminderWorker>.Instance);

    private async Task<List<string>> KeysAsync(Caller person, int assessmentId)
    {
        await using var db = _database.CreateDbContext();
        return await db.Notifications.Where(n => n.UserId == person.UserId && n.AssessmentId == assessmentId && n.EventKey != null)
            .OrderBy(n => n.Id).Select(n => n.EventKey!).ToListAsync();
    }

    private async Task<(int Id, DateOnly Due)> InvitedAsync()
    {
        var id = await TestAssessments.InvitedAsync(_database, _officer, _supplier.Email, _supplier.SupplierName!);
        await using var db = _database.CreateDbContext();
        return (id, (await db.Assessments.SingleAsync(a => a.Id == id)).ResponseDueDate!.Value);
    }

    private void MoveTo(DateOnly day) => _clock.MoveForward(day.ToDateTime(new TimeOnly(8, 0)) - _clock.Now.UtcDateTime);

    [Fact]
    public async Task The_supplier_is_reminded_7_3_and_1_days_before_answers_are_due_and_then_told_they_are_overdue_each_once()
    {
        var (id, due) = await InvitedAsync();
        var reference = $"OAP-{id:D5}";
        var worker = Worker();

        MoveTo(due.AddDays(-10));
        await worker.RunOnceAsync();
        var tooEarly = await KeysAsync(_supplier, id);
        MoveTo(due.AddDays(-7));
        await worker.RunOnceAsync();
        await worker.RunOnceAsync();
        MoveTo(due.AddDays(-5));
        await worker.RunOnceAsync();
        MoveTo(due.AddDays(-3));
        await worker.RunOnceAsync();
        MoveTo(due.AddDays(-1));
        await worker.RunOnceAsync();
        MoveTo(due.AddDays(1));
        await worker.RunOnceAsync();
        await worker.RunOnceAsync();

        Assert.Empty(tooEarly);
        var stamp = due.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            [$"reminder:response-due:{reference}:{stamp}:7", $"reminder:response-due:{reference}:{stamp}:3", $"reminder:response-due:{reference}:{stamp}:1",
                $"overdue:response-due:{reference}:{stamp}"],
            await KeysAsync(_supplier, id));
        Assert.Empty(await KeysAsync(_officer, id));
    }

    [Fact]
    public async Task Overdue_answers_escalate_to_the_officers_after_5_working_days_and_to_the_CCIO_after_10()
    {
        var (id, due) = await InvitedAsync();
        var worker = Worker();
        var days = WorkingDays.EnglandAndWales;

        MoveTo(days.Add(due, 4));
        await worker.RunOnceAsync();
        var officerAfter4 = await KeysAsync(_officer, id);
        MoveTo(days.Add(due, 5));
        await worker.RunOnceAsync();
        var officerAfter5 = await KeysAsync(_officer, id);
        var ccioAfter5 = await KeysAsync(_ccio, id);
        MoveTo(days.Add(due, 10));
        await worker.RunOnceAsync();

        Assert.Empty(officerAfter4);
        Assert.Single(officerAfter5, k => k.StartsWith("escalation:response-due:", StringComparison.Ordinal) && k.EndsWith(":officers", StringComparison.Ordinal));
        Assert.Empty(ccioAfter5);
        Assert.Single(await KeysAsync(_ccio, id), k => k.EndsWith(":ccio", StringComparison.Ordinal));
        Assert.Single(await KeysAsync(_officer, id));
    }

    [Fact]
    public async Task Two_instances_on_one_database_write_each_reminder_once()
    {
        var (id, due) = await InvitedAsync();
        MoveTo(WorkingDays.EnglandAndWales.Add(due, 10));

        // Both instances work out and write at once, past the lease that would normally keep one of them out.
        var written = await Task.WhenAll(Worker().SendDueAsync(CancellationToken.None), Worker().SendDueAsync(CancellationToken.None));
        await Worker().SendDueAsync(CancellationToken.None);

        Assert.Single(await KeysAsync(_supplier, id));
        Assert.Single(await KeysAsync(_officer, id));
        Assert.Single(await KeysAsync(_ccio, id));
        Assert.True(written.Sum() >= 3);
        await using var db = _database.CreateDbContext();
        var perPersonAndKey = await db.Notifications.Where(n => n.EventKey != null).GroupBy(n => new { n.UserId, n.EventKey }).CountAsync(g => g.Count() > 1);
        Assert.Equal(0, perPersonAndKey);
    }

    [Fact]
    public async Task A_withdrawn_assessment_gets_no_reminders()
    {
        var (id, due) = await InvitedAsync();
        await using (var db = _database.CreateDbContext())
        {
            var stamp = (await db.Assessments.SingleAsync(a => a.Id == id)).ConcurrencyStamp;
            var withdrawn = await new AssessmentService(_database, TimeProvider.System).WithdrawAsync(_officer, id, "The procurement was cancelled.", ReadVersion.Of(stamp));
            Assert.True(withdrawn.Succeeded, withdrawn.Message);
        }

        MoveTo(due.AddDays(-1));
        await Worker().RunOnceAsync();
        MoveTo(WorkingDays.EnglandAndWales.Add(due, 10));
        await Worker().RunOnceAsync();

        Assert.Empty(await KeysAsync(_supplier, id));
        Assert.Empty(await KeysAsync(_officer, id));
        Assert.Empty(await KeysAsync(_ccio, id));
    }

    [Fact]
    public async Task A_second_instance_does_not_run_the_job_while_the_first_holds_the_lease()
    {
        await InvitedAsync();

        var first = await Worker().RunOnceAsync();
        var second = await Worker().RunOnceAsync();

        Assert.NotNull(first);
        Assert.Null(second);
    }
}
