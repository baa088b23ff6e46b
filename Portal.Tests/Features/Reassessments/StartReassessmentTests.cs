using Bunit;
using Microsoft.EntityFrameworkCore;
using MudBlazor;
using Portal.Features.Products;
using Portal.Features.Reassessments;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Reassessments;

/// <summary>
/// The reassessment choice on a signed-off assessment's page lists every product version of its supplier. A supplier
/// can have dozens, so they are options of a native select, not MudBlazor components held in each officer's circuit,
/// and the chosen one is the version the reassessment names.
/// </summary>
public sealed class StartReassessmentTests : ComponentTestBase
{
    [Fact]
    public async Task Many_product_versions_are_plain_options_and_the_chosen_one_is_reassessed()
    {
        var officer = await TestCallers.ForAsync(Database, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(Database, TestCallers.Supplier);
        var ccio = await TestCallers.ForAsync(Database, TestCallers.Ccio);
        var journey = new TestJourney(Database, Path.Combine(Database.Directory, "evidence"));
        var (signedOff, _) = await TestReassessments.SignedOffAsync(Database, journey, officer, supplier, ccio);
        var products = Services.GetRequiredService<ProductService>();
        var product = (await products.AddProductAsync(supplier, new("CarePAS", null))).Value!.Id;
        var versions = new List<int>();
        for (var n = 1; n <= 30; n++)
        {
            var added = await products.AddVersionAsync(supplier, product, new($"5.{n}", new DateOnly(2026, 1, 1).AddDays(n), null));
            Assert.True(added.Succeeded, added.Message);
            versions.Add(added.Value!.Id);
        }

        await SignInAsync(TestCallers.Officer);
        var cut = RenderWithProviders<StartReassessment>(p => p.Add(c => c.AssessmentId, signedOff));

        cut.WaitForAssertion(() => Assert.Equal(31, cut.FindAll("select#reassess-version option").Count));
        Assert.Empty(cut.FindComponents<MudSelectItem<int>>());
        Assert.Equal("reassess-version", cut.Find("label[for=reassess-version]").GetAttribute("for"));
        var chosen = versions[12];
        cut.Find("select#reassess-version").Change(chosen.ToString(System.Globalization.CultureInfo.InvariantCulture));
        cut.FindAll("button").Single(b => b.TextContent.Contains("Start a reassessment", StringComparison.Ordinal)).Click();

        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        cut.WaitForAssertion(() => Assert.EndsWith("/start/route", navigation.Uri, StringComparison.Ordinal));
        await using var db = Database.CreateDbContext();
        var reassessment = await db.Assessments.SingleAsync(a => a.ReassessesAssessmentId == signedOff);
        Assert.Equal(chosen, reassessment.ProductVersionId);
    }
}
