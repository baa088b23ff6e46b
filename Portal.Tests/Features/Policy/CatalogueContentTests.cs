using Microsoft.EntityFrameworkCore;
using Portal.Data.Policy;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Policy;

public sealed class CatalogueContentTests
{
    /// <summary>Every requirement ID of the reference (shared/reference/open-api-policy.md, section b), written out by hand.</summary>
    public static readonly string[] ReferenceIds =
    [
        "P.1", "P.2", "P.3", "P.4", "P.5", "P.6", "P.7", "P.8", "P.9",
        "C.1", "C.2", "C.3", "C.4", "C.5", "C.6", "C.7", "C.8", "C.9", "C.10", "C.11", "C.12",
        "S5.P-1", "S5.P-2", "S5.P-3", "S5.P-4", "S5.P-5", "S5.P-6", "S5.P-7",
        "S5.H-1", "S5.H-2", "S5.H-3", "S5.H-4", "S5.H-5",
        "S5.D-1", "S5.D-2", "S5.D-3", "S5.D-4", "S5.D-5",
        "S5.G-1", "S5.G-2",
        "5.1.1.1", "5.1.1.2",
        "5.1.2.1", "5.1.2.2", "5.1.2.3", "5.1.2.4", "5.1.2.5", "5.1.2.6", "5.1.2.7", "5.1.2.8", "5.1.2.9", "5.1.2.10", "5.1.2.11",
        "5.1.3.1", "5.1.3.2", "5.1.3.3", "5.1.3.4", "5.1.3.5",
        "5.1.4.1", "5.1.4.2", "5.1.4.3", "5.1.4.4", "5.1.4.5", "5.1.4.6", "5.1.4.7", "5.1.4.8", "5.1.4.9", "5.1.4.10",
        "5.1.4.11", "5.1.4.12", "5.1.4.13", "5.1.4.14", "5.1.4.15", "5.1.4.16", "5.1.4.17", "5.1.4.18", "5.1.4.19", "5.1.4.20",
        "5.1.4.21", "5.1.4.22", "5.1.4.23", "5.1.4.24", "5.1.4.25", "5.1.4.26", "5.1.4.27",
        "202.1", "202.2", "202.3", "202.4", "202.5", "202.6", "202.7", "202.8", "202.9", "202.10", "202.11",
        "202.12", "202.13", "202.14", "202.15", "202.16", "202.17", "202.18", "202.19", "202.20", "202.21", "202.22",
    ];

    [Fact]
    public void The_reference_lists_107_requirements()
    {
        Assert.Equal(107, ReferenceIds.Length);
        Assert.Equal(107, ReferenceIds.Distinct().Count());
    }

    [Fact]
    public async Task Every_reference_requirement_is_in_the_seeded_catalogue_complete()
    {
        await using var database = await TestDatabase.CreateAsync(demoData: false);
        await using var db = database.CreateDbContext();
        var version = await db.FrameworkVersions.Include(v => v.PolicyFramework).SingleAsync();
        var requirements = await db.PolicyRequirements.Where(r => r.FrameworkVersionId == version.Id).ToDictionaryAsync(r => r.Code);

        Assert.Equal("NHS England Open API Architecture Policy", version.PolicyFramework!.Name);
        Assert.Equal("2014-05", version.Label);
        Assert.Equal(ReferenceIds.Order(), requirements.Keys.Order());
        Assert.All(ReferenceIds, id =>
        {
            var r = requirements[id];
            Assert.False(string.IsNullOrWhiteSpace(r.Title), $"{id} has no title");
            Assert.False(string.IsNullOrWhiteSpace(r.Statement), $"{id} has no statement");
            Assert.False(string.IsNullOrWhiteSpace(r.Guidance), $"{id} has no guidance");
            Assert.True(Enum.IsDefined(r.Obligation), $"{id} has no obligation");
            Assert.NotEqual(ResponsibleActors.None, r.Actors);
            Assert.NotEqual(EvidenceKinds.None, r.Evidence);
            Assert.StartsWith("OAP", r.Source, StringComparison.Ordinal);
            Assert.True(r.ProcureStanding is not null || r.DevelopStanding is not null || r.UpgradeStanding is not null, $"{id} applies on no route");
        });
    }

    [Fact]
    public async Task Every_related_link_points_at_a_requirement_and_runs_both_ways()
    {
        await using var database = await TestDatabase.CreateAsync(demoData: false);
        await using var db = database.CreateDbContext();
        var requirements = await db.PolicyRequirements.ToDictionaryAsync(r => r.Code);

        Assert.All(requirements.Values, r => Assert.All(r.RelatedCodes, related =>
        {
            Assert.True(requirements.ContainsKey(related), $"{r.Code} links to unknown {related}");
            Assert.Contains(r.Code, requirements[related].RelatedCodes);
        }));
        Assert.Contains("C.3", requirements["P.3"].RelatedCodes);
        Assert.Contains("S5.P-3", requirements["C.3"].RelatedCodes);
    }

    [Theory]
    [InlineData("P.2", Obligation.Must)]
    [InlineData("P.1", Obligation.Should)]
    [InlineData("P.9", Obligation.Should)]
    [InlineData("202.1", Obligation.Must)]
    [InlineData("202.12", Obligation.Should)]
    public async Task Obligation_follows_the_policy_verb_and_the_specification_priority(string id, Obligation expected)
    {
        await using var database = await TestDatabase.CreateAsync(demoData: false);
        await using var db = database.CreateDbContext();

        var requirement = await db.PolicyRequirements.SingleAsync(r => r.Code == id);

        Assert.Equal(expected, requirement.Obligation);
    }

    [Fact]
    public async Task On_the_upgrade_route_every_requirement_is_negotiation_guidance()
    {
        await using var database = await TestDatabase.CreateAsync(demoData: false);
        await using var db = database.CreateDbContext();

        var standings = await db.PolicyRequirements.Select(r => r.UpgradeStanding).ToListAsync();

        Assert.All(standings, s => Assert.Equal(RouteStanding.NegotiationGuidance, s));
    }
}
