using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Features.Assessments;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Assessments;

/// <summary>The assessments list pages and filters in the database, newest change first.</summary>
public sealed class AssessmentListTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private AssessmentService _assessments = default!;
    private int _invited;
    private readonly List<int> _drafts = [];

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _assessments = new AssessmentService(_database, TimeProvider.System);
        _invited = await TestAssessments.InvitedAsync(_database, _officer);
        var start = new AssessmentStartService(_database, TimeProvider.System);
        for (var i = 0; i < 4; i++)
        {
            _drafts.Add((await start.CreateDraftAsync(_officer)).Value!.Summary.Id);
        }
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task The_list_shows_one_page_newest_first_with_the_total_the_filter_matches()
    {
        var page = await _assessments.PageAsync(_officer, new AssessmentService.ListQuery(PageSize: 2));

        Assert.Equal([_drafts[3], _drafts[2]], page.Rows.Select(r => r.Id));
        Assert.Equal(5, page.Total);
        Assert.Equal(3, page.Pages);
    }

    [Fact]
    public async Task A_later_page_continues_where_the_page_before_it_ended()
    {
        var page = await _assessments.PageAsync(_officer, new AssessmentService.ListQuery(Page: 3, PageSize: 2));

        Assert.Equal([_invited], page.Rows.Select(r => r.Id));
        Assert.Equal((5, 5), (page.First, page.Last));
    }

    [Fact]
    public async Task A_status_filter_lists_and_counts_only_the_assessments_in_that_status()
    {
        var page = await _assessments.PageAsync(_officer, new AssessmentService.ListQuery(AssessmentStatus.AwaitingSupplier));

        Assert.Equal([_invited], page.Rows.Select(r => r.Id));
        Assert.Equal(1, page.Total);
    }

    [Fact]
    public async Task A_page_past_the_end_shows_the_last_page()
    {
        var page = await _assessments.PageAsync(_officer, new AssessmentService.ListQuery(Page: 99, PageSize: 2));

        Assert.Equal(3, page.Page);
        Assert.Equal([_invited], page.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Another_organisations_officer_gets_an_empty_list()
    {
        var other = await TestCallers.ForAsync(_database, TestCallers.OtherOfficer);

        var page = await _assessments.PageAsync(other, new AssessmentService.ListQuery());

        Assert.Empty(page.Rows);
        Assert.Equal(0, page.Total);
    }
}
