using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Data.SignOffs;
using Portal.Data.Users;
using Portal.Features.Assessments;
using Portal.Features.Notifications;
using Portal.Hosting;

namespace Portal.Features.Reminders;

/// <summary>
/// Reminds people of what is due and escalates what is overdue, so nobody has to remember to look. Each run works out
/// every reminder due today and writes the ones not yet written: each has a stable event key (what, which stage, which
/// due date), so a run repeated, or run on two instances at once, writes each once per person. Only the instance holding
/// the "reminders" <see cref="JobLease"/> runs it. Withdrawn and rejected assessments get none.
/// </summary>
/// <remarks>
/// Before the due date: 7, 3 and 1 days before (only the latest stage reached, so a job that was down sends one, not
/// three), as <see cref="NotificationKind.Reminder"/>. After it: the owner is told their work is overdue
/// (<see cref="NotificationKind.Overdue"/>); <see cref="ReminderOptions.EscalateToOfficersAfterWorkingDays"/> working days
/// later the organisation's procurement officers, and <see cref="ReminderOptions.EscalateToCcioAfterWorkingDays"/> the CCIO
/// sign-off reviewers (<see cref="NotificationKind.Escalation"/>). An accepted plan whose date passes without its
/// completion accepted escalates to the officers and the CCIO at once: its requirement now counts as not met.
/// </remarks>
public sealed partial class ReminderWorker(
    IDbContextFactory<PortalDbContext> contexts,
    JobLease lease,
    TimeProvider clock,
    WorkingDays workingDays,
    IOptions<ReminderOptions> options,
    ILogger<ReminderWorker> logger) : BackgroundService
{
    public const string Job = "reminders";

    /// <summary>One notification event: who is told what, keyed so it is written once per person.</summary>
    public sealed record Due(string Key, int AssessmentId, string Text, string Link, NotificationKind Kind, IReadOnlyCollection<int> UserIds);

    private static readonly AssessmentStatus[] Closed = [AssessmentStatus.Withdrawn, AssessmentStatus.Rejected];

    /// <summary>One round: holding the lease, writes every reminder due now. Returns how many events it wrote, or null when another instance holds the job.</summary>
    public async Task<int?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        if (!await lease.TryTakeAsync(Job, options.Value.LeaseLength, cancellationToken))
        {
            return null;
        }

        return await lease.RecordRunAsync(Job, SendDueAsync, Describe, cancellationToken);
    }

    /// <summary>Writes every reminder due now that is not yet written, whoever holds the lease; the event keys keep it to once.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var due = await WorkOutAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var written = 0;
        foreach (var item in due.Where(d => d.UserIds.Count > 0))
        {
            if (await WriteAsync(item, now, cancellationToken))
            {
                written++;
            }
        }

        return written;
    }

    /// <summary>Every reminder due today, written or not.</summary>
    public async Task<IReadOnlyList<Due>> WorkOutAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var today = clock.PortalToday();
        var horizon = today.AddDays(7);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var people = new People(await db.Users.AsNoTracking()
            .Where(u => u.IsActive && u.Role != null)
            .Select(u => new Person(u.Id, u.Role!, u.NhsOrganisationId, u.SupplierId))
            .ToListAsync(cancellationToken));
        var list = new List<Due>();

        var answers = await db.Assessments.AsNoTracking()
            .Where(a => a.Status == AssessmentStatus.AwaitingSupplier && a.ResponseDueDate != null && a.ResponseDueDate <= horizon && a.SupplierId != null)
            .Select(a => new { a.Id, a.NhsOrganisationId, a.SupplierId, a.SystemName, Due = a.ResponseDueDate!.Value })
            .ToListAsync(cancellationToken);
        foreach (var a in answers)
        {
            var what = $"{Reference(a.Id)} ({a.SystemName}): the supplier's answers";
            list.AddRange(Schedule($"response-due:{Reference(a.Id)}:{a.Due:yyyy-MM-dd}", a.Id, what, a.Due, today, $"/assessments/{a.Id}",
                people.Suppliers(a.SupplierId), a.NhsOrganisationId, people, settings));
        }

        var clarifying = await db.Assessments.AsNoTracking()
            .Where(a => a.Status == AssessmentStatus.ClarificationRequested)
            .Select(a => new { a.Id, a.NhsOrganisationId, a.SupplierId, a.SystemName })
            .ToListAsync(cancellationToken);
        if (clarifying.Count > 0)
        {
            var ids = clarifying.ConvertAll(a => a.Id);
            var moves = (await StatusMoves(db, ids).ToListAsync(cancellationToken)).ToLookup(m => m.AssessmentId);
            foreach (var a in clarifying)
            {
                var reading = ClarificationClock.Read(moves[a.Id].Select(m => m.Move).OfType<ClarificationClock.Move>(), settings.ClarificationWorkingDays, today, workingDays);
                if (reading.DueOn is not { } dueOn)
                {
                    continue;
                }

                var what = $"{Reference(a.Id)} ({a.SystemName}): answers to the clarification requests";
                var left = reading.Left;
                var stage = dueOn < today ? null : left <= 1 ? "1" : left <= 3 ? "3" : null;
                var key = $"clarification-due:{Reference(a.Id)}:{dueOn:yyyy-MM-dd}";
                if (stage is not null)
                {
                    list.Add(new Due($"reminder:{key}:{stage}", a.Id,
                        $"{what} are due on {Date(dueOn)} ({Words(left, "working day")} left).", $"/assessments/{a.Id}", NotificationKind.Reminder,
                        people.Suppliers(a.SupplierId)));
                }
                else if (dueOn < today)
                {
                    list.AddRange(Overdue(key, a.Id, what, dueOn, today, $"/assessments/{a.Id}", people.Suppliers(a.SupplierId), a.NhsOrganisationId, people, settings));
                }
            }
        }

        var conditions = await db.SignOffs.AsNoTracking()
            .Where(s => !s.IsVoid && s.Decision == SignOffDecision.ApprovedWithConditions)
            .Join(db.Assessments.Where(a => !Closed.Contains(a.Status)), s => s.AssessmentId, a => a.Id, (s, a) => new { s, a })
            .SelectMany(x => x.s.Conditions.Where(c => c.ClosureState == ClosureState.Open && c.DueDate <= horizon), (x, c) => new
            {
                c.Id, c.Text, c.DueDate, c.OwnerParty, c.OwnerUserId, AssessmentId = x.a.Id, x.a.NhsOrganisationId, x.a.SupplierId, x.a.SystemName,
            })
            .ToListAsync(cancellationToken);
        foreach (var c in conditions)
        {
            var owners = c.OwnerUserId is { } ownerId && people.IsActive(ownerId) ? [ownerId]
                : c.OwnerParty == FollowUpParty.Supplier ? people.Suppliers(c.SupplierId) : people.Officers(c.NhsOrganisationId);
            var what = $"{Reference(c.AssessmentId)} ({c.SystemName}): sign-off condition \"{Shorten(c.Text)}\"";
            // The supplier may not open the sign-off page: the assessment page shows it the conditions it owns.
            var ownersLink = c.OwnerParty == FollowUpParty.Supplier ? $"/assessments/{c.AssessmentId}" : $"/assessments/{c.AssessmentId}/sign-off";
            list.AddRange(Schedule($"condition-due:{c.Id}:{c.DueDate:yyyy-MM-dd}", c.AssessmentId, what, c.DueDate, today,
                ownersLink, owners, c.NhsOrganisationId, people, settings, $"/assessments/{c.AssessmentId}/sign-off"));
        }

        var plans = await db.RequirementResponses.AsNoTracking()
            .Where(r => r.Claim == ComplianceClaim.WillMeetByDate && r.ClosureState == ClosureState.Open
                && db.ReviewDecisions.Any(d => d.AssessmentRequirementId == r.AssessmentRequirementId && d.Outcome == ReviewOutcome.Accepted))
            .Join(db.Assessments.Where(a => !Closed.Contains(a.Status)), r => r.AssessmentId, a => a.Id, (r, a) => new
            {
                r.AssessmentId, a.NhsOrganisationId, a.SupplierId, a.SystemName, r.PlannedDate, r.PlanDueOnContractDate, a.ContractDate,
                Code = db.AssessmentRequirements.Where(q => q.Id == r.AssessmentRequirementId).Select(q => q.Code).First(),
            })
            .Where(p => (p.PlanDueOnContractDate && p.ContractDate != null ? p.ContractDate : p.PlannedDate) <= horizon)
            .ToListAsync(cancellationToken);
        foreach (var p in plans)
        {
            var due = PlanDeadline.Of(p.PlannedDate, p.PlanDueOnContractDate, p.ContractDate)!.Value;
            var link = $"/assessments/{p.AssessmentId}/scorecard";
            var what = $"{Reference(p.AssessmentId)} ({p.SystemName}): the accepted plan for {p.Code}";
            var key = $"plan-due:{Reference(p.AssessmentId)}:{p.Code}:{due:yyyy-MM-dd}";
            // A passed plan escalates to the officers and the CCIO at once (below), not again on the overdue schedule.
            list.AddRange(Schedule(key, p.AssessmentId, what, due, today, link, people.Suppliers(p.SupplierId), p.NhsOrganisationId, people, settings)
                .Where(d => d.Kind != NotificationKind.Escalation));
            if (due < today)
            {
                list.Add(new Due($"escalation:{key}:officers-and-ccio", p.AssessmentId,
                    $"{what} was due on {Date(due)} and its completion has not been accepted: the requirement now counts as not met. "
                    + "Accept the work, or reopen the sign-off if it depended on it.",
                    link, NotificationKind.Escalation, [.. people.Officers(p.NhsOrganisationId), .. people.Ccios(p.NhsOrganisationId)]));
            }
        }

        var expiring = today.AddDays(settings.EvidenceExpiryNoticeDays);
        var evidence = await db.EvidenceItems.AsNoTracking()
            .Where(e => e.ValidUntil != null && e.ValidUntil >= today && e.ValidUntil <= expiring)
            .Join(db.Assessments.Where(a => !Closed.Contains(a.Status) && a.Status != AssessmentStatus.Draft), e => e.AssessmentId, a => a.Id,
                (e, a) => new { e.Id, e.Title, ValidUntil = e.ValidUntil!.Value, AssessmentId = a.Id, a.SupplierId, a.SystemName })
            .ToListAsync(cancellationToken);
        foreach (var e in evidence)
        {
            list.Add(new Due($"reminder:evidence-expiring:{e.Id}:{e.ValidUntil:yyyy-MM-dd}", e.AssessmentId,
                $"{Reference(e.AssessmentId)} ({e.SystemName}): evidence \"{Shorten(e.Title)}\" is valid until {Date(e.ValidUntil)}. Add current evidence before then, or the requirement counts as not met.",
                $"/assessments/{e.AssessmentId}", NotificationKind.Reminder, people.Suppliers(e.SupplierId)));
        }

        return list;
    }

    /// <summary>The reminder stage reached before <paramref name="due"/>, or the overdue notices after it.</summary>
    /// <param name="escalationLink">Where officers and the CCIO are sent when it escalates, if not where the owners are.</param>
    private IEnumerable<Due> Schedule(
        string key, int assessmentId, string what, DateOnly due, DateOnly today, string link, IReadOnlyCollection<int> owners,
        int organisationId, People people, ReminderOptions settings, string? escalationLink = null)
    {
        if (due < today)
        {
            return Overdue(key, assessmentId, what, due, today, link, owners, organisationId, people, settings, escalationLink);
        }

        var left = due.DayNumber - today.DayNumber;
        var stage = left <= 1 ? 1 : left <= 3 ? 3 : 7;
        var when = left == 0 ? "today" : left == 1 ? "tomorrow" : $"in {left} days";
        return [new Due($"reminder:{key}:{stage}", assessmentId, $"{what}: due {when}, on {Date(due)}.", link, NotificationKind.Reminder, owners)];
    }

    private IEnumerable<Due> Overdue(
        string key, int assessmentId, string what, DateOnly due, DateOnly today, string link, IReadOnlyCollection<int> owners,
        int organisationId, People people, ReminderOptions settings, string? escalationLink = null)
    {
        yield return new Due($"overdue:{key}", assessmentId, $"{what}: overdue since {Date(due)}.", link, NotificationKind.Overdue, owners);
        var late = workingDays.Between(due, today);
        link = escalationLink ?? link;
        if (late >= settings.EscalateToOfficersAfterWorkingDays)
        {
            yield return new Due($"escalation:{key}:officers", assessmentId, $"{what}: overdue since {Date(due)} ({Words(late, "working day")} late).",
                link, NotificationKind.Escalation, people.Officers(organisationId));
        }

        if (late >= settings.EscalateToCcioAfterWorkingDays)
        {
            yield return new Due($"escalation:{key}:ccio", assessmentId, $"{what}: overdue since {Date(due)} ({Words(late, "working day")} late), after reminders and escalation to the procurement officers.",
                link, NotificationKind.Escalation, people.Ccios(organisationId));
        }
    }

    /// <summary>
    /// Writes one event in its own save. Losing a race with another instance for the same event is not a failure:
    /// the other instance's notifications stand, and anyone it did not cover is written on a second try.
    /// </summary>
    private async Task<bool> WriteAsync(Due due, DateTime now, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await NotificationService.NotifyUsersAsync(db, now, due.AssessmentId, due.Text, due.Link, due.UserIds, cancellationToken, due.Kind, due.Key);
            if (!db.ChangeTracker.HasChanges())
            {
                return false;
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateException) when (attempt == 1)
            {
                if (!await NotificationService.IsDuplicateEvent(db, cancellationToken))
                {
                    throw;
                }

                LogRaced(logger, due.Key);
            }
        }
    }

    /// <summary>The assessment's status moves, from the audit trail that records each one with its from and to status.</summary>
    internal static IQueryable<StatusMoveRow> StatusMoves(PortalDbContext db, IReadOnlyCollection<int> assessmentIds) =>
        db.AuditEvents.AsNoTracking()
            .Where(e => e.AssessmentId != null && assessmentIds.Contains(e.AssessmentId.Value) && e.EntityType == nameof(Assessment)
                && e.Before != null && e.After != null)
            .OrderBy(e => e.Id)
            .Select(e => new StatusMoveRow(e.AssessmentId!.Value, e.OccurredAt, e.Before!, e.After!));

    internal sealed record StatusMoveRow(int AssessmentId, DateTime At, string Before, string After)
    {
        public ClarificationClock.Move? Move =>
            StatusNames.TryGetValue(Before, out var from) && StatusNames.TryGetValue(After, out var to) ? new ClarificationClock.Move(At, from, to) : null;
    }

    private static readonly Dictionary<string, AssessmentStatus> StatusNames =
        Enum.GetValues<AssessmentStatus>().ToDictionary(AssessmentWorkflow.StatusName);

    private static string Reference(int id) => new Assessment { Id = id }.Reference;

    private static string Date(DateOnly day) => day.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

    private static string Words(int count, string unit) => $"{count} {unit}{(count == 1 ? "" : "s")}";

    private static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 79), "…");

    private static string Describe(int written) => written switch
    {
        0 => "No reminder was due.",
        1 => "Wrote 1 reminder.",
        _ => $"Wrote {written} reminders.",
    };

    private sealed record Person(int Id, string Role, int? NhsOrganisationId, int? SupplierId);

    private sealed class People(IReadOnlyList<Person> all)
    {
        private readonly HashSet<int> _active = all.Select(p => p.Id).ToHashSet();

        public bool IsActive(int id) => _active.Contains(id);

        public List<int> Suppliers(int? supplierId) =>
            all.Where(p => p.SupplierId == supplierId && supplierId != null && p.Role == PortalRoles.SupplierAccountManager).Select(p => p.Id).ToList();

        public List<int> Officers(int organisationId) => InOrganisation(organisationId, PortalRoles.ProcurementOfficer);

        public List<int> Ccios(int organisationId) => InOrganisation(organisationId, PortalRoles.CcioReviewer);

        private List<int> InOrganisation(int organisationId, string role) =>
            all.Where(p => p.NhsOrganisationId == organisationId && p.Role == role).Select(p => p.Id).ToList();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunOnceAsync(stoppingToken) is > 0 and var written)
                {
                    LogWritten(logger, written);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The next round writes whatever this one did not: every reminder is still due then.
                LogFailed(logger, ex);
            }

            try
            {
                await Task.Delay(options.Value.Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Count} reminder events.")]
    private static partial void LogWritten(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Another instance wrote reminder {Key} first.")]
    private static partial void LogRaced(ILogger logger, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write reminders; will try again at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
