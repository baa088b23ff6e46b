using Bunit;
using Portal.Data.Evidence;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence;

/// <summary>Administrators see what the evidence sweep found: documents missing their file need a restore.</summary>
public sealed class EvidenceStoreStatusTests : ComponentTestBase
{
    [Fact]
    public async Task Before_a_sweep_it_says_so_and_after_one_it_names_the_evidence_missing_its_file()
    {
        var cut = RenderWithProviders<EvidenceStoreStatus>();
        Assert.Contains("Not checked by this instance since it started", cut.Markup, StringComparison.Ordinal);
        Assert.Contains($"Documents are kept in a folder on this instance's disk: {Path.Combine(Database.Directory, "evidence")}.", cut.Markup, StringComparison.Ordinal);

        var supplier = await TestCallers.ForAsync(Database, TestCallers.Supplier);
        var id = await TestAssessments.InvitedAsync(Database, await TestCallers.ForAsync(Database, TestCallers.Officer));
        using var pdf = new MemoryStream(SampleDocuments.Pdf());
        var added = await Services.GetRequiredService<EvidenceWorkspaceService>().AddDocumentAsync(supplier, id, "C.3",
            new(EvidenceItemKind.Documentation, "Spec", null, TimeProvider.System.PortalToday(), null), "spec.pdf", pdf);
        foreach (var file in Directory.GetFiles(Path.Combine(Database.Directory, "evidence")))
        {
            File.Delete(file);
        }

        await Services.GetRequiredService<EvidenceSweep>().RunAsync();
        cut.Render();

        var alert = System.Text.RegularExpressions.Regex.Replace(cut.Find(".mud-alert-text-error").TextContent, @"\s+", " ");
        Assert.Contains($"1 document is missing its file (evidence {added.Value!.Item!.Id}). Restore it from the storage backup", alert, StringComparison.Ordinal);
    }
}
