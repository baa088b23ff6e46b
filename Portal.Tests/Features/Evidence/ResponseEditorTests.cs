using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;
using Portal.Features;

namespace Portal.Tests.Features.Evidence;

public sealed class ResponseEditorTests : ComponentTestBase
{
    /// <summary>The editor is rendered as on the live evidence workspace (it marks its box live for the browser's kept text).</summary>
    private void AsOnALivePage() => Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));

    [Fact]
    public async Task A_second_save_over_a_colleagues_answer_shows_both_versions_and_keeps_the_chosen_one()
    {
        var sam = await SignInAsync(TestCallers.Supplier);
        var id = await TestAssessments.InvitedAsync(Database, await TestCallers.ForAsync(Database, TestCallers.Officer));
        var workspace = Services.GetRequiredService<EvidenceWorkspaceService>();
        var first = await workspace.SaveResponseAsync(sam, id, "C.3", new(ComplianceClaim.PartiallyMeets, "Draft wording", null, null, null), ReadVersion.None);
        var staleView = (await workspace.GetAsync(sam, id))!.Requirements.Single(r => r.Code == "C.3");
        await workspace.SaveResponseAsync(sam with { DisplayName = "Pat Colleague" }, id, "C.3", new(ComplianceClaim.Meets, "Colleague's wording", null, null, null), ReadVersion.Of(first.Value!.Response!.ConcurrencyStamp));

        AsOnALivePage();

        var cut = RenderWithProviders<ResponseEditor>(p => p
            .Add(e => e.AssessmentId, id)
            .Add(e => e.Requirement, staleView)
            .Add(e => e.CanEdit, true));
        cut.Find("textarea").Input("My wording");
        cut.Find("textarea").Blur();

        cut.WaitForAssertion(() => Assert.Contains("The answer to C.3 changed since you read it: Pat Colleague saved a different answer", cut.Markup, StringComparison.Ordinal));
        var conflict = cut.Find("[role=alert]").TextContent;
        Assert.Contains("Colleague's wording", conflict, StringComparison.Ordinal);
        Assert.Contains("My wording", conflict, StringComparison.Ordinal);

        cut.FindAll("button").Single(b => b.TextContent.Contains("Keep my version", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.Contains("Saved at", cut.Markup, StringComparison.Ordinal));
        var saved = (await workspace.GetAsync(sam, id))!.Requirements.Single(r => r.Code == "C.3").Response!;
        Assert.Equal("My wording", saved.Narrative);
        Assert.Equal(ComplianceClaim.PartiallyMeets, saved.Claim);
    }

    [Fact]
    public async Task Text_saved_on_leaving_the_narrative_is_saved_when_the_person_moves_to_another_requirement_before_the_save_ends()
    {
        var sam = await SignInAsync(TestCallers.Supplier);
        var id = await TestAssessments.InvitedAsync(Database, await TestCallers.ForAsync(Database, TestCallers.Officer));
        var contexts = new HeldContexts(Database);
        Services.AddSingleton<IDbContextFactory<PortalDbContext>>(contexts);
        AsOnALivePage();
        var page = RenderWithProviders<EvidenceWorkspacePage>(p => p.Add(x => x.Id, id));
        var first = page.WaitForElement(".requirement-nav__code", TimeSpan.FromSeconds(10)).TextContent;
        Assert.StartsWith($"{first} ", page.FindAll("h2").Select(h => h.TextContent).Single(t => t.StartsWith(first, StringComparison.Ordinal)), StringComparison.Ordinal);
        var narrative = page.Find("textarea");
        await narrative.InputAsync(new ChangeEventArgs { Value = "Our FHIR API exposes every record." });

        // The browser sends the field's change and blur as focus moves to the next requirement; the save they start
        // waits for the database while the click removes the editor.
        contexts.Hold();
        var leaving = LeaveAsync(narrative, "Our FHIR API exposes every record.");
        await page.FindAll(".requirement-nav__item").Skip(1).First().ClickAsync(new MouseEventArgs());
        contexts.Release();
        await leaving;

        var saved = (await Services.GetRequiredService<EvidenceWorkspaceService>().GetAsync(sam, id))!.Requirements.Single(r => r.Code == first).Response;
        Assert.Equal("Our FHIR API exposes every record.", saved?.Narrative);
        Assert.False(Renderer.UnhandledException.IsCompleted, Renderer.UnhandledException.IsCompleted ? (await Renderer.UnhandledException).ToString() : null);
    }

    /// <summary>What the browser sends when focus leaves a text field: change (if the value changed), then blur.</summary>
    private static Task LeaveAsync(AngleSharp.Dom.IElement field, string value) => Task.WhenAll(
        field.HasAttribute("blazor:onchange") ? field.ChangeAsync(new ChangeEventArgs { Value = value }) : Task.CompletedTask,
        field.HasAttribute("blazor:onblur") ? field.BlurAsync(new FocusEventArgs()) : Task.CompletedTask);

    /// <summary>The test database, with a switch that holds every new context until released: a save in flight.</summary>
    private sealed class HeldContexts(TestDatabase database) : IDbContextFactory<PortalDbContext>
    {
        private TaskCompletionSource _open = OpenGate();

        public void Hold() => _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _open.TrySetResult();

        public PortalDbContext CreateDbContext() => database.CreateDbContext();

        public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
        {
            await _open.Task.WaitAsync(cancellationToken);
            return database.CreateDbContext();
        }

        private static TaskCompletionSource OpenGate()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }
    }
}
