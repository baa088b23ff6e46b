using Portal.Data.Policy;
using Portal.Features.Policy;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Policy;

public sealed class RequirementScopingTests
{
    [Theory]
    [InlineData(AssessmentRoute.Procure, ScopeConditions.None, null, ScopeConditions.None, false, "Does not apply when procuring a new system.")]
    [InlineData(AssessmentRoute.Upgrade, ScopeConditions.None, RouteStanding.NegotiationGuidance, ScopeConditions.None, true, "Applies whenever you are upgrading an existing system; it is guidance to negotiate")]
    [InlineData(AssessmentRoute.Procure, ScopeConditions.None, RouteStanding.ContractRequirement, ScopeConditions.AnonymousUse, false, "Applies only when the API is offered for anonymous use.")]
    [InlineData(AssessmentRoute.Procure, ScopeConditions.AnonymousUse, RouteStanding.ContractRequirement, ScopeConditions.AnonymousUse, true, "Applies because the API is offered for anonymous use; it is a contract requirement.")]
    [InlineData(AssessmentRoute.Develop, ScopeConditions.ChargeableUse | ScopeConditions.ThirdPartyHosting, RouteStanding.Expectation, ScopeConditions.ConfidentialPatientData | ScopeConditions.ChargeableUse, true, "Applies because use of the API is chargeable; it is an expectation of the policy.")]
    [InlineData(AssessmentRoute.Procure, ScopeConditions.AnonymousUse, RouteStanding.ContractRequirement, ScopeConditions.ConfidentialPatientData | ScopeConditions.ChargeableUse, false, "Applies only when the system holds confidential patient data or use of the API is chargeable.")]
    public void A_requirement_applies_on_its_routes_when_one_of_its_conditions_holds(
        AssessmentRoute route, ScopeConditions system, RouteStanding? standing, ScopeConditions requirement, bool applies, string reason)
    {
        var decision = RequirementScoping.Decide(route, system, standing, requirement);

        Assert.Equal(applies, decision.Applies);
        Assert.StartsWith(reason, decision.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<AssessmentRoute, ScopeConditions, string[], string[]> SeededCatalogueCases => new()
    {
        // Upgrading a system with confidential patient data: the parity and access rules apply, the anonymous licence does not.
        { AssessmentRoute.Upgrade, ScopeConditions.ConfidentialPatientData, ["P.6", "C.9", "P.9", "5.1.4.20", "5.1.2.8", "C.1"], ["P.8", "5.1.2.3", "S5.H-1", "202.9"] },
        // Procuring an anonymously used API: the anonymous licence terms apply, the identified ones do not.
        { AssessmentRoute.Procure, ScopeConditions.AnonymousUse, ["P.8", "5.1.2.1", "5.1.2.3", "5.1.4.21", "S5.P-1"], ["5.1.2.6", "5.1.2.8", "P.6", "S5.H-1"] },
        // Procuring a hosted, chargeable API: the host agreement and free test access for chargeable APIs apply.
        { AssessmentRoute.Procure, ScopeConditions.ThirdPartyHosting | ScopeConditions.ChargeableUse, ["S5.H-1", "S5.H-5", "202.9", "5.1.2.9"], ["P.8", "P.9"] },
        // Commissioning a build: the producer's obligations and the specification apply; the host's agreement does not.
        { AssessmentRoute.Develop, ScopeConditions.None, ["P.1", "C.3", "S5.P-1", "S5.P-7", "202.1", "202.22"], ["C.4", "C.7", "S5.H-1", "S5.D-1", "5.1.1.1", "P.6"] },
    };

    [Theory]
    [MemberData(nameof(SeededCatalogueCases))]
    public async Task The_seeded_catalogue_scopes_each_route_and_condition_as_the_policy_says(
        AssessmentRoute route, ScopeConditions conditions, string[] expected, string[] excluded)
    {
        await using var database = await TestDatabase.CreateAsync();
        var caller = await TestCallers.ForAsync(database, TestCallers.Officer);
        var catalogue = new PolicyCatalogueService(database);
        var version = (await catalogue.CurrentVersionAsync(caller))!;

        var applicable = await catalogue.WhatAppliesAsync(caller, version.Id, route, conditions);
        var codes = applicable.Select(a => a.Requirement.Code).ToList();

        Assert.All(expected, id => Assert.Contains(id, codes));
        Assert.All(excluded, id => Assert.DoesNotContain(id, codes));
        Assert.All(applicable, a => Assert.False(string.IsNullOrWhiteSpace(a.Decision.Reason)));
        Assert.Equal(codes, applicable.OrderBy(a => a.Requirement.Order).Select(a => a.Requirement.Code));
    }

    [Fact]
    public async Task Upgrading_with_no_special_conditions_lists_every_unconditional_requirement_as_negotiation_guidance()
    {
        await using var database = await TestDatabase.CreateAsync();
        var caller = await TestCallers.ForAsync(database, TestCallers.Officer);
        var catalogue = new PolicyCatalogueService(database);
        var version = (await catalogue.CurrentVersionAsync(caller))!;
        var all = await catalogue.RequirementsAsync(caller, version.Id);

        var applicable = await catalogue.WhatAppliesAsync(caller, version.Id, AssessmentRoute.Upgrade, ScopeConditions.None);

        Assert.Equal(all.Count(r => r.Conditions == ScopeConditions.None), applicable.Count);
        Assert.All(applicable, a => Assert.Equal(RouteStanding.NegotiationGuidance, a.Decision.Standing));
    }
}
