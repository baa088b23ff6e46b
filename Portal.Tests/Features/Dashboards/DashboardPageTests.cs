using Bunit;
using Portal.Data.Evidence;
using Portal.Features.Dashboards;
using Portal.Features.Evidence;
using Portal.Features.Home;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Dashboards;

public sealed class DashboardPageTests : ComponentTestBase
{
    [Fact]
    public async Task An_organisation_without_assessments_is_told_so_rather_than_shown_empty_charts()
    {
        await SignInAsync(TestCallers.Officer);

        var cut = RenderWithProviders<DashboardPage>();

        cut.WaitForAssertion(() => Assert.Contains("No assessments yet", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll(".count-bars"));
    }

    [Fact]
    public async Task Every_count_is_written_as_text_beside_its_bar_and_in_the_status_by_rag_table()
    {
        var officer = await SignInAsync(TestCallers.Officer);
        var journey = new TestJourney(Database);
        await journey.AwaitingSignOffAsync(officer, await TestCallers.ForAsync(Database, TestCallers.Supplier));
        await TestScoreWorker.For(Database).RunOnceAsync();

        var cut = RenderWithProviders<DashboardPage>();

        cut.WaitForAssertion(() => Assert.Contains("Dashboard: Demo Valley NHS Foundation Trust", cut.Markup, StringComparison.Ordinal));
        var ragBars = cut.FindAll("ul[aria-label='Assessments by RAG status'] li").Select(li => li.TextContent.Trim().Replace("\n", " ", StringComparison.Ordinal));
        Assert.Equal(["Red 0", "Amber 0", "Green 1", "Not yet scored 0"], ragBars.Select(t => string.Join(' ', t.Split(' ', StringSplitOptions.RemoveEmptyEntries))));
        var row = cut.FindAll("tbody tr").Single(r => r.QuerySelector("th")!.TextContent == "Awaiting sign-off");
        Assert.Equal(["0", "0", "1", "0", "1"], row.QuerySelectorAll("td").Select(td => td.TextContent));
    }

    [Fact]
    public async Task Scores_not_yet_recalculated_are_said_to_be_updating_and_a_person_can_recalculate_them_now()
    {
        var officer = await SignInAsync(TestCallers.Officer);
        await new TestJourney(Database).AwaitingSignOffAsync(officer, await TestCallers.ForAsync(Database, TestCallers.Supplier));

        var cut = RenderWithProviders<DashboardPage>();

        cut.WaitForAssertion(() => Assert.Contains("1 score changed recently and is being updated", cut.Markup, StringComparison.Ordinal));
        Assert.Contains("Not yet scored 1", RagBarTexts(cut));
        cut.FindAll("button").Single(b => b.TextContent.Contains("Recalculate scores now", StringComparison.Ordinal)).Click();
        cut.WaitForAssertion(() => Assert.Contains("Recalculated 1 score.", cut.Markup, StringComparison.Ordinal));
        Assert.Contains("Green 1", RagBarTexts(cut));
        Assert.DoesNotContain("being updated", cut.Markup, StringComparison.Ordinal);
    }

    private static List<string> RagBarTexts(IRenderedComponent<DashboardPage> cut) =>
        cut.FindAll("ul[aria-label='Assessments by RAG status'] li")
            .Select(li => string.Join(' ', li.TextContent.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)))
            .ToList();

    [Fact]
    public async Task Expired_evidence_is_listed_with_a_link_to_the_assessments_evidence()
    {
        var officer = await SignInAsync(TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(Database, TestCallers.Supplier);
        var journey = new TestJourney(Database);
        var today = TimeProvider.System.PortalToday();
        var id = await journey.SubmittedAsync(officer, supplier, beforeSubmit: id => journey.Workspace.AddLinkAsync(supplier, id, "P.3",
            new EvidenceInput(EvidenceItemKind.TestEnvironment, "Sandbox certificate", "https://sandbox.acme.example", today.AddDays(-90), today.AddDays(-2))));
        await TestScoreWorker.For(Database).RunOnceAsync();

        var cut = RenderWithProviders<DashboardPage>();

        cut.WaitForAssertion(() => Assert.Contains("Already expired (1)", cut.Markup, StringComparison.Ordinal));
        var link = cut.Find($"a[href='/assessments/{id}/evidence']");
        Assert.Contains($"OAP-{id:D5}", link.TextContent, StringComparison.Ordinal);
        Assert.Contains("Sandbox certificate (P.3, Acme Clinical Systems Ltd)", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("2 days ago", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Before_the_worker_has_worked_out_the_lists_the_page_says_so_instead_of_saying_nothing_is_overdue()
    {
        var officer = await SignInAsync(TestCallers.Officer);
        await TestAssessments.InvitedAsync(Database, officer);

        var cut = RenderWithProviders<DashboardPage>();

        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("[role='status']"),
            status => status.TextContent.Contains("are being worked out for the first time", StringComparison.Ordinal)));
        // No count beside the title: "(0)" would say none is late when nobody knows yet.
        Assert.Contains(cut.FindAll("h3"), h => h.TextContent.Trim() == "Supplier answers past their due date");
        Assert.DoesNotContain("(0)", cut.Markup, StringComparison.Ordinal);
        Assert.Contains("Not yet worked out.", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("No supplier is late with its answers.", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_supplier_who_reaches_the_page_is_told_it_is_not_available()
    {
        await SignInAsync(TestCallers.Supplier);

        var cut = RenderWithProviders<DashboardPage>();

        cut.WaitForAssertion(() => Assert.Contains("Dashboard not available", cut.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("Demo Valley", cut.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TestCallers.Officer)]
    [InlineData(TestCallers.Ccio)]
    public async Task Officers_and_ccios_find_the_dashboard_from_their_home_page(string who)
    {
        await SignInAsync(who);

        var cut = RenderWithProviders<HomePage>();

        cut.WaitForAssertion(() => Assert.Equal("Organisation dashboard", cut.Find("a[href='/dashboard']").TextContent.Trim()));
    }
}
