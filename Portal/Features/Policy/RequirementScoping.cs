using Portal.Data.Policy;

namespace Portal.Features.Policy;

/// <summary>Whether a requirement applies to a system, and why, in words a procurement officer can check.</summary>
/// <param name="Because">For a requirement that applies only under conditions, which of them brought it in.</param>
public sealed record ScopeDecision(bool Applies, RouteStanding? Standing, string Reason, string? Because = null);

/// <summary>
/// The scoping rule: a requirement applies when the catalogue gives it a standing on the chosen route and, if it
/// names conditions, at least one of them holds for the system.
/// </summary>
public static class RequirementScoping
{
    public static ScopeDecision Decide(
        AssessmentRoute route,
        ScopeConditions systemConditions,
        RouteStanding? standingOnRoute,
        ScopeConditions requirementConditions)
    {
        var routeName = PolicyWording.RouteName(route).ToLowerInvariant();
        if (standingOnRoute is not { } standing)
        {
            return new ScopeDecision(false, null, $"Does not apply when {routeName}.");
        }

        if (requirementConditions == ScopeConditions.None)
        {
            return new ScopeDecision(true, standing, $"Applies whenever you are {routeName}; {PolicyWording.StandingPhrase(standing)}.");
        }

        var met = PolicyWording.Each(requirementConditions & systemConditions).Select(PolicyWording.ConditionPhrase).ToList();
        if (met.Count == 0)
        {
            var needed = PolicyWording.Each(requirementConditions).Select(PolicyWording.ConditionPhrase);
            return new ScopeDecision(false, standing, $"Applies only when {string.Join(" or ", needed)}.");
        }

        var because = string.Join(" and ", met);
        return new ScopeDecision(true, standing, $"Applies because {because}; {PolicyWording.StandingPhrase(standing)}.", $"Because {because}.");
    }
}
