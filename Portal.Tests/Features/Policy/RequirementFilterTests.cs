using Portal.Data.Policy;
using Portal.Features.Policy;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Policy;

public sealed class RequirementFilterTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private IReadOnlyList<RequirementListItem> _requirements = [];

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var caller = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        var catalogue = new PolicyCatalogueService(_database);
        _requirements = await catalogue.RequirementsAsync(caller, (await catalogue.CurrentVersionAsync(caller))!.Id);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private List<string> Codes(RequirementFilter filter) => filter.Apply(_requirements).Select(r => r.Code).ToList();

    [Fact]
    public void Searching_for_sandbox_finds_the_test_access_requirements()
    {
        var codes = Codes(new RequirementFilter(Text: "sandbox"));

        Assert.Contains("C.4", codes);
        Assert.Contains("P.5", codes);
        Assert.DoesNotContain("P.8", codes);
    }

    [Fact]
    public void Searching_by_an_id_finds_that_requirement_and_not_its_longer_namesakes()
    {
        Assert.Equal(["C.1"], Codes(new RequirementFilter(Text: "c.1")));
        Assert.Equal(["202.1"], Codes(new RequirementFilter(Text: "202.1")));
    }

    [Fact]
    public void Searching_by_an_id_prefix_finds_the_whole_group()
    {
        Assert.Equal(27, Codes(new RequirementFilter(Text: "5.1.4")).Count);
        Assert.Equal(7, Codes(new RequirementFilter(Text: "S5.P")).Count);
    }

    [Fact]
    public void Every_word_must_match()
    {
        var codes = Codes(new RequirementFilter(Text: "licence anonymous"));

        Assert.NotEmpty(codes);
        Assert.All(codes, code =>
        {
            var r = _requirements.Single(x => x.Code == code);
            var text = $"{r.Title} {r.Statement} {r.Guidance}";
            Assert.Contains("licence", text, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("anonymous", text, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public void Filters_narrow_by_route_obligation_actor_and_condition()
    {
        var filter = new RequirementFilter(Route: AssessmentRoute.Develop, Obligation: Obligation.Must, Actor: ResponsibleActors.Producer);

        var matches = filter.Apply(_requirements).ToList();

        Assert.NotEmpty(matches);
        Assert.All(matches, r =>
        {
            Assert.NotNull(r.DevelopStanding);
            Assert.Equal(Obligation.Must, r.Obligation);
            Assert.True(r.Actors.HasFlag(ResponsibleActors.Producer));
        });
        Assert.Equal(
            _requirements.Count(r => r.Conditions.HasFlag(ScopeConditions.AnonymousUse)),
            Codes(new RequirementFilter(Condition: ScopeConditions.AnonymousUse)).Count);
    }
}
