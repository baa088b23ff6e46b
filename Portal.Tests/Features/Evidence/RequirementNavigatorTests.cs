using Bunit;
using Portal.Data.Evidence;
using Portal.Features;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence;

/// <summary>The list of requirements: filters by section and state, and one "not applicable" reason for several.</summary>
public sealed class RequirementNavigatorTests : ComponentTestBase
{
    private async Task<(int Id, EvidenceWorkspaceService Workspace, Portal.Auth.Caller Sam)> AssessmentAsync()
    {
        var sam = await SignInAsync(TestCallers.Supplier);
        var id = await TestAssessments.InvitedAsync(Database, await TestCallers.ForAsync(Database, TestCallers.Officer));
        return (id, Services.GetRequiredService<EvidenceWorkspaceService>(), sam);
    }

    private IRenderedComponent<RequirementNavigator> Navigator(WorkspaceView view, WorkspaceFilter filter, Action<WorkspaceFilter>? changed = null, Action? saved = null) =>
        Render<RequirementNavigator>(p => p
            .Add(n => n.AssessmentId, view.AssessmentId)
            .Add(n => n.Requirements, view.Requirements)
            .Add(n => n.Filter, filter)
            .Add(n => n.FilterChanged, f => changed?.Invoke(f))
            .Add(n => n.CanEdit, view.CanEdit)
            .Add(n => n.Changed, () => saved?.Invoke()));

    private static List<string> Listed(IRenderedComponent<RequirementNavigator> cut) =>
        [.. cut.FindAll(".requirement-nav__code").Select(c => c.TextContent)];

    [Fact]
    public async Task A_section_and_a_state_from_the_address_list_only_the_matching_requirements()
    {
        var (id, workspace, sam) = await AssessmentAsync();
        var first = (await workspace.GetAsync(sam, id))!.Requirements[0];
        await workspace.SaveResponseAsync(sam, id, first.Code, new(ComplianceClaim.Meets, "Done.", null, null, null), ReadVersion.None);
        var view = (await workspace.GetAsync(sam, id))!;
        var section = first.SectionCode;
        Render<MudBlazor.MudPopoverProvider>();

        var answered = Navigator(view, new(null, WorkspaceFilter.Answered));
        var unansweredInSection = Navigator(view, new(section, WorkspaceFilter.Unanswered));

        Assert.Equal([first.Code], Listed(answered));
        Assert.Equal(view.Requirements.Where(r => r.SectionCode == section && r.Code != first.Code).Select(r => r.Code), Listed(unansweredInSection));
        Assert.Contains($"Showing 1 requirement of {view.Requirements.Count}.", answered.Markup, StringComparison.Ordinal);
        Assert.Equal(section, unansweredInSection.Find("#requirement-section").GetAttribute("value"));
    }

    [Fact]
    public async Task Choosing_a_section_or_a_state_asks_the_page_to_put_it_in_the_address()
    {
        var (id, workspace, sam) = await AssessmentAsync();
        var view = (await workspace.GetAsync(sam, id))!;
        var section = view.Requirements[^1].SectionCode;
        var asked = new List<WorkspaceFilter>();
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Navigator(view, new(null, WorkspaceFilter.Unanswered), asked.Add);

        cut.Find("#requirement-section").Change(section);
        cut.Find("#requirement-state").Change("");

        Assert.Equal([new WorkspaceFilter(section, WorkspaceFilter.Unanswered), new WorkspaceFilter(null, null)], asked);
        Assert.Contains(cut.FindAll("#requirement-section option"), o => o.GetAttribute("value") == section && o.TextContent.Length > section.Length);
    }

    [Fact]
    public async Task Several_requirements_marked_not_applicable_at_once_are_saved_and_one_already_answered_is_named_as_skipped()
    {
        var (id, workspace, sam) = await AssessmentAsync();
        var codes = (await workspace.GetAsync(sam, id))!.Requirements.Take(3).Select(r => r.Code).ToList();
        await workspace.SaveResponseAsync(sam, id, codes[2], new(ComplianceClaim.Meets, "Done.", null, null, null), ReadVersion.None);
        var view = (await workspace.GetAsync(sam, id))!;
        var reloaded = 0;
        Render<MudBlazor.MudPopoverProvider>();
        var cut = Navigator(view, new(null, null), saved: () => reloaded++);

        cut.FindAll("button").Single(b => b.TextContent.Contains("Mark several not applicable", StringComparison.Ordinal)).Click();
        foreach (var code in codes)
        {
            cut.Find($"input[aria-label^='Choose {code} ']").Change(true);
        }

        cut.FindAll("button").Single(b => b.TextContent.Contains("Mark 3 requirements not applicable", StringComparison.Ordinal)).Click();
        cut.WaitForAssertion(() => Assert.Contains("Say why these requirements do not apply", cut.Markup, StringComparison.Ordinal));
        cut.Find(".bulk-not-applicable textarea").Input("The system stores no patient data.");
        cut.FindAll("button").Single(b => b.TextContent.Contains("Mark 3 requirements not applicable", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.Contains("Marked 2 requirements not applicable; skipped 1.", cut.Markup, StringComparison.Ordinal));
        Assert.Contains($"{codes[2]} skipped: it is already answered \"Meets\"", cut.Find(".bulk-skipped").TextContent, StringComparison.Ordinal);
        Assert.Equal(1, reloaded);
        var after = (await workspace.GetAsync(sam, id))!.Requirements;
        Assert.All(codes.Take(2), c => Assert.Equal("The system stores no patient data.", after.Single(r => r.Code == c).Response!.NotApplicableJustification));
        Assert.Equal(ComplianceClaim.Meets, after.Single(r => r.Code == codes[2]).Response!.Claim);
    }

    [Fact]
    public async Task Next_and_previous_follow_the_list_as_filtered_even_from_a_requirement_that_has_just_left_it()
    {
        var (id, workspace, sam) = await AssessmentAsync();
        var all = (await workspace.GetAsync(sam, id))!.Requirements;
        var answered = all[1] with { Response = new ResponseView(ComplianceClaim.Meets, "x", null, null, null, DateTime.UtcNow, "Sam", Guid.NewGuid(), true, []) };
        IReadOnlyList<WorkspaceRequirement> requirements = [all[0], answered, all[2], all[3]];
        var unanswered = new WorkspaceFilter(null, WorkspaceFilter.Unanswered);

        Assert.Equal(all[2].Code, unanswered.Neighbour(requirements, all[0].Code, 1));
        Assert.Equal(all[2].Code, unanswered.Neighbour(requirements, answered.Code, 1));
        Assert.Equal(all[0].Code, unanswered.Neighbour(requirements, answered.Code, -1));
        Assert.Null(unanswered.Neighbour(requirements, all[0].Code, -1));
        Assert.Null(unanswered.Neighbour(requirements, all[3].Code, 1));
        Assert.Equal(new WorkspaceFilter(null, null), WorkspaceFilter.From(" ", "everything"));
    }
}
