using System.Text;
using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Data.Users;
using Portal.Features.Assessments;
using Portal.Features.Evidence;
using Portal.Features.Evidence.LinkChecks;
using Portal.Features.Scorecards;
using Portal.Features.SignOffs;
using Portal.Hosting;
using Portal.Tests.TestSupport;
using UglyToad.PdfPig;

namespace Portal.Tests.Features.Evidence.LinkChecks;

/// <summary>
/// The link-check worker on a real database (SQLite, migrated by the real migrations) against links a local server
/// serves and changes: when links are checked and re-checked, that two workers do each check once, and what drift is
/// found, told and shown on the scorecard. Time is a clock the test moves ("a day later"), never a wait.
/// </summary>
public sealed class LinkCheckWorkerTests : IAsyncLifetime
{
    private const string SpecificationCode = "P.3";
    private const string DocumentationCode = "P.4";
    private const string SandboxCode = "P.5";

    private readonly SettableClock _clock = new(DateTimeOffset.UtcNow.AddDays(-3));
    private readonly LinkCheckOptions _options = new() { RecheckIntervalHours = 24 };
    private TestDatabase _database = default!;
    private LinkTestServer _site = default!;
    private LinkTestServer? _sandbox;
    private int _sandboxPort;
    private ServiceProvider _fetchers = default!;
    private TestJourney _journey = default!;
    private Caller _officer = default!;
    private Caller _supplier = default!;
    private Caller _ccio = default!;
    private LinkCheckWorker _worker = default!;

    // What the site serves now; a test changes it between rounds.
    private volatile bool _documentationPublic = true;
    private volatile string _specification = Specification("1.0.0");

    // A server having a bad moment: answers 503 Service Unavailable to every link on the site.
    private volatile bool _siteUnavailable;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
        _journey = new TestJourney(_database);
        _site = await LinkTestServer.StartAsync(app =>
        {
            app.Use(async (context, next) =>
            {
                if (_siteUnavailable)
                {
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    await context.Response.WriteAsync("<!doctype html><title>Down for maintenance</title><p>Back soon.</p>");
                    return;
                }

                await next();
            });
            app.MapGet("/docs", () => _documentationPublic
                ? Results.Text("<!doctype html><title>API guide</title><h1>API guide</h1>", "text/html")
                : Results.Redirect("/account/login?returnUrl=%2Fdocs"));
            app.MapGet("/account/login", () => Results.Text("<!doctype html><title>Sign in</title><form></form>", "text/html"));
            app.MapGet("/openapi.json", () => Results.Text(_specification, "application/json"));
        });
        _sandbox = await LinkTestServer.StartAsync(app => app.MapGet("/", () => Results.Text("sandbox")));
        _sandboxPort = _sandbox.Port;
        _fetchers = LinkTestServer.Fetchers(_site.Origin, _sandbox.Origin);
        _worker = Worker();
    }

    public async Task DisposeAsync()
    {
        await _fetchers.DisposeAsync();
        await _site.DisposeAsync();
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        await _database.DisposeAsync();
    }

    [Fact]
    public async Task A_new_link_is_checked_once_then_again_only_after_the_interval_and_every_result_is_kept_in_order()
    {
        var id = await SubmittedWithLinksAsync((DocumentationCode, EvidenceItemKind.Documentation, "/docs"));

        Assert.Equal(1, await _worker.RunOnceAsync());
        Assert.Equal(0, await _worker.RunOnceAsync());
        _clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(0, await _worker.RunOnceAsync());
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await _worker.RunOnceAsync());

        Assert.Equal(2, _site.Requests.Count(r => r == "GET /docs"));
        var history = (await Service().ListHistoryAsync(_officer, id, await EvidenceIdAsync(id, DocumentationCode))).Value!;
        Assert.Equal(["Scheduled", "Added"], history.Select(c => c.Reason));
        Assert.All(history, c => Assert.Equal(LinkCheckOutcome.Passed, c.Outcome));
        Assert.True(history[0].CheckedAt > history[1].CheckedAt);
        Assert.Equal(_clock.GetUtcNow().UtcDateTime, history[0].CheckedAt);
    }

    [Fact]
    public async Task Two_workers_on_one_database_run_each_check_once()
    {
        await SubmittedWithLinksAsync(
            (DocumentationCode, EvidenceItemKind.Documentation, "/docs"),
            (SpecificationCode, EvidenceItemKind.OpenApiSpecification, "/openapi.json"));
        var other = Worker();

        var rounds = await Task.WhenAll(_worker.RunOnceAsync(), other.RunOnceAsync());

        Assert.Equal(2, rounds.Sum(r => r ?? 0));
        Assert.Contains(null, rounds);
        Assert.Equal(1, _site.Requests.Count(r => r == "GET /docs"));
        Assert.Equal(1, _site.Requests.Count(r => r == "GET /openapi.json"));
        await using var db = _database.CreateDbContext();
        Assert.Equal(2, await db.LinkChecks.CountAsync());
    }

    [Fact]
    public async Task Two_runners_given_the_same_queued_check_run_it_once()
    {
        var id = await SubmittedWithLinksAsync((DocumentationCode, EvidenceItemKind.Documentation, "/docs"));
        var check = await QueueAsync(id, DocumentationCode);

        var ran = await Task.WhenAll(Runner().RunAsync(check, CancellationToken.None), Runner().RunAsync(check, CancellationToken.None));

        Assert.Equal(1, ran.Count(r => r));
        Assert.Equal(1, _site.Requests.Count(r => r == "GET /docs"));
    }

    [Fact]
    public async Task A_withdrawn_assessments_links_are_not_checked_even_when_a_check_was_already_queued()
    {
        var id = await SubmittedWithLinksAsync((DocumentationCode, EvidenceItemKind.Documentation, "/docs"));
        await QueueAsync(id, DocumentationCode);
        var withdrawn = await new AssessmentService(_database, _clock).WithdrawAsync(_officer, id, "The procurement was cancelled.", TestVersions.Any);
        Assert.True(withdrawn.Succeeded, withdrawn.Message);

        await _worker.RunOnceAsync();
        _clock.Advance(TimeSpan.FromDays(2));
        await _worker.RunOnceAsync();

        Assert.Empty(_site.Requests);
        await using var db = _database.CreateDbContext();
        var check = await db.LinkChecks.SingleAsync();
        Assert.Equal(LinkCheckRunner.NotCheckedWithdrawn, check.Summary);
        Assert.Null(check.Drift);
    }

    [Fact]
    public async Task Documentation_that_starts_sending_readers_to_sign_in_is_drift_told_to_the_officers_once_and_cleared_when_public_again()
    {
        var id = await SubmittedWithLinksAsync((DocumentationCode, EvidenceItemKind.Documentation, "/docs"));
        await _worker.RunOnceAsync();
        Assert.Null((await LatestAsync(id, DocumentationCode)).Drift);

        _documentationPublic = false;
        await DayLaterRoundAsync();
        var drift = (await LatestAsync(id, DocumentationCode)).Drift;
        await DayLaterRoundAsync();

        Assert.StartsWith("Documentation no longer public. Not public: it sends readers to a sign-in page", drift, StringComparison.Ordinal);
        Assert.Equal(drift, (await LatestAsync(id, DocumentationCode)).Drift);
        await AssertOfficersToldOnceAsync(id, "Documentation no longer public");

        _documentationPublic = true;
        await DayLaterRoundAsync();
        Assert.Null((await LatestAsync(id, DocumentationCode)).Drift);
    }

    [Fact]
    public async Task A_sandbox_that_goes_away_is_drift_while_it_stays_away()
    {
        var id = await SubmittedWithLinksAsync((SandboxCode, EvidenceItemKind.TestEnvironment, $"http://127.0.0.1:{_sandboxPort}/"));
        await _worker.RunOnceAsync();
        Assert.Null((await LatestAsync(id, SandboxCode)).Drift);

        await _sandbox!.DisposeAsync();
        _sandbox = null;
        await DayLaterRoundAsync();
        var once = await LatestAsync(id, SandboxCode);
        await DayLaterRoundAsync();
        var gone = await LatestAsync(id, SandboxCode);
        await DayLaterRoundAsync();

        // One check without an answer may be a blip (a restart, a network hiccup): shown as failed, not yet drift.
        Assert.Equal(LinkCheckOutcome.Failed, once.Outcome);
        Assert.Null(once.Drift);
        Assert.Equal(LinkCheckOutcome.Failed, gone.Outcome);
        Assert.StartsWith("Sandbox no longer answers. The sandbox does not answer", gone.Drift, StringComparison.Ordinal);
        Assert.Equal(gone.Drift, (await LatestAsync(id, SandboxCode)).Drift);
        await AssertOfficersToldOnceAsync(id, "Sandbox no longer answers");
    }

    [Fact]
    public async Task A_specification_changed_after_sign_off_is_drift_but_a_change_before_sign_off_is_not_and_the_signed_off_content_clears_it()
    {
        var id = await SubmittedWithLinksAsync((SpecificationCode, EvidenceItemKind.OpenApiSpecification, "/openapi.json"));
        await _worker.RunOnceAsync();
        _specification = Specification("1.1.0");
        await DayLaterRoundAsync();
        Assert.Null((await LatestAsync(id, SpecificationCode)).Drift);

        var signedAt = await SignOffAsync(id);
        _clock.Set(signedAt.AddMinutes(1));
        await _worker.RunOnceAsync();
        Assert.Null((await LatestAsync(id, SpecificationCode)).Drift);

        _specification = Specification("2.0.0");
        await DayLaterRoundAsync();
        await DayLaterRoundAsync();
        Assert.Equal($"Specification changed since sign-off on {signedAt:d MMM yyyy}.", (await LatestAsync(id, SpecificationCode)).Drift);
        await AssertOfficersToldOnceAsync(id, "Specification changed since sign-off");

        _specification = Specification("1.1.0");
        await DayLaterRoundAsync();
        Assert.Null((await LatestAsync(id, SpecificationCode)).Drift);
    }

    [Fact]
    public async Task Documentation_that_fails_to_answer_once_is_not_drift_and_tells_nobody_but_failing_on_the_next_check_too_is()
    {
        var id = await SubmittedWithLinksAsync((DocumentationCode, EvidenceItemKind.Documentation, "/docs"));
        await _worker.RunOnceAsync();

        _siteUnavailable = true;
        await DayLaterRoundAsync();
        var blip = await LatestAsync(id, DocumentationCode);
        _siteUnavailable = false;
        await DayLaterRoundAsync();
        var back = await LatestAsync(id, DocumentationCode);

        Assert.Equal(LinkCheckOutcome.Failed, blip.Outcome);
        Assert.Null(blip.Drift);
        Assert.Null(back.Drift);
        // The error page's bytes are not the documentation: reading the real page again is not "content changed".
        Assert.DoesNotContain(back.Details.Facts, f => f.Name == "Content" && f.Value.StartsWith("changed", StringComparison.Ordinal));
        await AssertNobodyToldAsync(id);

        _siteUnavailable = true;
        await DayLaterRoundAsync();
        await DayLaterRoundAsync();
        Assert.StartsWith("Documentation no longer public. It answered HTTP 503", (await LatestAsync(id, DocumentationCode)).Drift, StringComparison.Ordinal);
        await AssertOfficersToldOnceAsync(id, "Documentation no longer public");
    }

    [Fact]
    public async Task A_signed_off_specification_that_cannot_be_read_once_is_not_drift_and_a_change_in_what_the_drift_is_is_told_again()
    {
        var id = await SubmittedWithLinksAsync((SpecificationCode, EvidenceItemKind.OpenApiSpecification, "/openapi.json"));
        await _worker.RunOnceAsync();
        var signedAt = await SignOffAsync(id);
        _clock.Set(signedAt.AddMinutes(1));

        _siteUnavailable = true;
        await DayLaterRoundAsync();
        Assert.Null((await LatestAsync(id, SpecificationCode)).Drift);
        _siteUnavailable = false;
        await DayLaterRoundAsync();
        Assert.Null((await LatestAsync(id, SpecificationCode)).Drift);
        await AssertNobodyToldAsync(id);

        _siteUnavailable = true;
        await DayLaterRoundAsync();
        await DayLaterRoundAsync();
        Assert.StartsWith("Specification no longer readable since sign-off", (await LatestAsync(id, SpecificationCode)).Drift, StringComparison.Ordinal);

        // Readable again, but not what was signed off: a different drift, so the officers hear of it.
        _siteUnavailable = false;
        _specification = Specification("2.0.0");
        await DayLaterRoundAsync();
        // Changed again: still the same drift, told once already.
        _specification = Specification("2.1.0");
        await DayLaterRoundAsync();

        Assert.Equal($"Specification changed since sign-off on {signedAt:d MMM yyyy}.", (await LatestAsync(id, SpecificationCode)).Drift);
        await AssertOfficersToldOnceAsync(id, "Specification no longer readable since sign-off");
        await AssertOfficersToldOnceAsync(id, "Specification changed since sign-off");
        await using var db = _database.CreateDbContext();
        var links = await db.Notifications.Where(n => n.AssessmentId == id && n.Text.Contains("since sign-off")).Select(n => n.Link).Distinct().ToListAsync();
        Assert.Equal([$"/assessments/{id}/review?requirement={SpecificationCode}"], links);
    }

    [Fact]
    public async Task Drift_is_marked_on_the_scorecard_exports_and_pdf_without_changing_the_score_and_clears_with_a_later_check()
    {
        var id = await SubmittedWithLinksAsync(
            (SpecificationCode, EvidenceItemKind.OpenApiSpecification, "/openapi.json"),
            (DocumentationCode, EvidenceItemKind.Documentation, "/docs"));
        await _worker.RunOnceAsync();
        var signedAt = await SignOffAsync(id);
        _clock.Set(signedAt.AddMinutes(1));
        var before = (await Scorecards().GetAsync(_officer, id))!;
        Assert.Empty(before.Drift);

        _specification = Specification("2.0.0");
        _documentationPublic = false;
        await DayLaterRoundAsync();
        var report = (await Scorecards().GetWithAnswersAsync(_officer, id))!;

        Assert.Equal(before.Card.OverallPercent, report.Card.OverallPercent);
        Assert.Equal(before.Card.StatusName, report.Card.StatusName);
        Assert.Equal([SpecificationCode, DocumentationCode], report.Drift.Keys.Order(StringComparer.Ordinal));
        var changed = $"Specification changed since sign-off on {signedAt:d MMM yyyy}.";
        Assert.Equal(changed, report.DriftOf(SpecificationCode).Single().Text);
        Assert.StartsWith("Documentation no longer public.", report.DriftOf(DocumentationCode).Single().Text, StringComparison.Ordinal);
        Assert.Equal("2 requirements have evidence whose latest link check found drift.", report.DriftSummary);

        var csv = Rows(ScorecardExports.Csv(report));
        Assert.Equal("drift", csv[0][^1]);
        Assert.StartsWith(changed, csv.Single(r => r[4] == SpecificationCode)[^1], StringComparison.Ordinal);
        Assert.Equal("", csv.Single(r => r[4] == "P.1")[^1]);

        using var json = JsonDocument.Parse(ScorecardExports.Json(report));
        Assert.Equal(2, json.RootElement.GetProperty("driftCount").GetInt32());
        var requirements = json.RootElement.GetProperty("requirements").EnumerateArray().ToList();
        Assert.Equal(changed, requirements.Single(r => r.GetProperty("id").GetString() == SpecificationCode).GetProperty("drift")[0].GetProperty("text").GetString());
        Assert.Equal(0, requirements.Single(r => r.GetProperty("id").GetString() == "P.1").GetProperty("drift").GetArrayLength());

        using var workbook = SpreadsheetDocument.Open(new MemoryStream(ScorecardWorkbook.Write(report)), isEditable: false);
        var texts = workbook.WorkbookPart!.WorksheetParts.SelectMany(p => p.Worksheet.Descendants<Cell>()).Select(c => c.InnerText).ToList();
        Assert.Contains("Requirements with evidence drift", texts);
        Assert.Contains(texts, t => t.StartsWith(changed, StringComparison.Ordinal));

        var rendered = ScorecardPdf.Render(report, verificationCode: null);
        if (Environment.GetEnvironmentVariable("PORTAL_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, "scorecard-drift.pdf"), rendered);
        }

        using (var pdf = PdfDocument.Open(rendered))
        {
            var text = string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text));
            Assert.Contains($"{ScorecardPdf.DriftTitle} (2)", text, StringComparison.Ordinal);
            Assert.Contains("2 requirements have evidence whose latest link check found drift.", text, StringComparison.Ordinal);
            Assert.Contains("Drift: Specification changed since sign-off on", text, StringComparison.Ordinal);
        }

        _specification = Specification("1.0.0");
        _documentationPublic = true;
        await DayLaterRoundAsync();
        var after = (await Scorecards().GetAsync(_officer, id))!;
        Assert.Empty(after.Drift);
        Assert.Equal("None found by the latest link checks.", after.DriftSummary);
    }

    [Fact]
    public async Task A_scorecard_issued_before_drift_still_verifies_and_one_issued_after_seals_the_drift_it_shows()
    {
        var id = await SubmittedWithLinksAsync((SpecificationCode, EvidenceItemKind.OpenApiSpecification, "/openapi.json"));
        await _worker.RunOnceAsync();
        var signedAt = await SignOffAsync(id);
        _clock.Set(signedAt.AddMinutes(1));
        var issuing = new IssuedScorecardService(_database, Scorecards(), _clock, TestPortalAddress.Of());
        var first = (await issuing.IssueAsync(_officer, id)).Value!;

        _specification = Specification("2.0.0");
        await DayLaterRoundAsync();
        var second = (await issuing.IssueAsync(_officer, id)).Value!;

        Assert.Equal(IssuedScorecardService.Outcome.Genuine, (await issuing.VerifyFileAsync(_officer, first.Content)).Outcome);
        Assert.Equal(IssuedScorecardService.Outcome.Genuine, (await issuing.VerifyCodeAsync(_officer, first.VerificationCode)).Outcome);
        Assert.Equal(IssuedScorecardService.Outcome.Genuine, (await issuing.VerifyFileAsync(_officer, second.Content)).Outcome);
        Assert.NotEqual(first.VerificationCode, second.VerificationCode);
        var sealedFirst = (await issuing.ContentAsync(_officer, first.VerificationCode))!;
        var sealedSecond = (await issuing.ContentAsync(_officer, second.VerificationCode))!;
        Assert.Equal(first.VerificationCode, IssuedScorecardService.Sha256(Encoding.UTF8.GetBytes(sealedFirst)));
        Assert.Contains("\"driftCount\": 0", sealedFirst, StringComparison.Ordinal);
        Assert.Contains("\"driftCount\": 1", sealedSecond, StringComparison.Ordinal);
    }

    private LinkCheckWorker Worker() => new(_database, new JobLease(_database, _clock), Runner(), new LinkCheckSignal(), _clock, Options.Create(_options),
        new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance), NullLogger<LinkCheckWorker>.Instance);

    private LinkCheckRunner Runner() => new(_database, _fetchers.GetRequiredService<LinkChecker>(), _clock);

    private LinkCheckService Service() => new(_database, Runner(), Options.Create(_options), _clock);

    private ScorecardService Scorecards() => new(_database, _clock);

    private async Task DayLaterRoundAsync()
    {
        _clock.Advance(TimeSpan.FromHours(25));
        Assert.True(await _worker.RunOnceAsync() > 0, "The round re-checked the links that were due.");
    }

    private async Task<int> SubmittedWithLinksAsync(params (string Code, EvidenceItemKind Kind, string Url)[] links) =>
        await _journey.SubmittedAsync(_officer, _supplier, beforeSubmit: async id =>
        {
            foreach (var (code, kind, url) in links)
            {
                var address = url.StartsWith('/') ? _site.At(url).ToString() : url;
                var added = await _journey.Workspace.AddLinkAsync(_supplier, id, code, new EvidenceInput(kind, $"{kind} for {code}", address, TimeProvider.System.PortalToday(), null));
                Assert.True(added.Succeeded, added.Message);
            }
        });

    /// <summary>Accepts every answer and signs the assessment off; the sign-off's time (the real clock the workflow services use).</summary>
    private async Task<DateTime> SignOffAsync(int id)
    {
        Assert.True((await _journey.Reviews.StartAsync(_officer, id)).Succeeded);
        Assert.True((await _journey.Reviews.DecideAsync(_officer, id, await _journey.CodesAsync(id), ReviewOutcome.Accepted, null, TestVersions.Any)).Succeeded);
        Assert.True((await _journey.Reviews.SendForSignOffAsync(_officer, id)).Succeeded);
        var decided = await _journey.SignOffs.DecideAsync(_ccio, id, new(SignOffService.Choice.Approve, true, "HL-7", null, null, []), TestVersions.Any);
        Assert.True(decided.Succeeded, decided.Message);
        await using var db = _database.CreateDbContext();
        return await db.SignOffs.Where(s => s.AssessmentId == id).Select(s => s.SignedAt).SingleAsync();
    }

    private async Task<int> EvidenceIdAsync(int id, string code)
    {
        await using var db = _database.CreateDbContext();
        return await db.EvidenceItems.Where(e => e.AssessmentId == id
                && db.RequirementResponses.Any(r => r.Id == e.RequirementResponseId && db.AssessmentRequirements.Any(q => q.Id == r.AssessmentRequirementId && q.Code == code)))
            .Select(e => e.Id).SingleAsync();
    }

    /// <summary>A check queued as the worker queues one, not yet run.</summary>
    private async Task<int> QueueAsync(int id, string code)
    {
        var evidenceId = await EvidenceIdAsync(id, code);
        await using var db = _database.CreateDbContext();
        var check = new LinkCheck
        {
            EvidenceItemId = evidenceId, AssessmentId = id, Outcome = LinkCheckOutcome.Pending, Reason = "Added", RequestedAt = _clock.GetUtcNow().UtcDateTime,
        };
        db.LinkChecks.Add(check);
        await db.SaveChangesAsync();
        return check.Id;
    }

    private async Task<LinkCheckView> LatestAsync(int id, string code)
    {
        var evidenceId = await EvidenceIdAsync(id, code);
        return (await Service().ListLatestAsync(_officer, id, [evidenceId]))[evidenceId];
    }

    /// <summary>Every procurement officer of the assessing organisation has exactly one notification saying <paramref name="text"/>, and nobody else has one.</summary>
    private async Task AssertOfficersToldOnceAsync(int id, string text)
    {
        await using var db = _database.CreateDbContext();
        var told = await db.Notifications.Where(n => n.AssessmentId == id && n.Text.Contains(text)).Select(n => n.UserId).OrderBy(u => u).ToListAsync();
        var officers = await db.Users.Where(u => u.IsActive && u.Role == PortalRoles.ProcurementOfficer && u.NhsOrganisationId == _officer.NhsOrganisationId)
            .Select(u => u.Id).OrderBy(u => u).ToListAsync();
        Assert.Contains(_officer.UserId, officers);
        Assert.Equal(officers, told);
    }

    private async Task AssertNobodyToldAsync(int id)
    {
        await using var db = _database.CreateDbContext();
        Assert.Empty(await db.Notifications.Where(n => n.AssessmentId == id && (n.Text.Contains("no longer") || n.Text.Contains("since sign-off"))).Select(n => n.Text).ToListAsync());
    }

    private static List<string[]> Rows(string csv)
    {
        using var reader = CsvHelper.CsvReader.Create(Encoding.UTF8.GetBytes(csv));
        var rows = new List<string[]> { reader.Headers.ToArray() };
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        }

        return rows;
    }

    /// <summary>A small valid OpenAPI document; its version changes its bytes, so its hash.</summary>
    private static string Specification(string version) => $$"""
        {
          "openapi": "3.0.3",
          "info": { "title": "Patient API", "version": "{{version}}" },
          "servers": [{ "url": "https://sandbox.example.org/v1" }],
          "paths": {
            "/patients": {
              "get": { "summary": "List patients", "responses": { "200": { "description": "OK" }, "401": { "description": "Not signed in" } } }
            }
          },
          "components": { "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } } }
        }
        """;

    private sealed class SettableClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan time) => _now += time;

        public void Set(DateTime utc) => _now = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
