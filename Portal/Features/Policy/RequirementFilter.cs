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
    /// Matches an ID exactly or by prefix ("C.4", "5.1.4") and every word of the text anywhere in the title,
    /// statement or guidance, ignoring case, so "sandbox" finds the items whose guidance mentions a sandbox.
    /// </summary>
    public IEnumerable<RequirementListItem> Apply(IEnumerable<RequirementListItem> requirements) =>
        requirements.Where(Matches);

    public bool Matches(RequirementListItem r)
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

        var text = Text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        if (r.Code.Equals(text, StringComparison.OrdinalIgnoreCase)
            || r.Code.StartsWith(text.TrimEnd('.') + ".", StringComparison.OrdinalIgnoreCase)
            || r.Code.StartsWith(text + "-", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return words.All(word =>
            r.Title.Contains(word, StringComparison.OrdinalIgnoreCase)
            || r.Statement.Contains(word, StringComparison.OrdinalIgnoreCase)
            || r.Guidance.Contains(word, StringComparison.OrdinalIgnoreCase)
            || r.Code.Equals(word, StringComparison.OrdinalIgnoreCase));
    }
}
