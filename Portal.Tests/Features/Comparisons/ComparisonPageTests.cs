using Bunit;
using Microsoft.AspNetCore.Components;
using Portal.Data.Policy;
using Portal.Features.Comparisons;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Comparisons;

/// <summary>The compare page as a screen reader meets it: real tables with headers, captions and a labelled scroll region.</summary>
public sealed class ComparisonPageTests : ComponentTestBase
{
    private static readonly string[] RagWords = ["Red", "Amber", "Green", "Not yet scored"];

    private async Task<(int Acme, int Brightwater)> TwoBidsAsync()
    {
        var officer = await TestCallers.ForAsync(Database, TestCallers.Officer);
        var acme = await TestAssessments.InvitedAsync(Database, officer);
        var brightwater = await TestAssessments.InvitedAsync(Database, officer, "bea.lindqvist@brightwater-health.example", "Brightwater Health Software Ltd", ScopeConditions.None);
        return (acme, brightwater);
    }

    private IRenderedComponent<ComparisonPage> RenderComparePage(string reference)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(ComparisonService.Address(reference));
        return RenderWithProviders<ComparisonPage>();
    }

    [Fact]
    public async Task The_matrix_is_a_table_with_a_column_header_per_supplier_and_a_row_header_per_requirement()
    {
        await TwoBidsAsync();
        await SignInAsync(TestCallers.Officer);

        var cut = RenderComparePage("PR-2026-001");

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#comparison-matrix-caption")));
        var matrix = cut.Find("table.comparison-matrix");
        var region = matrix.ParentElement!;
        Assert.Equal(["Requirement", "Acme Clinical Systems Ltd", "Brightwater Health Software Ltd"],
            matrix.QuerySelectorAll("thead th[scope=col]").Select(th => th.TextContent.Split(" (")[0].Trim()));
        Assert.Equal(matrix.QuerySelectorAll("tbody tr").Length, matrix.QuerySelectorAll("tbody th[scope=row]").Length);
        Assert.Equal(("region", "0", "comparison-matrix-caption"), (region.GetAttribute("role"), region.GetAttribute("tabindex"), region.GetAttribute("aria-labelledby")));
        Assert.Contains(matrix.QuerySelectorAll("td"), td => td.TextContent == "Not in scope");
        Assert.Contains(matrix.QuerySelectorAll("td"), td => td.TextContent == "Awaiting review");
    }

    [Fact]
    public async Task Each_bids_rag_status_is_written_in_words()
    {
        await TwoBidsAsync();
        await SignInAsync(TestCallers.Ccio);

        var cut = RenderComparePage("PR-2026-001");

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#bid-scores-caption")));
        Assert.All(cut.FindAll("table:not(.comparison-matrix) td.rag"), td => Assert.Contains(td.TextContent.Trim(), RagWords));
        Assert.Equal(2, cut.FindAll("table:not(.comparison-matrix) tbody th[scope=row]").Count);
    }

    [Fact]
    public async Task A_bid_not_yet_scored_says_so_on_the_page_and_in_the_csv_and_pdf_instead_of_zero_scores_and_unmet_requirements()
    {
        await TwoBidsAsync();
        await SignInAsync(TestCallers.Officer);
        var officer = await TestCallers.ForAsync(Database, TestCallers.Officer);
        var comparison = (await new ComparisonService(Database, TimeProvider.System).GetAsync(officer, "PR-2026-001"))!;

        var cut = RenderComparePage("PR-2026-001");

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#bid-scores-caption")));
        var row = cut.Find("#bid-scores-caption").ParentElement!.QuerySelectorAll("tbody tr")[0];
        var cells = row.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToList();
        Assert.Equal(["Not yet scored", "Not yet scored", "Not yet scored", "Not yet scored"], cells.Skip(1).Take(4));
        Assert.StartsWith("No requirement has been accepted or rejected at review yet", cells[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("not met", cells[^1].Replace("counts as not met in the scores", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        using var reader = CsvHelper.CsvReader.Create(System.Text.Encoding.UTF8.GetBytes(ComparisonExports.Csv(comparison)));
        _ = reader.Headers;
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        }

        Assert.Equal(["Not yet scored", "Not yet scored"], rows.Single(r => r[0] == "rag")[3..]);
        Assert.Equal(["", ""], rows.Single(r => r[0] == "overall_percent")[3..]);
        Assert.DoesNotContain(rows.Single(r => r[0] == "rag_reason")[3..], why => why.Contains("requirements are not met", StringComparison.Ordinal));

        using var pdf = UglyToad.PdfPig.PdfDocument.Open(ComparisonPdf.Render(comparison));
        var words = pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text).ToList();
        var text = string.Join(" ", words);
        Assert.DoesNotContain("%", text, StringComparison.Ordinal);
        Assert.DoesNotContain("requirements are not met", text, StringComparison.Ordinal);
        // Narrow cells wrap, so count the word: the status and each of the three scores of both bids say "Not yet scored".
        Assert.True(words.Count(w => w == "yet") >= 8, text);
    }

    [Fact]
    public async Task A_supplier_is_told_the_comparison_is_not_available()
    {
        await TwoBidsAsync();
        await SignInAsync(TestCallers.Supplier);

        var cut = RenderComparePage("PR-2026-001");

        cut.WaitForAssertion(() => Assert.Contains("Comparison not available", cut.Markup, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("table"));
    }

    [Fact]
    public async Task The_link_to_compare_names_the_procurement_and_its_number_of_bids()
    {
        var (acme, _) = await TwoBidsAsync();
        await SignInAsync(TestCallers.Officer);

        var cut = RenderWithProviders<CompareBidsLink>(p => p.Add(x => x.AssessmentId, acme));

        cut.WaitForAssertion(() => Assert.Equal("Compare the 2 bids for PR-2026-001", cut.Find("a").TextContent));
        Assert.Equal("/procurements/compare?reference=PR-2026-001", cut.Find("a").GetAttribute("href"));
    }
}
