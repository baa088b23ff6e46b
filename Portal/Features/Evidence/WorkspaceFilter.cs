namespace Portal.Features.Evidence;

/// <summary>
/// Which requirements the workspace lists, as kept in the address (<c>?section=P&amp;state=unanswered</c>), so reload,
/// Back and a shared link show the same list. Next and Previous move through the same list.
/// </summary>
public sealed record WorkspaceFilter(string? Section, string? State)
{
    public const string Unanswered = "unanswered";
    public const string Answered = "answered";
    public const string NeedsClarification = "clarification";

    public static readonly IReadOnlyList<(string Value, string Name)> States =
        [(Unanswered, "Not answered"), (Answered, "Answered"), (NeedsClarification, "Needs clarification")];

    /// <summary>The filter from the address; values nobody offered are ignored rather than hiding everything.</summary>
    public static WorkspaceFilter From(string? section, string? state) =>
        new(string.IsNullOrWhiteSpace(section) ? null : section.Trim(), States.Any(s => s.Value == state) ? state : null);

    public bool IsEmpty => Section is null && State is null;

    public bool Matches(WorkspaceRequirement requirement) =>
        (Section is null || string.Equals(requirement.SectionCode, Section, StringComparison.OrdinalIgnoreCase))
        && State switch
        {
            Unanswered => !requirement.IsAnswered,
            Answered => requirement.IsAnswered,
            NeedsClarification => requirement.Clarification is not null,
            _ => true,
        };

    /// <summary>
    /// The next (or previous) listed requirement after <paramref name="current"/> in the workspace's order. The current one
    /// need not be listed: after "Save and next" under "Not answered" it has just left the list.
    /// </summary>
    public string? Neighbour(IReadOnlyList<WorkspaceRequirement> requirements, string? current, int step)
    {
        var at = requirements.ToList().FindIndex(r => r.Code == current);
        for (var i = at < 0 ? (step > 0 ? 0 : requirements.Count - 1) : at + step; i >= 0 && i < requirements.Count; i += step)
        {
            if (Matches(requirements[i]))
            {
                return requirements[i].Code;
            }
        }

        return null;
    }
}
