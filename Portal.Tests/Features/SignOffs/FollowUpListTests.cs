using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Data.SignOffs;
using Portal.Features.SignOffs;
using Portal.Tests.Features.Dashboards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.SignOffs;

/// <summary>The "Conditions and plans" section: what each person sees and may do, with the service deciding.</summary>
public sealed class FollowUpListTests : ComponentTestBase
{
    private readonly MovableClock _clock = new();

    private FollowUpService Service => Services.GetRequiredService<FollowUpService>();

    private async Task<int> SignedOffAsync() => await FollowUpJourney.SignedOffWithConditionsAsync(Database, new TestJourney(Database));

    private IRenderedComponent<FollowUpList> Render(int id, bool providers = true)
    {
        var cut = providers ? RenderWithProviders<FollowUpList>(p => p.Add(c => c.AssessmentId, id)) : Render<FollowUpList>(p => p.Add(c => c.AssessmentId, id));
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("li.follow-up")));
        return cut;
    }

    private static IElement Item(IRenderedComponent<FollowUpList> cut, string startsWith) =>
        cut.FindAll("li.follow-up").Single(li => li.QuerySelector("h3")!.TextContent.Contains(startsWith, StringComparison.Ordinal));

    private static IElement Button(IElement scope, string name) =>
        scope.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == name);

    private static string[] Buttons(IElement scope) => [.. scope.QuerySelectorAll("button").Select(b => b.TextContent.Trim())];

    private async Task<int> ConditionIdAsync(int id, string startsWith) =>
        (await Service.ListAsync(await TestCallers.ForAsync(Database, TestCallers.Officer), id)).Value!.Items
            .Single(i => i.Kind == FollowUpKind.Condition && i.What.StartsWith(startsWith, StringComparison.Ordinal)).Id;

    [Fact]
    public async Task The_supplier_sees_its_condition_and_plan_and_marks_the_condition_done_with_a_short_note_refused_beside_the_field()
    {
        var id = await SignedOffAsync();
        await SignInAsync(TestCallers.Supplier);

        var cut = Render(id);

        Assert.Equal(2, cut.FindAll("li.follow-up").Count);
        Assert.DoesNotContain(FollowUpJourney.TrustCondition, cut.Markup, StringComparison.Ordinal);
        var condition = Item(cut, FollowUpJourney.SupplierCondition);
        Assert.Contains("Supplier's integration lead (supplier)", condition.TextContent, StringComparison.Ordinal);
        Assert.Equal("Open", condition.QuerySelector(".follow-up-state")!.TextContent.Trim());
        Assert.Equal(["Mark done…"], Buttons(condition));
        Assert.Equal(["Mark done…"], Buttons(Item(cut, "Plan for ")));

        Button(condition, "Mark done…").Click();
        Item(cut, FollowUpJourney.SupplierCondition).QuerySelector("textarea")!.Change("done");
        Button(Item(cut, FollowUpJourney.SupplierCondition), "Mark done").Click();
        cut.WaitForAssertion(() => Assert.Contains("Say what was done (at least 10 characters)", Item(cut, FollowUpJourney.SupplierCondition).TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll(".follow-up-message"));

        Item(cut, FollowUpJourney.SupplierCondition).QuerySelector("textarea")!.Change("Published at the developer portal, version 1.");
        Item(cut, FollowUpJourney.SupplierCondition).QuerySelector("input")!.Change("https://developer.acme-clinical.example/errors");
        Button(Item(cut, FollowUpJourney.SupplierCondition), "Mark done").Click();

        cut.WaitForAssertion(() => Assert.Contains("is marked done", cut.Find(".follow-up-message").TextContent, StringComparison.Ordinal));
        condition = Item(cut, FollowUpJourney.SupplierCondition);
        Assert.Equal("Marked done: waiting for the procurement officer", condition.QuerySelector(".follow-up-state")!.TextContent.Trim());
        Assert.Contains("Published at the developer portal, version 1.", condition.TextContent, StringComparison.Ordinal);
        Assert.Equal("https://developer.acme-clinical.example/errors", condition.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(Buttons(condition));
    }

    [Fact]
    public async Task The_officer_sends_it_back_only_with_a_reason_then_the_owner_sees_why()
    {
        var id = await SignedOffAsync();
        var supplier = await TestCallers.ForAsync(Database, TestCallers.Supplier);
        var conditionId = await ConditionIdAsync(id, "Publish");
        Assert.True((await Service.MarkDoneAsync(supplier, id, FollowUpKind.Condition, conditionId, new("Published at the developer portal.", null))).Succeeded);
        await SignInAsync(TestCallers.Officer);

        var cut = Render(id);

        Assert.Equal(3, cut.FindAll("li.follow-up").Count);
        var condition = Item(cut, FollowUpJourney.SupplierCondition);
        Assert.Equal(["Accept", "Send back…"], Buttons(condition));
        Assert.Equal(["Mark done…"], Buttons(Item(cut, FollowUpJourney.TrustCondition)));
        Assert.Equal(["Make it due on the contract date"], Buttons(Item(cut, "Plan for ")).Select(b => b[..b.IndexOf(" (", StringComparison.Ordinal)]));
        Button(condition, "Send back…").Click();
        Button(Item(cut, FollowUpJourney.SupplierCondition), "Send back").Click();
        cut.WaitForAssertion(() => Assert.Contains("Say why you send it back", Item(cut, FollowUpJourney.SupplierCondition).TextContent, StringComparison.Ordinal));

        Item(cut, FollowUpJourney.SupplierCondition).QuerySelector("textarea")!.Change("The catalogue lacks the 409 errors.");
        Button(Item(cut, FollowUpJourney.SupplierCondition), "Send back").Click();

        cut.WaitForAssertion(() => Assert.Contains("is sent back", cut.Find(".follow-up-message").TextContent, StringComparison.Ordinal));
        condition = Item(cut, FollowUpJourney.SupplierCondition);
        Assert.Equal("Open: sent back", condition.QuerySelector(".follow-up-state")!.TextContent.Trim());
        Assert.Contains("The catalogue lacks the 409 errors.", condition.TextContent, StringComparison.Ordinal);
        Assert.Empty(Buttons(condition));
    }

    [Fact]
    public async Task The_officer_accepts_and_the_ccio_sees_it_accepted_without_buttons_for_the_suppliers_condition()
    {
        var id = await SignedOffAsync();
        var supplier = await TestCallers.ForAsync(Database, TestCallers.Supplier);
        var conditionId = await ConditionIdAsync(id, "Publish");
        Assert.True((await Service.MarkDoneAsync(supplier, id, FollowUpKind.Condition, conditionId, new("Published at the developer portal.", "DOC-12"))).Succeeded);
        await SignInAsync(TestCallers.Officer);
        var cut = Render(id);

        Button(Item(cut, FollowUpJourney.SupplierCondition), "Accept").Click();

        cut.WaitForAssertion(() => Assert.Contains("is accepted", cut.Find(".follow-up-message").TextContent, StringComparison.Ordinal));
        Assert.Equal("Done: accepted by the procurement officer", Item(cut, FollowUpJourney.SupplierCondition).QuerySelector(".follow-up-state")!.TextContent.Trim());
        Assert.Contains("DOC-12", Item(cut, FollowUpJourney.SupplierCondition).TextContent, StringComparison.Ordinal);

        await SignInAsync(TestCallers.Ccio);
        var ccio = Render(id, providers: false);
        Assert.Empty(Buttons(Item(ccio, FollowUpJourney.SupplierCondition)));
        Assert.Equal(["Mark done…"], Buttons(Item(ccio, FollowUpJourney.TrustCondition)));
        Assert.DoesNotContain(ccio.FindAll("li.follow-up").SelectMany(li => li.QuerySelectorAll("button")), b => b.TextContent.Contains("Accept", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Overdue_reads_in_words_and_the_officer_reopens_the_sign_off_only_after_confirming_with_a_reason()
    {
        Services.AddSingleton<TimeProvider>(_clock); // after the base class's system clock, so it wins
        var id = await SignedOffAsync();
        _clock.MoveForwardDays(40);
        await SignInAsync(TestCallers.Officer);
        var cut = Render(id);

        Assert.All(cut.FindAll(".follow-up-state"), s => Assert.EndsWith("; overdue", s.TextContent.Trim(), StringComparison.Ordinal));
        cut.FindAll("button").Single(b => b.TextContent.Trim() == "Reopen the sign-off…").Click();
        Assert.Contains("Are you sure?", cut.Markup, StringComparison.Ordinal);
        cut.FindAll("button").Single(b => b.TextContent.Trim() == "Yes, reopen the sign-off").Click();
        cut.WaitForAssertion(() => Assert.Contains("Say why you reopen the sign-off", cut.Markup, StringComparison.Ordinal));

        cut.FindAll("textarea")[^1].Change("The catalogue plan is late and the CCIO relied on it.");
        cut.FindAll("button").Single(b => b.TextContent.Trim() == "Yes, reopen the sign-off").Click();

        cut.WaitForAssertion(() => Assert.Contains("is reopened", cut.Find(".follow-up-message").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(cut.FindAll("button"), b => b.TextContent.Contains("Reopen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_officer_links_the_plan_to_the_contract_date_and_back_and_the_list_says_which_date_applies()
    {
        var id = await SignedOffAsync();
        var contract = TimeProvider.System.PortalToday().AddDays(60);
        await using (var db = Database.CreateDbContext())
        {
            await db.Assessments.Where(a => a.Id == id).ExecuteUpdateAsync(a => a.SetProperty(x => x.ContractDate, contract));
        }

        await SignInAsync(TestCallers.Officer);
        var cut = Render(id);
        var own = TimeProvider.System.PortalToday().AddDays(20);

        Button(Item(cut, "Plan for "), $"Make it due on the contract date ({contract:d MMM yyyy})").Click();

        cut.WaitForAssertion(() => Assert.Contains("is now due on the contract date", cut.Find(".follow-up-message").TextContent, StringComparison.Ordinal));
        var plan = Item(cut, "Plan for ");
        Assert.Contains($"{contract:d MMMM yyyy} (linked to the contract date; the plan's own date is {own:d MMMM yyyy})", plan.TextContent, StringComparison.Ordinal);
        Button(plan, $"Make it due on its own date ({own:d MMM yyyy})").Click();
        cut.WaitForAssertion(() => Assert.Contains("is now due on its own date", cut.Find(".follow-up-message").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("linked to the contract date", Item(cut, "Plan for ").TextContent, StringComparison.Ordinal);
        Assert.Contains(own.ToString("d MMMM yyyy"), Item(cut, "Plan for ").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_contract_date_the_officer_is_told_why_the_plan_cannot_be_linked_and_the_supplier_is_offered_nothing()
    {
        var id = await SignedOffAsync();
        await using (var db = Database.CreateDbContext())
        {
            await db.Assessments.Where(a => a.Id == id).ExecuteUpdateAsync(a => a.SetProperty(x => x.ContractDate, (DateOnly?)null));
        }

        await SignInAsync(TestCallers.Officer);

        var cut = Render(id);

        var plan = Item(cut, "Plan for ");
        Assert.Equal(FollowUpService.NoContractDate, plan.QuerySelector(".contract-date-note")!.TextContent.Trim());
        Assert.Empty(Buttons(plan));
        await SignInAsync(TestCallers.Supplier);
        var supplier = Render(id, providers: false);
        Assert.Empty(supplier.FindAll(".contract-date-note"));
        Assert.Equal(["Mark done…"], Buttons(Item(supplier, "Plan for ")));
    }

    [Fact]
    public async Task Nothing_shows_when_there_is_nothing_to_close()
    {
        var officer = await TestCallers.ForAsync(Database, TestCallers.Officer);
        var id = await TestAssessments.InvitedAsync(Database, officer);
        await SignInAsync(TestCallers.Officer);

        var cut = RenderWithProviders<FollowUpList>(p => p.Add(c => c.AssessmentId, id));

        cut.WaitForAssertion(() => Assert.Empty(cut.Markup.Trim()));
    }

    [Fact]
    public async Task A_list_that_fails_to_load_says_so_in_its_place_and_try_again_loads_it()
    {
        var id = await SignedOffAsync();
        await SignInAsync(TestCallers.Officer);
        // A real failure while loading (the island's OnParametersSetAsync): the database loses a table it reads.
        await using (var db = Database.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE Assessments RENAME TO AssessmentsGone");
        }

        var cut = RenderWithProviders<FollowUpList>(p => p.Add(c => c.AssessmentId, id));

        cut.WaitForAssertion(() => Assert.Contains("Conditions and plans stopped working", cut.Find("[role=alert]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("li.follow-up"));
        await using (var db = Database.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE AssessmentsGone RENAME TO Assessments");
        }

        Button(cut.Find("[role=alert]"), "Try again").Click();
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("li.follow-up")));
        Assert.Empty(cut.FindAll("[role=alert]"));
    }
}
