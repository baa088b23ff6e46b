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
    /// Reads a filter from the address's text (the library's GET form): anything the library does not know, or a
    /// combination of actors or conditions rather than one, means "any".
    /// </summary>
    public static RequirementFilter FromAddress(string? text, string? route, string? obligation, string? actor, string? condition) => new(
        string.IsNullOrWhiteSpace(text) ? null : text.Trim(),
        One<AssessmentRoute>(route),
        One<Obligation>(obligation),
        One<ResponsibleActors>(actor),
        One<ScopeConditions>(condition));

    /// <summary>The filter's query for the library's one address of it, empty parts left out; the version first when one was chosen.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> QueryOf(int? versionId)
    {
        var query = new List<KeyValuePair<string, string>>();
        if (versionId is { } version)
        {
            query.Add(new("version", version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (Text is { } text)
        {
            query.Add(new("q", text));
        }

        void Add<T>(string name, T? value)
            where T : struct, Enum
        {
            if (value is { } chosen)
            {
                query.Add(new(name, chosen.ToString()));
            }
        }

        Add("route", Route);
        Add("obligation", Obligation);
        Add("actor", Actor);
        Add("condition", Condition);
        return query;
    }

    /// <summary>Whether anything narrows the list.</summary>
    public bool IsAny => Text is not null || Route is not null || Obligation is not null || Actor is not null || Condition is not null;

    /// <summary>
    /// A value the enum defines, by name; of a flags enum, one flag (not None). Null for numbers, combinations and
    /// anything else.
    /// </summary>
    private static T? One<T>(string? name)
        where T : struct, Enum
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed) || !char.IsAsciiLetter(trimmed[0]) || trimmed.Contains(',', StringComparison.Ordinal)
            || !Enum.TryParse<T>(trimmed, ignoreCase: true, out var value) || !Enum.IsDefined(value))
        {
            return null;
        }

        return typeof(T).IsDefined(typeof(FlagsAttribute), inherit: false) && Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) == 0 ? null : value;
    }

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
