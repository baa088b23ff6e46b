using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Data.SignOffs;
using Portal.Features;
using Portal.Features.Assessments;
using Portal.Features.Evidence;
using Portal.Features.Reminders;
using Portal.Features.Reviews;
using Portal.Features.Scorecards;
using Portal.Features.SignOffs;
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

    private static readonly WorkingDays Days = WorkingDays.EnglandAndWales;

    private static string Stamp(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string Reference(int id) => $"OAP-{id:D5}";

    private async Task<List<string>> KeysAsync(Caller person, int assessmentId, string about) =>
        (await KeysAsync(person, assessmentId)).Where(k => k.Contains(about, StringComparison.Ordinal)).ToList();

    private async Task<List<string>> LinksAsync(Caller person, int assessmentId)
    {
        await using var db = _database.CreateDbContext();
        return await db.Notifications.Where(n => n.UserId == person.UserId && n.AssessmentId == assessmentId && n.EventKey != null)
            .Select(n => n.Link!).Distinct().ToListAsync();
    }

    /// <summary>The officer's and the supplier's services on the test's clock, so the status moves they audit happen on the days the test says.</summary>
    private EvidenceWorkspaceService Workspace() =>
        new(_database, new LocalFolderEvidenceStore(Path.Combine(_database.Directory, "evidence")), Options.Create(new EvidenceOptions()), _clock);

    private ReviewService Reviews() => new(_database, Workspace(), _clock);

    /// <summary>The first working day at least a week from now, so the moves the test makes come after the submission's.</summary>
    private static DateOnly AWorkingDayAhead()
    {
        var day = TimeProvider.System.PortalToday().AddDays(7);
        while (!Days.IsWorkingDay(day))
        {
            day = day.AddDays(1);
        }

        return day;
    }

    private async Task<(int Id, string Code)> SubmittedAsync()
    {
        var journey = new TestJourney(_database);
        var id = await journey.SubmittedAsync(_officer, _supplier);
        return (id, (await journey.CodesAsync(id))[0]);
    }

    /// <summary>On <paramref name="on"/>, the officer starts the review, asks about <paramref name="code"/> and sends the question to the supplier.</summary>
    private async Task AskForClarificationAsync(int id, string code, DateOnly on)
    {
        MoveTo(on);
        var reviews = Reviews();
        var started = await reviews.StartAsync(_officer, id);
        Assert.True(started.Succeeded, started.Message);
        var decided = await reviews.DecideAsync(_officer, id, [code], ReviewOutcome.ClarificationRequested, "Which FHIR release does the API support?", TestVersions.Any);
        Assert.True(decided.Succeeded, decided.Message);
        var sent = await reviews.SendClarificationsAsync(_officer, id);
        Assert.True(sent.Succeeded, sent.Message);
    }

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
    public async Task Clarification_answers_are_reminded_at_3_and_1_working_days_left_then_overdue_with_weekends_not_counted()
    {
        var (id, code) = await SubmittedAsync();
        var asked = AWorkingDayAhead();
        await AskForClarificationAsync(id, code, asked);
        var due = Days.Add(asked, 5);
        var key = $"clarification-due:{Reference(id)}:{Stamp(due)}";
        var worker = Worker();

        await worker.RunOnceAsync();
        MoveTo(Days.Add(asked, 1));
        await worker.RunOnceAsync();
        var with4Left = await KeysAsync(_supplier, id, "clarification-due");
        MoveTo(Days.Add(asked, 2));
        await worker.RunOnceAsync();
        await worker.RunOnceAsync();
        MoveTo(Days.Add(asked, 4));
        await worker.RunOnceAsync();
        MoveTo(due);
        await worker.RunOnceAsync();
        var onTheDay = await KeysAsync(_supplier, id, "clarification-due");
        MoveTo(due.AddDays(1));
        await worker.RunOnceAsync();

        // Five working days always span a weekend, so the answer is due at least a week after the question.
        Assert.True(due.DayNumber - asked.DayNumber >= 7, $"Asked {asked}, due {due}.");
        Assert.Empty(with4Left);
        Assert.Equal([$"reminder:{key}:3", $"reminder:{key}:1"], onTheDay);
        Assert.Equal([$"reminder:{key}:3", $"reminder:{key}:1", $"overdue:{key}"], await KeysAsync(_supplier, id, "clarification-due"));
        Assert.Empty(await KeysAsync(_officer, id, "clarification-due"));
        Assert.Equal([$"/assessments/{id}"], await LinksAsync(_supplier, id));
    }

    [Fact]
    public async Task The_clarification_clock_pauses_while_the_NHS_side_holds_the_assessment_and_resumes_with_the_days_left()
    {
        var (id, code) = await SubmittedAsync();
        var asked = AWorkingDayAhead();
        await AskForClarificationAsync(id, code, asked);
        var worker = Worker();
        var answered = Days.Add(asked, 2);
        MoveTo(answered);
        await worker.RunOnceAsync();
        var resubmitted = await Workspace().SubmitAsync(_supplier, id);
        Assert.True(resubmitted.Succeeded, resubmitted.Message);

        // The officer holds the answers well past the first due date: the supplier's clock is stopped meanwhile.
        var askedAgain = Days.Add(asked, 12);
        MoveTo(Days.Add(asked, 6));
        await worker.RunOnceAsync();
        MoveTo(askedAgain);
        await worker.RunOnceAsync();
        var whileHeld = await KeysAsync(_supplier, id, "clarification-due");
        var officerWhileHeld = await KeysAsync(_officer, id, "clarification-due");
        await AskForClarificationAsync(id, code, askedAgain);
        await worker.RunOnceAsync();
        MoveTo(Days.Add(askedAgain, 2));
        await worker.RunOnceAsync();
        var resumedDue = Days.Add(askedAgain, 3);
        MoveTo(resumedDue.AddDays(1));
        await worker.RunOnceAsync();

        var first = $"clarification-due:{Reference(id)}:{Stamp(Days.Add(asked, 5))}";
        var resumed = $"clarification-due:{Reference(id)}:{Stamp(resumedDue)}";
        Assert.Equal([$"reminder:{first}:3"], whileHeld);
        Assert.Empty(officerWhileHeld);
        Assert.Equal([$"reminder:{first}:3", $"reminder:{resumed}:3", $"reminder:{resumed}:1", $"overdue:{resumed}"],
            await KeysAsync(_supplier, id, "clarification-due"));
    }

    [Fact]
    public async Task Sign_off_conditions_remind_the_named_owner_or_else_the_owning_side_then_are_overdue_and_escalate_on_schedule()
    {
        var journey = new TestJourney(_database);
        var id = await journey.AwaitingSignOffAsync(_officer, _supplier);
        var due = TimeProvider.System.PortalToday().AddDays(30);
        var decided = await journey.SignOffs.DecideAsync(_ccio, id, new(SignOffService.Choice.ApproveWithConditions, true, "HL-7", null, null,
            [
                new("Publish the error catalogue", "Supplier's integration lead", due, FollowUpParty.Supplier),
                new("Add the ADT feed to the hazard log", "Clinical safety officer", due, FollowUpParty.Organisation),
                new("Walk the CCIO through the hazard log", "Chris Morgan", due, FollowUpParty.Organisation, _ccio.UserId),
            ], RedAcknowledged: true, RedApprovalReason: "Set up for the reminder job's tests, not a real approval."), TestVersions.Any);
        Assert.True(decided.Succeeded, decided.Message);
        List<int> conditions;
        await using (var db = _database.CreateDbContext())
        {
            conditions = await db.SignOffs.Where(s => s.AssessmentId == id).SelectMany(s => s.Conditions).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync();
        }

        var worker = Worker();
        foreach (var day in new[] { due.AddDays(-8), due.AddDays(-7), due.AddDays(-3), due.AddDays(-1), due, due.AddDays(1), Days.Add(due, 4) })
        {
            MoveTo(day);
            await worker.RunOnceAsync();
        }

        var ccioBefore10 = await KeysAsync(_ccio, id, "escalation:");
        var officerBefore5 = await KeysAsync(_officer, id, "escalation:");
        MoveTo(Days.Add(due, 5));
        await worker.RunOnceAsync();
        var ccioAfter5 = await KeysAsync(_ccio, id, "escalation:");
        MoveTo(Days.Add(due, 10));
        await worker.RunOnceAsync();

        string[] Owned(int condition) =>
        [
            $"reminder:condition-due:{condition}:{Stamp(due)}:7", $"reminder:condition-due:{condition}:{Stamp(due)}:3",
            $"reminder:condition-due:{condition}:{Stamp(due)}:1", $"overdue:condition-due:{condition}:{Stamp(due)}",
        ];
        string[] Escalated(string to) => [.. conditions.Select(c => $"escalation:condition-due:{c}:{Stamp(due)}:{to}")];
        var (suppliers, trusts, named) = (conditions[0], conditions[1], conditions[2]);
        Assert.Empty(officerBefore5);
        Assert.Empty(ccioBefore10);
        Assert.Empty(ccioAfter5);
        Assert.Equal(Owned(suppliers), await KeysAsync(_supplier, id, "condition-due"));
        Assert.Equal([.. Owned(trusts), .. Escalated("officers")], await KeysAsync(_officer, id, "condition-due"));
        Assert.Equal([.. Owned(named), .. Escalated("ccio")], await KeysAsync(_ccio, id, "condition-due"));
        Assert.Equal([$"/assessments/{id}"], await LinksAsync(_supplier, id));
        Assert.Equal([$"/assessments/{id}/sign-off"], await LinksAsync(_officer, id));
    }

    [Fact]
    public async Task An_accepted_plan_is_reminded_and_once_its_date_passes_the_supplier_is_told_and_officers_and_CCIO_escalated_at_once_as_it_counts_as_not_met()
    {
        var id = await FollowUpJourney.SignedOffWithConditionsAsync(_database, new TestJourney(_database));
        string code;
        DateOnly due;
        await using (var db = _database.CreateDbContext())
        {
            var plan = await db.RequirementResponses.Where(r => r.AssessmentId == id && r.Claim == ComplianceClaim.WillMeetByDate)
                .Select(r => new { Code = db.AssessmentRequirements.Where(q => q.Id == r.AssessmentRequirementId).Select(q => q.Code).First(), r.PlannedDate })
                .SingleAsync();
            (code, due) = (plan.Code, plan.PlannedDate!.Value);
        }

        var worker = Worker();
        foreach (var day in new[] { due.AddDays(-7), due.AddDays(-3), due.AddDays(-1), due })
        {
            MoveTo(day);
            await worker.RunOnceAsync();
        }

        var officerOnTheDate = await KeysAsync(_officer, id, "plan-due");
        var resultOnTheDate = (await new ScorecardService(_database, _clock).GetAsync(_officer, id))!.Card.Requirements.Single(r => r.Input.Code == code).Result;
        MoveTo(due.AddDays(1));
        await worker.RunOnceAsync();
        var resultAfter = (await new ScorecardService(_database, _clock).GetAsync(_officer, id))!.Card.Requirements.Single(r => r.Input.Code == code).Result;
        var officerAfter = await KeysAsync(_officer, id, "plan-due");
        var ccioAfter = await KeysAsync(_ccio, id, "plan-due");
        MoveTo(Days.Add(due, 10));
        await worker.RunOnceAsync();

        var key = $"plan-due:{Reference(id)}:{code}:{Stamp(due)}";
        Assert.Empty(officerOnTheDate);
        Assert.Equal(RequirementResult.Planned, resultOnTheDate);
        Assert.Equal(RequirementResult.NotMet, resultAfter);
        Assert.Equal([$"reminder:{key}:7", $"reminder:{key}:3", $"reminder:{key}:1", $"overdue:{key}"], await KeysAsync(_supplier, id, "plan-due"));
        Assert.Equal([$"escalation:{key}:officers-and-ccio"], officerAfter);
        Assert.Equal([$"escalation:{key}:officers-and-ccio"], ccioAfter);
        // Escalated once, at once: the overdue schedule does not escalate it again.
        Assert.Equal(officerAfter, await KeysAsync(_officer, id, "plan-due"));
        Assert.Equal(ccioAfter, await KeysAsync(_ccio, id, "plan-due"));
    }

    [Fact]
    public async Task Evidence_expiring_within_30_days_is_noticed_to_the_supplier_once_per_item_and_date()
    {
        var journey = new TestJourney(_database);
        var today = TimeProvider.System.PortalToday();
        var (first, second) = (today.AddDays(40), today.AddDays(45));
        var evidence = new List<int>();
        var id = await journey.SubmittedAsync(_officer, _supplier, beforeSubmit: async id =>
        {
            var codes = await journey.CodesAsync(id);
            foreach (var (code, title, until) in new[] { (codes[0], "Penetration test summary", first), (codes[1], "Cyber Essentials Plus certificate", second) })
            {
                var added = await journey.Workspace.AddLinkAsync(_supplier, id, code, new(EvidenceItemKind.Documentation, title, "https://example.org/evidence", today, until));
                Assert.True(added.Succeeded, added.Message);
            }
        });
        await using (var db = _database.CreateDbContext())
        {
            evidence = await db.EvidenceItems.Where(e => e.AssessmentId == id).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync();
        }

        var worker = Worker();
        MoveTo(first.AddDays(-31));
        await worker.RunOnceAsync();
        var tooEarly = await KeysAsync(_supplier, id, "evidence-expiring");
        foreach (var day in new[] { first.AddDays(-30), first.AddDays(-20), second.AddDays(-30), first, first.AddDays(1), second })
        {
            MoveTo(day);
            await worker.RunOnceAsync();
            await worker.RunOnceAsync();
        }

        Assert.Empty(tooEarly);
        Assert.Equal([$"reminder:evidence-expiring:{evidence[0]}:{Stamp(first)}", $"reminder:evidence-expiring:{evidence[1]}:{Stamp(second)}"],
            await KeysAsync(_supplier, id, "evidence-expiring"));
        Assert.Empty(await KeysAsync(_officer, id));
    }

    [Fact]
    public async Task A_job_that_was_down_for_a_fortnight_sends_only_the_latest_stage_reached()
    {
        var (id, due) = await InvitedAsync();
        var key = $"response-due:{Reference(id)}:{Stamp(due)}";
        var worker = Worker();

        MoveTo(due.AddDays(-15));
        await worker.RunOnceAsync();
        MoveTo(due.AddDays(-1));
        await worker.RunOnceAsync();
        var afterMissing7And3 = await KeysAsync(_supplier, id);
        MoveTo(Days.Add(due, 10));
        await worker.RunOnceAsync();

        Assert.Equal([$"reminder:{key}:1"], afterMissing7And3);
        Assert.Equal([$"reminder:{key}:1", $"overdue:{key}"], await KeysAsync(_supplier, id));
        Assert.Equal([$"escalation:{key}:officers"], await KeysAsync(_officer, id));
        Assert.Equal([$"escalation:{key}:ccio"], await KeysAsync(_ccio, id));
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
