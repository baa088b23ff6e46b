using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Features;
using Portal.Data.Assessments;
using Portal.Data.Audit;
using Portal.Data.Users;
using Portal.Features.Assessments;
using Portal.Features.Audit;
using Portal.Features.Dashboards;
using Portal.Features.Evidence;
using Portal.Features.Scorecards;
using Portal.Hosting;
using Portal.Tests.TestSupport;
using Xunit.Abstractions;

namespace Portal.Tests.Data;

/// <summary>
/// The SQL the services send on SQL Server, captured from the SQL Server provider without a server
/// (<see cref="UnconnectedSqlServer"/>), must parse with Microsoft's T-SQL parser: SQL Server's own dialect, never
/// SQLite's, reaches production.
/// </summary>
public sealed class SqlServerCommandTests(ITestOutputHelper output)
{
    private static readonly Caller Officer = new(
        1, "Test officer", "officer@example.org", new HashSet<string> { PortalRoles.ProcurementOfficer }, 1, "Test trust", "RXX", null, null);

    private static readonly Caller Supplier = new(
        2, "Test supplier", "supplier@example.org", new HashSet<string> { PortalRoles.SupplierAccountManager }, null, null, null, 1, "Test supplier");

    private readonly UnconnectedSqlServer _server = new();

    public static TheoryData<string> Features =>
    [
        "assessment list page",
        "assessment list search",
        "home summary",
        "home summary of some statuses",
        "assessment overview",
        "evidence workspace load",
        "evidence response save",
        "scorecard",
        "dashboard",
        "icb roll-up",
        "timeline page",
        "timeline search",
        "audit chain append",
        "score refresh round",
        "job lease",
    ];

    [Theory]
    [MemberData(nameof(Features))]
    public async Task Every_command_a_feature_sends_parses_as_T_SQL(string feature)
    {
        var commands = await _server.CaptureAsync(() => RunAsync(feature));

        Assert.NotEmpty(commands);
        output.WriteLine($"Stopped by: {_server.StoppedBy?.GetType().Name}: {_server.StoppedBy?.Message}");
        output.WriteLine($"{commands.Count} commands:{Environment.NewLine}{string.Join(Environment.NewLine + "--" + Environment.NewLine, commands)}");
        var failures = commands
            .Select(sql => (sql, TSql.Parse(sql).Errors))
            .Where(c => c.Errors.Count > 0)
            .Select(c => $"{c.sql}{Environment.NewLine}  {TSql.Describe(c.sql, c.Errors)}")
            .ToList();
        Assert.True(failures.Count == 0, $"{feature}: SQL Server would refuse:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    [Fact]
    public async Task Audit_chain_append_locks_the_chain_and_inserts_on_SQL_Server()
    {
        var commands = await _server.CaptureAsync(() => RunAsync("audit chain append"));

        Assert.Contains(commands, c => c.Contains("sp_getapplock", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.Contains("INSERT INTO [AuditEvents]", StringComparison.Ordinal));
    }

    private async Task RunAsync(string feature)
    {
        var clock = TimeProvider.System;
        switch (feature)
        {
            case "assessment list page":
                await new AssessmentService(_server, clock).PageAsync(Officer, new AssessmentService.ListQuery());
                break;
            case "assessment list search":
                await new AssessmentService(_server, clock).PageAsync(Supplier, new AssessmentService.ListQuery(Search: "50% off_[x]", Sort: AssessmentSort.Rag));
                break;
            case "home summary":
                await new AssessmentService(_server, clock).GetHomeSummaryAsync(Officer);
                break;
            case "home summary of some statuses":
                await new AssessmentService(_server, clock).GetHomeSummaryAsync(Supplier, [AssessmentStatus.AwaitingSupplier, AssessmentStatus.ClarificationRequested]);
                break;
            case "assessment overview":
                await new AssessmentService(_server, clock).GetAsync(Officer, 1);
                break;
            case "evidence workspace load":
                await Workspace().GetAsync(Supplier, 1);
                break;
            case "evidence response save":
                await Workspace().SaveResponseAsync(Supplier, 1, "OAP-01", new ResponseDraft(Portal.Data.Evidence.ComplianceClaim.Meets, "Done", null, null, null), ReadVersion.None);
                break;
            case "scorecard":
                await new ScorecardService(_server, clock).GetWithAnswersAsync(Officer, 1);
                break;
            case "dashboard":
                await new DashboardService(_server, clock).GetAsync(Officer);
                break;
            case "icb roll-up":
                await using (var db = _server.CreateDbContext())
                {
                    // The members and which of them changed: both explicit left joins onto the stored figures.
                    await IcbRollUp.ReadAsync(db, 1, TimeProvider.System.PortalToday(), default);
                }

                break;
            case "timeline page":
                await Timeline().PageAsync(Officer, 1, null, 2);
                break;
            case "timeline search":
                await Timeline().PageAsync(Officer, 1, "sign-off 100%", 1);
                break;
            case "audit chain append":
                await using (var db = _server.CreateDbContext())
                {
                    AuditTrail.Record(db, Officer, DateTime.UtcNow, "Tested", "Assessment", "1", "A test event.", assessmentId: 1);
                    await db.SaveChangesAsync();
                }

                break;
            case "score refresh round":
                await new ScoreRefreshWorker(
                    _server, new JobLease(_server, clock), new Portal.Data.Scorecards.StaleScoreSignal(), clock,
                    Options.Create(new ScoreOptions()), NullLogger<ScoreRefreshWorker>.Instance).RunOnceAsync();
                break;
            case "job lease":
                await new JobLease(_server, clock).TryTakeAsync("test", TimeSpan.FromMinutes(1), default);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(feature), feature, "No such feature.");
        }
    }

    private EvidenceWorkspaceService Workspace() =>
        new(_server, new LocalFolderEvidenceStore(Path.Combine(Path.GetTempPath(), "portal-tests", "never-written")), Options.Create(new EvidenceOptions()), TimeProvider.System);

    private TimelineService Timeline() => new(_server, new AuditDigests(_server, new NoDigests(), TimeProvider.System));

    private sealed class NoDigests : IAuditDigestStore
    {
        public Task AppendAsync(AuditDigest digest, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<DigestRecord> ReadAllAsync(CancellationToken cancellationToken) => Task.FromResult(new DigestRecord([], []));
    }
}
