using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Bunit;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Reviews;
using Portal.Features.Assessments;
using Portal.Features.Comparisons;
using Portal.Features.Dashboards;
using Portal.Features.Evidence;
using Portal.Features.Scorecards;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;
using UglyToad.PdfPig;
using Portal.Features;

namespace Portal.Tests.Features.Scorecards;

/// <summary>
/// One definition of an unmet "must" requirement, seen the same way everywhere: assessments in every state, and for each
/// the status and the number of unmet "must" requirements as the scorecard page, its PDF, CSV, XLSX and JSON, the
/// comparison (page model and CSV), the dashboard and the sign-off page state them.
/// </summary>
public sealed partial class UnmetMustConsistencyTests : ComponentTestBase
{
    private const string NotScored = "Not yet scored";

    /// <summary>What one surface says: the status in words, the number in the status line, the number its list is headed with.</summary>
    private sealed record Stated(string Surface, string? Status, int? InStatusLine, int? Listed);

    [GeneratedRegex("""(\d+)\s+"must"\s+requirements?\s+(?:is|are)\s+not\s+met""")]
    private static partial Regex UnmetInWords();

    [GeneratedRegex("""Every\s+"must"\s+(?:requirement\s+)?is\s+met""")]
    private static partial Regex EveryMustMet();

    [GeneratedRegex("""^"Must"\s+requirements\s+not\s+met\s+\((\d+)\)$""")]
    private static partial Regex ListHeading();

    [GeneratedRegex("""Status:\s+(Red|Amber|Green|Not yet scored)""")]
    private static partial Regex StatusWords();

    private static int? CountInWords(string? text) =>
        text is null ? null
        : UnmetInWords().Match(text) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
        : EveryMustMet().IsMatch(text) ? 0
        : null;

    [Fact]
    public async Task Every_surface_states_the_same_status_and_number_of_unmet_must_requirements_in_every_state()
    {
        var officer = await TestCallers.ForAsync(Database, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(Database, TestCallers.Supplier);
        var ccio = await TestCallers.ForAsync(Database, TestCallers.Ccio);
        var journey = new TestJourney(Database);
        var musts = await MustCodesAsync(await TestAssessments.ConfirmedAsync(Database, officer));
        var planned = TimeProvider.System.PortalToday().AddDays(120);
        ResponseDraft? Mixed(string code) =>
            code == musts[0] ? new(ComplianceClaim.DoesNotMeet, "We do not offer this.", null, null, null)
            : code == musts[2] ? new(ComplianceClaim.WillMeetByDate, "Coming in release 6.", null, planned, "Release 6 adds it.")
            : code == musts[3] ? new(ComplianceClaim.PartiallyMeets, "Most of it.", null, null, null)
            : null;

        var states = new Dictionary<string, int>
        {
            ["draft"] = await TestAssessments.ConfirmedAsync(Database, officer),
            ["awaiting answers"] = await TestAssessments.InvitedAsync(Database, officer),
            ["partly answered"] = await PartlyAnsweredAsync(journey, officer, supplier),
            ["submitted, not reviewed"] = await journey.SubmittedAsync(officer, supplier, answer: Mixed),
        };

        // Under review: a "does not meet" accepted, a "meets" rejected, an accepted plan with a date to come, an accepted
        // "partially meets", a clarification asked and one not yet decided: six "must" requirements not met.
        var underReview = await journey.SubmittedAsync(officer, supplier, answer: Mixed);
        await journey.Reviews.StartAsync(officer, underReview);
        var decided = (await journey.CodesAsync(underReview)).Where(c => c != musts[1] && c != musts[4] && c != musts[5]).ToList();
        Assert.True((await journey.Reviews.DecideAsync(officer, underReview, decided, ReviewOutcome.Accepted, null, TestVersions.Any)).Succeeded);
        Assert.True((await journey.Reviews.DecideAsync(officer, underReview, [musts[1]], ReviewOutcome.Rejected, "Not published anywhere.", TestVersions.Any)).Succeeded);
        Assert.True((await journey.Reviews.DecideAsync(officer, underReview, [musts[4]], ReviewOutcome.ClarificationRequested, "Which version?", TestVersions.Any)).Succeeded);
        states["under review, mixed decisions"] = underReview;

        var mixedForSignOff = await journey.SubmittedAsync(officer, supplier, answer: Mixed);
        await journey.Reviews.StartAsync(officer, mixedForSignOff);
        Assert.True((await journey.Reviews.DecideAsync(officer, mixedForSignOff, (await journey.CodesAsync(mixedForSignOff)).Where(c => c != musts[1]).ToList(), ReviewOutcome.Accepted, null, TestVersions.Any)).Succeeded);
        Assert.True((await journey.Reviews.DecideAsync(officer, mixedForSignOff, [musts[1]], ReviewOutcome.Rejected, "Not published anywhere.", TestVersions.Any)).Succeeded);
        Assert.True((await journey.Reviews.SendForSignOffAsync(officer, mixedForSignOff)).Succeeded);
        states["awaiting sign-off, mixed decisions"] = mixedForSignOff;

        var signedOff = await journey.AwaitingSignOffAsync(officer, supplier);
        var approved = await journey.SignOffs.DecideAsync(ccio, signedOff, new(SignOffService.Choice.ApproveWithConditions, true, "HL-1", null, null,
            [new("Publish the change log", "Integration lead", TimeProvider.System.PortalToday().AddDays(60))]), TestVersions.Any);
        Assert.True(approved.Succeeded, approved.Message);
        states["signed off with conditions"] = signedOff;

        var rejected = await journey.SubmittedAsync(officer, supplier, answer: Mixed);
        await journey.Reviews.StartAsync(officer, rejected);
        Assert.True((await journey.Reviews.DecideAsync(officer, rejected, await journey.CodesAsync(rejected), ReviewOutcome.Accepted, null, TestVersions.Any)).Succeeded);
        Assert.True((await journey.Reviews.SendForSignOffAsync(officer, rejected)).Succeeded);
        Assert.True((await journey.SignOffs.DecideAsync(ccio, rejected, new(SignOffService.Choice.Reject, true, null, null, "Too many gaps for a PAS.", []), TestVersions.Any)).Succeeded);
        states["rejected at sign-off"] = rejected;

        var voided = await journey.AwaitingSignOffAsync(officer, supplier);
        Assert.True((await journey.SignOffs.DecideAsync(ccio, voided, new(SignOffService.Choice.ApproveWithConditions, true, null, null, null,
            [new("Publish the change log", "Integration lead", TimeProvider.System.PortalToday().AddDays(60))]), TestVersions.Any)).Succeeded);
        var changed = (await journey.Workspace.GetAsync(supplier, voided))!.Requirements.Single(r => r.Code == musts[0]);
        await journey.Workspace.SaveResponseAsync(supplier, voided, musts[0], new(ComplianceClaim.DoesNotMeet, "Withdrawn from sale.", null, null, null), ReadVersion.Of(changed.Response!.ConcurrencyStamp));
        states["sign-off void"] = voided;

        var withdrawn = await journey.SubmittedAsync(officer, supplier, answer: Mixed);
        Assert.True((await new AssessmentService(Database, TimeProvider.System).WithdrawAsync(officer, withdrawn, "The trust chose another route.", new Portal.Features.ReadVersion(null, Any: true))).Succeeded);
        states["withdrawn"] = withdrawn;

        await SignInAsync(TestCallers.Officer);
        var scorecards = new ScorecardService(Database, TimeProvider.System);
        var comparison = (await new ComparisonService(Database, TimeProvider.System).GetAsync(officer, "PR-2026-001"))!;
        var comparisonCsv = CsvColumns(ComparisonExports.Csv(comparison));
        var comparisonPage = ComparisonPageSays();
        var problems = new List<string>();
        var expectedByState = new Dictionary<string, (string Status, int Unmet)>();
        foreach (var (state, id) in states)
        {
            var report = (await scorecards.GetWithAnswersAsync(officer, id))!;
            var surfaces = new List<Stated>
            {
                ScorecardPageSays(id),
                PdfSays(report),
                CsvSays(report),
                XlsxSays(report),
                JsonSays(report),
                SignOffPageSays(id),
            };
            if (comparison.Bids.SingleOrDefault(b => b.AssessmentId == id) is { } bid)
            {
                var shown = comparisonPage[bid.Reference];
                surfaces.Add(new("comparison page", shown.Status, CountInWords(shown.Why), null));
                surfaces.Add(new("comparison CSV", comparisonCsv[bid.Label]["rag"], CountInWords(comparisonCsv[bid.Label]["rag_reason"]), null));
            }

            var truth = surfaces[0];
            expectedByState[state] = (truth.Status!, truth.Listed ?? -1);
            foreach (var s in surfaces)
            {
                if (s.Status is not null && s.Status != truth.Status)
                {
                    problems.Add($"{state}: the {s.Surface} says status {s.Status}, the scorecard page {truth.Status}.");
                }

                if (s.Listed is not null && s.Listed != truth.Listed)
                {
                    problems.Add($"{state}: the {s.Surface} lists {s.Listed} unmet \"must\" requirements, the scorecard page {truth.Listed}.");
                }

                if (truth.Status != NotScored && s.InStatusLine != truth.Listed && (s.InStatusLine is not null || s.Surface is "scorecard page" or "PDF" or "sign-off page"))
                {
                    problems.Add($"{state}: the {s.Surface}'s status line says {s.InStatusLine?.ToString(CultureInfo.InvariantCulture) ?? "no number of"} unmet \"must\" requirements, its list {truth.Listed}.");
                }

                if (truth.Status == NotScored && s.InStatusLine is not null)
                {
                    problems.Add($"{state}: the {s.Surface} counts {s.InStatusLine} unmet \"must\" requirements before anything is scored.");
                }
            }
        }

        await TestScoreWorker.For(Database).RunOnceAsync();
        var dashboard = await new DashboardService(Database, TimeProvider.System).GetAsync(officer);
        await using (var db = Database.CreateDbContext())
        {
            var everyOne = await db.Assessments.Where(a => a.NhsOrganisationId == officer.NhsOrganisationId && a.Route != null)
                .Select(a => new { a.Id, a.Status }).ToListAsync();
            foreach (var group in everyOne.GroupBy(a => a.Status))
            {
                foreach (var rag in DashboardService.RagColumns)
                {
                    var cards = new List<string>();
                    foreach (var a in group)
                    {
                        cards.Add((await scorecards.GetAsync(officer, a.Id))!.Card.StatusName);
                    }

                    var expected = cards.Count(c => c == DashboardService.RagName(rag));
                    var shown = dashboard.CountOf(group.Key, rag);
                    if (expected != shown)
                    {
                        problems.Add($"dashboard: {shown} {AssessmentWorkflow.StatusName(group.Key)} assessments counted {DashboardService.RagName(rag)}, the scorecards say {expected}.");
                    }
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.Equal(("Red", 6), expectedByState["under review, mixed decisions"]);
        Assert.Equal(("Red", 4), expectedByState["awaiting sign-off, mixed decisions"]);
        Assert.Equal(NotScored, expectedByState["submitted, not reviewed"].Status);
        Assert.Equal(NotScored, expectedByState["draft"].Status);
        Assert.Equal(0, expectedByState["signed off with conditions"].Unmet);
    }

    private async Task<List<string>> MustCodesAsync(int assessmentId)
    {
        await using var db = Database.CreateDbContext();
        return await db.AssessmentRequirements.Where(r => r.AssessmentId == assessmentId && r.InScope && r.PolicyRequirement!.Obligation == Obligation.Must)
            .OrderBy(r => r.Order).Select(r => r.Code).Take(6).ToListAsync();
    }

    private async Task<int> PartlyAnsweredAsync(TestJourney journey, Caller officer, Caller supplier)
    {
        var id = await TestAssessments.InvitedAsync(Database, officer);
        var view = (await journey.Workspace.GetAsync(supplier, id))!;
        foreach (var requirement in view.Requirements.Take(5))
        {
            await journey.Workspace.SaveResponseAsync(supplier, id, requirement.Code, new(ComplianceClaim.DoesNotMeet, "Not yet.", null, null, null), ReadVersion.None);
        }

        return id;
    }

    /// <summary>What the compare page shows beside each bid: its RAG status in words and the "why", by assessment reference.</summary>
    private Dictionary<string, (string Status, string Why)> ComparisonPageSays()
    {
        Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>().NavigateTo(ComparisonService.Address("PR-2026-001"));
        var cut = RenderWithProviders<ComparisonPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#bid-scores-caption")));
        return cut.Find("#bid-scores-caption").ParentElement!.QuerySelectorAll("tbody tr").ToDictionary(
            row => Regex.Match(row.QuerySelector("th")!.TextContent, "OAP-[0-9]+").Value,
            row => (row.QuerySelector("td.rag")!.TextContent.Trim(), row.QuerySelectorAll("td")[^1].TextContent.Trim()));
    }

    private Stated ScorecardPageSays(int id)
    {
        var cut = Render<ScorecardPage>(p => p.Add(x => x.Id, id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find(".rag")));
        var statusBox = cut.Find(".rag").TextContent;
        return new("scorecard page", StatusWords().Match(statusBox).Groups[1].Value, CountInWords(statusBox), ListedIn(cut.FindAll("h2").Select(h => h.TextContent)));
    }

    private Stated SignOffPageSays(int id)
    {
        var cut = Render<SignOffPage>(p => p.Add(x => x.Id, id));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("h2")));
        var status = StatusWords().Match(string.Concat(cut.Nodes.Select(n => n.TextContent)));
        var headings = cut.FindAll("h2, h3").Select(h => h.TextContent).ToList();
        var statusLine = cut.FindAll(".rag").Select(e => e.TextContent).FirstOrDefault();
        return new("sign-off page", status.Success ? status.Groups[1].Value : "no status shown", CountInWords(statusLine), ListedIn(headings));
    }

    private static int? ListedIn(IEnumerable<string> headings) =>
        headings.Select(h => ListHeading().Match(h.Trim())).Where(m => m.Success).Select(m => (int?)int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).FirstOrDefault()
        ?? -1;

    private static Stated PdfSays(ScorecardService.Report report)
    {
        using var pdf = PdfDocument.Open(ScorecardPdf.Render(report, new string('0', 64)));
        var lines = pdf.GetPages().SelectMany(p => UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor.ContentOrderTextExtractor.GetText(p).Split('\n')).ToList();
        var text = string.Join(" ", lines);
        return new("PDF", StatusWords().Match(text).Groups[1].Value, CountInWords(StatusWords().Match(text) is { Success: true } m ? text[m.Index..Math.Min(text.Length, m.Index + 400)] : null),
            ListedIn(lines));
    }

    private static (string[] Header, List<string[]> Rows) ReadCsv(string csv)
    {
        using var reader = CsvReader.Create(Encoding.UTF8.GetBytes(csv));
        var header = reader.Headers.ToArray();
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        }

        return (header, rows);
    }

    private static Stated CsvSays(ScorecardService.Report report)
    {
        var (header, rows) = ReadCsv(ScorecardExports.Csv(report));
        var obligation = Array.IndexOf(header, "obligation");
        var result = Array.IndexOf(header, "result");
        return new("CSV", null, null, rows.Count(r => r[obligation] == "Must" && r[result] is not ("Met" or "NotApplicable")));
    }

    private static Stated XlsxSays(ScorecardService.Report report)
    {
        using var stream = new MemoryStream(ScorecardWorkbook.Write(report));
        var summary = MiniExcelLibs.MiniExcel.Query(stream, useHeaderRow: true, sheetName: "Summary").Cast<IDictionary<string, object?>>()
            .ToDictionary(row => (string)row["Item"]!, row => row["Value"]);
        return new("XLSX", summary["RAG status"] as string, CountInWords(summary["RAG reason"] as string),
            summary.TryGetValue("\"Must\" requirements not met", out var listed) ? Convert.ToInt32(listed, CultureInfo.InvariantCulture) : -1);
    }

    private static Stated JsonSays(ScorecardService.Report report)
    {
        using var json = JsonDocument.Parse(ScorecardExports.Json(report));
        var root = json.RootElement;
        var status = root.GetProperty("scored").GetBoolean() ? root.GetProperty("rag").GetString() : NotScored;
        return new("JSON", status, CountInWords(root.GetProperty("ragReason").GetString()),
            root.TryGetProperty("unmetMust", out var unmet) ? unmet.GetArrayLength() : -1);
    }

    private static Dictionary<string, Dictionary<string, string>> CsvColumns(string csv)
    {
        var (header, rows) = ReadCsv(csv);
        return header.Skip(3).Select((bid, i) => (bid, column: i + 3)).ToDictionary(b => b.bid, b => rows.Where(r => r[0] != "requirement")
            .ToDictionary(r => r[0], r => r[b.column]));
    }
}
