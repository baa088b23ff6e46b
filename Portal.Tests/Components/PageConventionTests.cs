using System.Text.RegularExpressions;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Components;

/// <summary>
/// Rules every page and island keeps, read from the source so a new one cannot miss them (DESIGN.md section 3): what a
/// browser test checks on one page holds on all.
/// </summary>
public sealed partial class PageConventionTests
{
    private static IEnumerable<(string File, string[] Lines)> RazorFiles() =>
        Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "Portal"), "*.razor", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(RepositoryFiles.Root, f), File.ReadAllLines(f)));

    [GeneratedRegex(@"<h1[^>]*>[^<]* not found</h1>")]
    private static partial Regex NotFoundHeading();

    [Fact]
    public void Every_page_that_says_something_was_not_found_answers_404()
    {
        var headings = RazorFiles()
            .SelectMany(f => f.Lines.Select((line, index) => (f.File, Index: index, f.Lines)).Where(l => NotFoundHeading().IsMatch(l.Lines[l.Index])))
            .Where(l => !l.File.EndsWith("NotFoundPage.razor", StringComparison.Ordinal))
            .ToList();
        var offenders = headings
            .Where(l => !l.Lines[Math.Max(0, l.Index - 2)..l.Index].Any(line => line.Contains("<NotFoundStatus />", StringComparison.Ordinal)))
            .Select(l => $"{l.File}:{l.Index + 1}")
            .ToList();

        Assert.True(headings.Count >= 9, $"Only {headings.Count} \"not found\" headings were found: has their markup changed?");
        Assert.True(offenders.Count == 0, "Put <NotFoundStatus /> just before these headings, so the page answers 404:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Every_island_shows_its_own_failure_and_says_when_it_never_connects()
    {
        var islands = RazorFiles().Where(f => f.Lines.Any(line => line.Trim() == "@inherits Island")).ToList();
        var offenders = islands
            .Where(f => !f.Lines.Any(line => line.Contains("<FailureNotice ", StringComparison.Ordinal))
                || !f.Lines.Any(line => line.Contains("<WaitingNote Waiting=\"Waiting\" />", StringComparison.Ordinal))
                || !f.Lines.Any(line => line.Contains("data-island=\"@IslandState\"", StringComparison.Ordinal)))
            .Select(f => f.File)
            .ToList();

        Assert.NotEmpty(islands);
        Assert.True(offenders.Count == 0, "An island needs data-island=\"@IslandState\", a <FailureNotice> for when it fails and a <WaitingNote>:\n" + string.Join("\n", offenders));
    }
}
