using System.Linq.Expressions;
using Portal.Data.Assessments;
using Portal.Data.Scorecards;

namespace Portal.Features.Assessments;

/// <summary>What the assessments list can be sorted by.</summary>
public enum AssessmentSort
{
    Updated,
    Reference,
    System,
    Supplier,
    Status,
    Rag,
    Due,
}

/// <summary>An assessment with the figures the list shows and sorts by, worked out in the query.</summary>
public sealed class ListedAssessment
{
    public Assessment Assessment { get; init; } = default!;

    public RagStatus? Rag { get; init; }

    public DateOnly? NextDue { get; init; }

    /// <summary>The stored score is stale or due: the worker will recalculate it shortly.</summary>
    public bool ScoreUpdating { get; init; }
}

/// <summary>
/// The list's sorts, each done by the database, with the words the page offers and the names the address and the
/// API use. Sorts with gaps (no supplier yet, not yet scored, nothing due) put the gaps last in either direction, so
/// "soonest first" and "latest first" both start with a date. Ties fall back to the reference, so pages never overlap.
/// </summary>
public static class AssessmentSorts
{
    public sealed record Choice(AssessmentSort Sort, string Name, string Label, string Ascending, string Descending);

    public static IReadOnlyList<Choice> Choices { get; } =
    [
        new(AssessmentSort.Updated, "updated", "Last updated", "Oldest change first", "Newest change first"),
        new(AssessmentSort.Reference, "reference", "Reference", "Lowest first", "Highest first"),
        new(AssessmentSort.System, "system", "System", "A to Z", "Z to A"),
        new(AssessmentSort.Supplier, "supplier", "Supplier", "A to Z", "Z to A"),
        new(AssessmentSort.Status, "status", "Status", "Workflow order", "Reverse workflow order"),
        new(AssessmentSort.Rag, "rag", "RAG status", "Red first", "Green first"),
        new(AssessmentSort.Due, "due", "Due date", "Soonest first", "Latest first"),
    ];

    public static Choice Of(AssessmentSort sort) => Choices.Single(c => c.Sort == sort);

    /// <summary>The sort an address or API call names; null when it names none the list knows.</summary>
    public static AssessmentSort? Parse(string? name) =>
        Choices.FirstOrDefault(c => string.Equals(c.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase))?.Sort;

    /// <summary>"asc" or "desc"; null for anything else.</summary>
    public static bool? ParseOrder(string? order) => order?.Trim().ToLowerInvariant() switch
    {
        "asc" => false,
        "desc" => true,
        _ => null,
    };

    /// <summary>Dates of change read newest first; everything else from the start of the alphabet, workflow or scale.</summary>
    public static bool DescendingByDefault(AssessmentSort sort) => sort == AssessmentSort.Updated;

    public static IOrderedQueryable<ListedAssessment> Apply(IQueryable<ListedAssessment> listed, AssessmentSort sort, bool descending)
    {
        var ordered = sort switch
        {
            AssessmentSort.Reference => By(listed, x => x.Assessment.Id, descending),
            AssessmentSort.System => By(listed, x => x.Assessment.SystemName, descending),
            AssessmentSort.Supplier => ThenBy(listed.OrderBy(x => x.Assessment.Supplier == null), x => x.Assessment.Supplier!.Name, descending),
            AssessmentSort.Status => By(listed, StatusRank, descending),
            AssessmentSort.Rag => ThenBy(listed.OrderBy(x => x.Rag == null), x => x.Rag == RagStatus.Red ? 0 : x.Rag == RagStatus.Amber ? 1 : 2, descending),
            AssessmentSort.Due => ThenBy(listed.OrderBy(x => x.NextDue == null), x => x.NextDue, descending),
            _ => By(listed, x => x.Assessment.UpdatedAt, descending),
        };
        return descending ? ordered.ThenByDescending(x => x.Assessment.Id) : ordered.ThenBy(x => x.Assessment.Id);
    }

    private static IOrderedQueryable<ListedAssessment> By<TKey>(IQueryable<ListedAssessment> listed, Expression<Func<ListedAssessment, TKey>> key, bool descending) =>
        descending ? listed.OrderByDescending(key) : listed.OrderBy(key);

    private static IOrderedQueryable<ListedAssessment> ThenBy<TKey>(IOrderedQueryable<ListedAssessment> gapsLast, Expression<Func<ListedAssessment, TKey>> key, bool descending) =>
        descending ? gapsLast.ThenByDescending(key) : gapsLast.ThenBy(key);

    /// <summary>The status's place in the workflow (the enum's order), as a CASE the database can sort by: statuses are stored as text.</summary>
    private static readonly Expression<Func<ListedAssessment, int>> StatusRank = BuildStatusRank();

    private static Expression<Func<ListedAssessment, int>> BuildStatusRank()
    {
        var x = Expression.Parameter(typeof(ListedAssessment), "x");
        var status = Expression.Property(Expression.Property(x, nameof(ListedAssessment.Assessment)), nameof(Assessment.Status));
        Expression rank = Expression.Constant(int.MaxValue);
        foreach (var value in Enum.GetValues<AssessmentStatus>().Reverse())
        {
            rank = Expression.Condition(Expression.Equal(status, Expression.Constant(value)), Expression.Constant((int)value), rank);
        }

        return Expression.Lambda<Func<ListedAssessment, int>>(rank, x);
    }
}
