using Portal.Data.Policy;

namespace Portal.Features.Policy;

/// <summary>What a reader of the policy library narrows the list by. Empty values mean "any".</summary>
public sealed record RequirementFilter(
    string? Text = null,
    AssessmentRoute? Route = null,
    Obligation? Obligation = null,
    ResponsibleActors? Actor = null,
    ScopeConditions? Condition = null)
{
    /// <summary>
    /// Text that names an ID, exactly or as a group ("C.4", "5.1.4", "S5.P"), finds those requirements only.
    /// Other text finds requirements with every word somewhere in the title, statement or guidance, ignoring
    /// case, so "sandbox" finds the items whose guidance mentions a sandbox.
    /// </summary>
    public IEnumerable<RequirementListItem> Apply(IEnumerable<RequirementListItem> requirements)
    {
        var list = requirements.Where(MatchesFilters).ToList();
        var text = Text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return list;
        }

        var byId = list.Where(r => IsIdMatch(r.Code, text)).ToList();
        return byId.Count > 0 ? byId : list.Where(r => HasEveryWord(r, text));
    }

    private static bool IsIdMatch(string code, string text) =>
        code.Equals(text, StringComparison.OrdinalIgnoreCase)
        || code.StartsWith(text.TrimEnd('.', '-') + ".", StringComparison.OrdinalIgnoreCase)
        || code.StartsWith(text.TrimEnd('.', '-') + "-", StringComparison.OrdinalIgnoreCase);

    private static bool HasEveryWord(RequirementListItem r, string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).All(word =>
            r.Title.Contains(word, StringComparison.OrdinalIgnoreCase)
            || r.Statement.Contains(word, StringComparison.OrdinalIgnoreCase)
            || r.Guidance.Contains(word, StringComparison.OrdinalIgnoreCase)
            || r.Code.Equals(word, StringComparison.OrdinalIgnoreCase));

    private bool MatchesFilters(RequirementListItem r)
    {
        if (Route is { } route && r.StandingOn(route) is null)
        {
            return false;
        }

        if (Obligation is { } obligation && r.Obligation != obligation)
        {
            return false;
        }

        if (Actor is { } actor && (r.Actors & actor) == 0)
        {
            return false;
        }

        if (Condition is { } condition && (r.Conditions & condition) == 0)
        {
            return false;
        }

        return true;
    }
}
