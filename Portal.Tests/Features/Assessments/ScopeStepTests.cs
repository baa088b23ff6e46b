using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Assessments;
using Portal.Data.Policy;
using Portal.Features.Assessments;
using Portal.Features.Assessments.Start;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Assessments;

/// <summary>Opening the scope step only reads; the scope is worked out by the saves that change what it depends on.</summary>
public sealed class ScopeStepTests : ComponentTestBase
{
    private async Task<(Guid Stamp, int Events, int Requirements)> StateAsync(int id)
    {
        await using var db = Database.CreateDbContext();
        var stamp = await db.Assessments.Where(a => a.Id == id).Select(a => a.ConcurrencyStamp).SingleAsync();
        return (stamp, await db.AuditEvents.CountAsync(), await db.AssessmentRequirements.CountAsync(r => r.AssessmentId == id));
    }

    [Fact]
    public async Task Opening_the_scope_step_shows_the_scope_the_conditions_save_worked_out_and_writes_nothing()
    {
        var officer = await SignInAsync(TestCallers.Officer);
        var start = Services.GetRequiredService<AssessmentStartService>();
        var id = (await start.CreateDraftAsync(officer)).Value!.Summary.Id;
        await start.SaveRouteAsync(officer, id, AssessmentRoute.Procure);
        await start.SaveConditionsAsync(officer, id, ScopeConditions.ConfidentialPatientData);
        var before = await StateAsync(id);

        var cut = RenderWithProviders<ScopeStep>(p => p.Add(s => s.Draft, start.GetAsync(officer, id).Result!));
        cut.WaitForAssertion(() => Assert.Contains("requirements will be put to the supplier", cut.Markup, StringComparison.Ordinal));

        Assert.True(before.Requirements > 0, "Saving the conditions worked out the scope.");
        Assert.Equal(before, await StateAsync(id));
    }

    [Fact]
    public async Task A_draft_never_scoped_offers_to_work_out_its_scope_and_does_so_only_when_asked()
    {
        var officer = await SignInAsync(TestCallers.Officer);
        var start = Services.GetRequiredService<AssessmentStartService>();
        var id = (await start.CreateDraftAsync(officer)).Value!.Summary.Id;
        await start.SaveRouteAsync(officer, id, AssessmentRoute.Upgrade);
        await using (var db = Database.CreateDbContext())
        {
            // As a draft started before scope followed each save of the route and conditions was left.
            await db.AssessmentRequirements.Where(r => r.AssessmentId == id).ExecuteDeleteAsync();
        }

        var before = await StateAsync(id);
        var cut = RenderWithProviders<ScopeStep>(p => p.Add(s => s.Draft, start.GetAsync(officer, id).Result!));
        cut.WaitForAssertion(() => Assert.Contains("have not been worked out", cut.Markup, StringComparison.Ordinal));
        Assert.Equal(before, await StateAsync(id));

        cut.FindAll("button").Single(b => b.TextContent.Contains("Work out the requirements", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.Contains("requirements will be put to the supplier", cut.Markup, StringComparison.Ordinal));
        Assert.True((await StateAsync(id)).Requirements > 0);
    }
}
