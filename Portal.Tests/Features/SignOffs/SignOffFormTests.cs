using System.Globalization;
using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Data.SignOffs;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.SignOffs;

/// <summary>The CCIO's decision form: each condition's owning side (a fieldset of two choices) and an optional named person of that side.</summary>
public sealed class SignOffFormTests : ComponentTestBase
{
    private async Task<(int Id, IRenderedComponent<SignOffForm> Cut)> RenderAsync()
    {
        var officer = await TestCallers.ForAsync(Database, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(Database, TestCallers.Supplier);
        var id = await new TestJourney(Database).AwaitingSignOffAsync(officer, supplier);
        var ccio = await SignInAsync(TestCallers.Ccio);
        var summary = (await Services.GetRequiredService<SignOffService>().GetAsync(ccio, id))!;
        var cut = RenderWithProviders<SignOffForm>(p => p.Add(c => c.Summary, summary));
        Choose(cut.Find(".mud-paper"), "Approve with conditions");
        cut.WaitForAssertion(() => Assert.NotEmpty(cut.FindAll("select")));
        cut.FindAll("button").Single(b => b.TextContent.Trim() == "Add another condition").Click();
        return (id, cut);
    }

    private static void Choose(IElement scope, string labelStartsWith) =>
        scope.QuerySelectorAll("label").Single(l => l.TextContent.Trim().StartsWith(labelStartsWith, StringComparison.Ordinal))
            .QuerySelector("input")!.Click();

    private static void Attest(IRenderedComponent<SignOffForm> cut) =>
        cut.FindAll("label").Single(l => l.TextContent.Trim().StartsWith("I have reviewed this assessment", StringComparison.Ordinal))
            .QuerySelector("input[type=checkbox]")!.Change(true);

    private static IElement Condition(IRenderedComponent<SignOffForm> cut, int number) => cut.FindAll(".sign-off-condition")[number - 1];

    private static string[] Options(IRenderedComponent<SignOffForm> cut, int number) =>
        [.. cut.Find($"#condition-{number}-person").QuerySelectorAll("option").Select(o => o.TextContent.Trim())];

    private static void Fill(IRenderedComponent<SignOffForm> cut, int number, string text, string owner)
    {
        var inputs = Condition(cut, number).QuerySelectorAll("input:not([type=radio]), textarea").ToList();
        inputs[0].Change(text);
        Condition(cut, number).QuerySelectorAll("input:not([type=radio]), textarea").ToList()[1].Change(owner);
        Condition(cut, number).QuerySelector("input[type=date]")!.Change(DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    private async Task<int> UserIdAsync(string demoObjectId) => (await TestCallers.ForAsync(Database, demoObjectId)).UserId;

    [Fact]
    public async Task Each_condition_has_its_side_in_a_fieldset_and_a_person_of_that_side_only_and_the_decision_keeps_them()
    {
        var (id, cut) = await RenderAsync();
        var sam = (await UserIdAsync(TestCallers.Supplier)).ToString(CultureInfo.InvariantCulture);

        Assert.Equal(2, cut.FindAll(".sign-off-condition").Count);
        Assert.Equal("Who owns condition 2", Condition(cut, 2).QuerySelector("fieldset.condition-owner > legend")!.TextContent.Trim());
        Assert.Equal(["No one named", "Ada Price, Administrator", "Dr Chris Morgan, CCIO sign-off reviewer", "Olivia Hart, Procurement officer"], Options(cut, 2));
        Assert.Equal("Named person for condition 2 (optional)", cut.Find("label[for=condition-2-person]").TextContent.Trim());

        Choose(Condition(cut, 2), "The supplier, Acme Clinical Systems Ltd");
        cut.WaitForAssertion(() => Assert.Equal(["No one named", "Sam Okafor, Supplier account manager"], Options(cut, 2)));
        cut.Find("#condition-2-person").Change(sam);
        Assert.Equal(sam, cut.Find("#condition-2-person").GetAttribute("value"));
        Choose(Condition(cut, 2), "The NHS organisation");
        cut.WaitForAssertion(() => Assert.Equal("", cut.Find("#condition-2-person").GetAttribute("value") ?? ""));
        Choose(Condition(cut, 2), "The supplier");
        cut.Find("#condition-2-person").Change(sam);

        Fill(cut, 1, "Add the feed to the hazard log", "Clinical safety officer");
        Fill(cut, 2, "Publish the error catalogue", "Integration lead");
        Attest(cut);
        cut.FindAll("button").Single(b => b.TextContent.Trim() == "Record my decision").Click();

        await cut.WaitForAssertionAsync(async () =>
        {
            await using var db = Database.CreateDbContext();
            var conditions = await db.SignOffs.Where(s => s.AssessmentId == id).SelectMany(s => s.Conditions).OrderBy(c => c.Id).ToListAsync();
            Assert.Equal([(FollowUpParty.Organisation, (int?)null), (FollowUpParty.Supplier, int.Parse(sam, CultureInfo.InvariantCulture))],
                conditions.Select(c => (c.OwnerParty, c.OwnerUserId)));
        });
    }

    [Fact]
    public async Task A_person_the_server_does_not_accept_is_refused_beside_that_conditions_list_and_nothing_typed_is_lost()
    {
        var (id, cut) = await RenderAsync();
        Fill(cut, 1, "Add the feed to the hazard log", "Clinical safety officer");
        // What a tampered page could send: someone of another organisation.
        cut.Find("#condition-1-person").Change((await UserIdAsync(TestCallers.OtherOfficer)).ToString(CultureInfo.InvariantCulture));
        Attest(cut);

        cut.FindAll("button").Single(b => b.TextContent.Trim() == "Record my decision").Click();

        cut.WaitForAssertion(() => Assert.Contains("Condition 1: the named person must be an active person of the NHS organisation", cut.Find("#condition-1-person-error").TextContent, StringComparison.Ordinal));
        Assert.Equal("condition-1-person-error", cut.Find("#condition-1-person").GetAttribute("aria-describedby"));
        Assert.Equal("true", cut.Find("#condition-1-person").GetAttribute("aria-invalid"));
        Assert.Equal("Add the feed to the hazard log", Condition(cut, 1).QuerySelector("input, textarea")!.GetAttribute("value"));
        await using var db = Database.CreateDbContext();
        Assert.False(await db.SignOffs.AnyAsync(s => s.AssessmentId == id));
    }
}
