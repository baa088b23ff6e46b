using Portal.Data.Policy.Catalogue;

namespace Portal.Features.Policy;

/// <summary>What a new catalogue version adds, changes and removes against the version people use now.</summary>
public sealed record CatalogueDiff(
    IReadOnlyList<RelatedRequirement> Added,
    IReadOnlyList<CatalogueDiff.Change> Changed,
    IReadOnlyList<RelatedRequirement> Removed,
    int Unchanged)
{
    public sealed record Change(string Code, string Title, IReadOnlyList<string> Fields);

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

    private static List<string> ChangedFields(CatalogueRequirement a, CatalogueRequirement b)
    {
        var fields = new List<string>();
        void Check(bool same, string name)
        {
            if (!same)
            {
                fields.Add(name);
            }
        }

        Check(a.Section == b.Section, "section");
        Check(a.Title == b.Title, "title");
        Check(a.Statement == b.Statement, "statement");
        Check(a.Guidance == b.Guidance, "guidance");
        Check(a.Evidence == b.Evidence, "evidence");
        Check(a.Obligation == b.Obligation, "obligation");
        Check(a.Actors == b.Actors, "actors");
        Check(a.Source == b.Source, "source");
        Check(a.Related.SequenceEqual(b.Related), "related");
        Check(a.Routes.Count == b.Routes.Count && a.Routes.All(r => b.Routes.TryGetValue(r.Key, out var s) && s == r.Value), "routes");
        Check(a.Conditions == b.Conditions, "conditions");
        return fields;
    }
}
