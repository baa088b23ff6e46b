using Microsoft.Extensions.Options;
using Portal.Data.Assessments;
using Portal.Features.Assessments;
using Portal.Features.Evidence;
using Portal.Features.Reviews;
using Portal.Features.Scorecards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Performance;

/// <summary>
/// Each page loads its data with a small, fixed number of SQL commands, whatever the size of the assessment: the
/// same for 10 requirements with 1 evidence item each as for 60 with 20 each. A count that grows with the data is
/// a query per row (N+1). Speed itself is measured by scripts/bench.sh, never here.
/// </summary>
public sealed class SqlCommandBudgetTests(AnsweredAssessments assessments) : IClassFixture<AnsweredAssessments>
{
    private readonly SqlCommandCounter _counter = new(assessments.Database);

    [Fact]
    public async Task The_assessments_list_loads_a_page_with_the_same_three_commands_for_one_row_or_several()
    {
        var service = new AssessmentService(_counter, TimeProvider.System);
        await service.PageAsync(assessments.Officer, new AssessmentService.ListQuery());

        var (oneRow, twoRows, page) = await CountAsync(size => service.PageAsync(assessments.Officer, new AssessmentService.ListQuery(PageSize: size)), 1, 2);

        Assert.Equal(2, page.Rows.Count);
        AssertWithinBudget(budget: 3, oneRow, twoRows);
    }

    /// <summary>Every search and sort the list offers, with a status filter, costs the same three commands.</summary>
    public static TheoryData<AssessmentSort, bool> Sorts()
    {
        var sorts = new TheoryData<AssessmentSort, bool>();
        foreach (var sort in Enum.GetValues<AssessmentSort>())
        {
            sorts.Add(sort, false);
            sorts.Add(sort, true);
        }

        return sorts;
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public async Task The_assessments_list_searched_and_sorted_loads_with_the_same_three_commands(AssessmentSort sort, bool descending)
    {
        var service = new AssessmentService(_counter, TimeProvider.System);
        await service.PageAsync(assessments.Officer, new AssessmentService.ListQuery());

        var (oneRow, twoRows, page) = await CountAsync(size => service.PageAsync(assessments.Officer, new AssessmentService.ListQuery(
            AssessmentStatus.UnderReview, PageSize: size, Search: "Acme", Sort: sort, Descending: descending)), 1, 2);

        Assert.Equal(2, page.Rows.Count);
        Assert.All(page.Rows, r => Assert.NotNull(r.Rag));
        AssertWithinBudget(budget: 3, oneRow, twoRows);
    }

    [Fact]
    public async Task The_assessment_page_loads_with_the_same_few_commands_for_a_small_or_a_large_assessment()
    {
        var service = new AssessmentService(_counter, TimeProvider.System);

        var (small, large, overview) = await CountAsync(id => service.GetAsync(assessments.Officer, id));

        Assert.Equal(60, overview!.Summary.Answered);
        AssertWithinBudget(budget: 6, small, large);
    }

    [Fact]
    public async Task The_evidence_workspace_loads_with_the_same_few_commands_for_a_small_or_a_large_assessment()
    {
        var service = Workspace();

        var (small, large, view) = await CountAsync(id => service.GetAsync(assessments.Supplier, id));

        Assert.Equal(60, view!.Requirements.Count);
        Assert.All(view.Requirements, r => Assert.Equal(20, r.Response!.Evidence.Count));
        AssertWithinBudget(budget: 5, small, large);
    }

    [Fact]
    public async Task The_review_page_loads_with_the_same_few_commands_for_a_small_or_a_large_assessment()
    {
        var service = new ReviewService(_counter, Workspace(), TimeProvider.System);

        var (small, large, review) = await CountAsync(id => service.GetAsync(assessments.Officer, id));

        Assert.Equal(60, review!.Decided);
        AssertWithinBudget(budget: 7, small, large);
    }

    [Fact]
    public async Task The_scorecard_loads_with_the_same_few_commands_for_a_small_or_a_large_assessment()
    {
        var service = new ScorecardService(_counter, TimeProvider.System);

        var (small, large, report) = await CountAsync(id => service.GetAsync(assessments.Officer, id));

        Assert.Equal(60, report!.Card.Requirements.Count);
        // Six for the scorecard, one for the drift its evidence's latest link checks found.
        AssertWithinBudget(budget: 7, small, large);
    }

    [Fact]
    public async Task The_pdf_scorecards_answers_and_evidence_load_with_the_same_few_commands_for_a_small_or_a_large_assessment()
    {
        var service = new ScorecardService(_counter, TimeProvider.System);

        var (small, large, report) = await CountAsync(id => service.GetWithAnswersAsync(assessments.Officer, id));

        Assert.Equal(60, report!.Answers.Count);
        Assert.All(report.Answers.Values, a => Assert.Equal(20, a.Evidence.Count));
        AssertWithinBudget(budget: 9, small, large);
    }

    /// <summary>The commands <paramref name="load"/> sends for the small and the large input, and what it loaded for the large.</summary>
    private async Task<(IReadOnlyList<string> Small, IReadOnlyList<string> Large, T Loaded)> CountAsync<T>(Func<int, Task<T>> load, int? small = null, int? large = null)
    {
        var smallCommands = await _counter.CountAsync(() => load(small ?? assessments.Small));
        T loaded = default!;
        var largeCommands = await _counter.CountAsync(async () => loaded = await load(large ?? assessments.Large));
        return (smallCommands, largeCommands, loaded);
    }

    private EvidenceWorkspaceService Workspace() => new(
        _counter, new LocalFolderEvidenceStore(Path.Combine(assessments.Database.Directory, "evidence")), Options.Create(new EvidenceOptions()), TimeProvider.System);

    private static void AssertWithinBudget(int budget, IReadOnlyList<string> small, IReadOnlyList<string> large)
    {
        Assert.True(small.Count == large.Count,
            $"The large assessment took {large.Count} commands and the small one {small.Count}: a query runs per row.\n{string.Join("\n---\n", large)}");
        Assert.True(large.Count <= budget, $"{large.Count} commands, over the budget of {budget}:\n{string.Join("\n---\n", large)}");
    }
}
