using Portal.Data.Policy;
using Portal.Data.Policy.Catalogue;

namespace Portal.Features.Policy;

/// <summary>What a new catalogue version adds, changes and removes against the version people use now.</summary>
public sealed record CatalogueDiff(
    IReadOnlyList<RelatedRequirement> Added,
    IReadOnlyList<CatalogueDiff.Change> Changed,
    IReadOnlyList<RelatedRequirement> Removed,
    int Unchanged)
{
    /// <summary>A requirement whose text or standing changes, with each changed field's old and new wording.</summary>
    public sealed record Change(string Code, string Title, IReadOnlyList<FieldChange> Fields)
    {
        public string FieldNames => string.Join(", ", Fields.Select(f => f.Name));
    }

    /// <summary>One field as the published version words it and as the new version would.</summary>
    public sealed record FieldChange(string Name, string Before, string After)
    {
        public WordComparison Words => WordDiff.Compare(Before, After);
    }

    public bool HasChanges => Added.Count > 0 || Changed.Count > 0 || Removed.Count > 0;

    public static CatalogueDiff Compare(CatalogueDocument? current, CatalogueDocument next)
    {
        var before = (current?.Requirements ?? []).ToDictionary(r => r.Id, StringComparer.Ordinal);
        var after = next.Requirements.ToDictionary(r => r.Id, StringComparer.Ordinal);

        var added = next.Requirements.Where(r => !before.ContainsKey(r.Id)).Select(r => new RelatedRequirement(r.Id, r.Title)).ToList();
        var removed = (current?.Requirements ?? []).Where(r => !after.ContainsKey(r.Id)).Select(r => new RelatedRequirement(r.Id, r.Title)).ToList();
        var changed = new List<Change>();
        var unchanged = 0;
        foreach (var requirement in next.Requirements.Where(r => before.ContainsKey(r.Id)))
        {
            var fields = ChangedFields(before[requirement.Id], requirement);
            if (fields.Count == 0)
            {
                unchanged++;
            }
            else
            {
                changed.Add(new Change(requirement.Id, requirement.Title, fields));
            }
        }

        return new CatalogueDiff(added, changed, removed, unchanged);
    }

    private static List<FieldChange> ChangedFields(CatalogueRequirement a, CatalogueRequirement b)
    {
        var fields = new List<FieldChange>();
        void Check(string name, string before, string after)
        {
            if (!string.Equals(before, after, StringComparison.Ordinal))
            {
                fields.Add(new FieldChange(name, before, after));
            }
        }

        Check("section", a.Section, b.Section);
        Check("title", a.Title, b.Title);
        Check("statement", a.Statement, b.Statement);
        Check("guidance", a.Guidance, b.Guidance);
        Check("evidence", Named(a.Evidence, PolicyWording.EvidenceName), Named(b.Evidence, PolicyWording.EvidenceName));
        Check("obligation", a.Obligation.ToString(), b.Obligation.ToString());
        Check("actors", Named(a.Actors, PolicyWording.ActorName), Named(b.Actors, PolicyWording.ActorName));
        Check("source", a.Source, b.Source);
        Check("related", string.Join(", ", a.Related), string.Join(", ", b.Related));
        Check("routes", Routes(a.Routes), Routes(b.Routes));
        Check("conditions", Named(a.Conditions, PolicyWording.ConditionName), Named(b.Conditions, PolicyWording.ConditionName));
        return fields;
    }

    private static string Named<TFlags>(TFlags flags, Func<TFlags, string> name)
        where TFlags : struct, Enum
    {
        var names = PolicyWording.Each(flags).Select(name).ToList();
        return names.Count == 0 ? "None" : string.Join("; ", names);
    }

    private static string Routes(IReadOnlyDictionary<AssessmentRoute, RouteStanding> routes) =>
        routes.Count == 0
            ? "None"
            : string.Join("; ", routes.OrderBy(r => r.Key).Select(r => $"{PolicyWording.RouteName(r.Key)}: {PolicyWording.StandingName(r.Value)}"));
}
