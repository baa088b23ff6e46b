using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Portal.Data.Policy.Catalogue;

/// <summary>
/// Reads a catalogue file (YAML, or JSON, which the YAML reader also accepts) and validates it, naming the line
/// and field of every problem so an administrator can fix the file rather than guess.
/// </summary>
public static class CatalogueReader
{
    public sealed record Result(CatalogueDocument? Document, IReadOnlyList<CatalogueProblem> Problems)
    {
        public bool IsValid => Document is not null && Problems.Count == 0;
    }

    private static readonly HashSet<string> TopLevelFields = ["framework", "version", "summary", "sections", "requirements"];
    private static readonly HashSet<string> FrameworkFields = ["key", "name", "publisher", "source"];
    private static readonly HashSet<string> SectionFields = ["code", "title", "source", "summary"];
    private static readonly HashSet<string> RequirementFields =
        ["id", "section", "title", "statement", "guidance", "evidence", "obligation", "actors", "source", "related", "routes", "conditions"];

    public static Result Read(string text)
    {
        var problems = new List<CatalogueProblem>();
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                return Fail(new CatalogueProblem(1, "file", "The file is empty or is not a catalogue: expected fields framework, version, sections and requirements."));
            }

            root = mapping;
        }
        catch (YamlException ex)
        {
            return Fail(new CatalogueProblem(ex.Start.Line, "file", $"The file cannot be read as YAML or JSON: {ex.Message}"));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet reports a few kinds of broken structure this way, without a position.
            return Fail(new CatalogueProblem(null, "file", "The file cannot be read as YAML or JSON: check that every bracket and quote is closed."));
        }

        var reader = new NodeReader(problems);
        reader.RejectUnknownFields(root, TopLevelFields, "file");

        var frameworkNode = reader.Mapping(root, "framework", "framework");
        CatalogueFramework? framework = null;
        if (frameworkNode is not null)
        {
            reader.RejectUnknownFields(frameworkNode, FrameworkFields, "framework");
            framework = new CatalogueFramework(
                reader.RequiredText(frameworkNode, "key", "framework.key"),
                reader.RequiredText(frameworkNode, "name", "framework.name"),
                reader.RequiredText(frameworkNode, "publisher", "framework.publisher"),
                reader.RequiredText(frameworkNode, "source", "framework.source"));
        }

        var version = reader.RequiredText(root, "version", "version");
        var summary = reader.OptionalText(root, "summary") ?? string.Empty;

        var sections = new List<CatalogueSection>();
        var sectionLines = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var node in reader.Sequence(root, "sections", "sections"))
        {
            if (node is not YamlMappingNode section)
            {
                problems.Add(new CatalogueProblem(node.Start.Line, "sections", "Each section must be a set of fields (code, title, source, summary)."));
                continue;
            }

            reader.RejectUnknownFields(section, SectionFields, "section");
            var code = reader.RequiredText(section, "code", "section.code");
            var label = code.Length > 0 ? $"section '{code}'" : "section";
            if (code.Length > 0 && !sectionLines.TryAdd(code, section.Start.Line))
            {
                problems.Add(new CatalogueProblem(section.Start.Line, "section.code", $"Section code '{code}' is used twice (first on line {sectionLines[code]})."));
            }

            sections.Add(new CatalogueSection(
                code,
                reader.RequiredText(section, "title", $"{label} title"),
                reader.RequiredText(section, "source", $"{label} source"),
                reader.OptionalText(section, "summary") ?? string.Empty));
        }

        var requirements = new List<CatalogueRequirement>();
        var requirementLines = new Dictionary<string, long>(StringComparer.Ordinal);
        var relatedToCheck = new List<(string From, string To, long Line)>();
        foreach (var node in reader.Sequence(root, "requirements", "requirements"))
        {
            if (node is not YamlMappingNode item)
            {
                problems.Add(new CatalogueProblem(node.Start.Line, "requirements", "Each requirement must be a set of fields (id, title, statement, ...)."));
                continue;
            }

            reader.RejectUnknownFields(item, RequirementFields, "requirement");
            var id = reader.RequiredText(item, "id", "requirement.id");
            var label = id.Length > 0 ? $"requirement '{id}'" : "requirement";
            if (id.Length > 0 && !requirementLines.TryAdd(id, item.Start.Line))
            {
                problems.Add(new CatalogueProblem(item.Start.Line, "requirement.id", $"Requirement ID '{id}' is used twice (first on line {requirementLines[id]})."));
            }

            var sectionCode = reader.RequiredText(item, "section", $"{label} section");
            if (sectionCode.Length > 0 && !sectionLines.ContainsKey(sectionCode))
            {
                problems.Add(new CatalogueProblem(reader.LineOf(item, "section"), $"{label} section", $"Section '{sectionCode}' is not one of the file's sections."));
            }

            var related = reader.TextList(item, "related");
            foreach (var (code, line) in related)
            {
                relatedToCheck.Add((id, code, line));
            }

            var routes = reader.Routes(item, label);

            var obligationText = reader.RequiredText(item, "obligation", $"{label} obligation");
            var obligation = Obligation.Must;
            if (obligationText.Length > 0 && !TryParseName(obligationText, out obligation))
            {
                problems.Add(new CatalogueProblem(reader.LineOf(item, "obligation"), $"{label} obligation", $"Obligation '{obligationText}' is unknown; use Must or Should."));
            }

            requirements.Add(new CatalogueRequirement(
                id,
                sectionCode,
                reader.RequiredText(item, "title", $"{label} title"),
                reader.RequiredText(item, "statement", $"{label} statement"),
                reader.RequiredText(item, "guidance", $"{label} guidance"),
                reader.Flags<EvidenceKinds>(item, "evidence", $"{label} evidence", required: true),
                obligation,
                reader.Flags<ResponsibleActors>(item, "actors", $"{label} actors", required: true),
                reader.RequiredText(item, "source", $"{label} source"),
                related.Select(r => r.Value).ToList(),
                routes,
                reader.Flags<ScopeConditions>(item, "conditions", $"{label} conditions", required: false)));
        }

        foreach (var (from, to, line) in relatedToCheck)
        {
            if (!requirementLines.ContainsKey(to))
            {
                problems.Add(new CatalogueProblem(line, $"requirement '{from}' related", $"Links to '{to}', which is not a requirement in this file."));
            }
        }

        if (root.Children.ContainsKey("requirements") && requirements.Count == 0)
        {
            problems.Add(new CatalogueProblem(reader.LineOf(root, "requirements"), "requirements", "The file has no requirements."));
        }

        if (problems.Count > 0 || framework is null)
        {
            return new Result(null, problems.OrderBy(p => p.Line ?? 0).ToList());
        }

        return new Result(new CatalogueDocument(framework, version, summary, sections, requirements), []);
    }

    private static Result Fail(CatalogueProblem problem) => new(null, [problem]);

    internal static bool TryParseName<TEnum>(string text, out TEnum value)
        where TEnum : struct, Enum =>
        Enum.TryParse(text, ignoreCase: false, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);

    /// <summary>Reads fields from YAML nodes, adding a problem (with its line) for anything missing or malformed.</summary>
    private sealed class NodeReader(List<CatalogueProblem> problems)
    {
        public void RejectUnknownFields(YamlMappingNode node, HashSet<string> known, string where)
        {
            foreach (var key in node.Children.Keys)
            {
                var name = (key as YamlScalarNode)?.Value ?? string.Empty;
                if (!known.Contains(name))
                {
                    problems.Add(new CatalogueProblem(key.Start.Line, where, $"Unknown field '{name}'. Known fields: {string.Join(", ", known)}."));
                }
            }
        }

        public long LineOf(YamlMappingNode node, string field) =>
            node.Children.TryGetValue(new YamlScalarNode(field), out var value) ? value.Start.Line : node.Start.Line;

        public YamlMappingNode? Mapping(YamlMappingNode node, string field, string label)
        {
            if (!node.Children.TryGetValue(new YamlScalarNode(field), out var value))
            {
                problems.Add(new CatalogueProblem(node.Start.Line, label, $"The '{field}' field is missing."));
                return null;
            }

            if (value is YamlMappingNode mapping)
            {
                return mapping;
            }

            problems.Add(new CatalogueProblem(value.Start.Line, label, $"'{field}' must be a set of fields."));
            return null;
        }

        public IEnumerable<YamlNode> Sequence(YamlMappingNode node, string field, string label)
        {
            if (!node.Children.TryGetValue(new YamlScalarNode(field), out var value))
            {
                problems.Add(new CatalogueProblem(node.Start.Line, label, $"The '{field}' list is missing."));
                return [];
            }

            if (value is YamlSequenceNode sequence)
            {
                return sequence.Children;
            }

            problems.Add(new CatalogueProblem(value.Start.Line, label, $"'{field}' must be a list."));
            return [];
        }

        public string RequiredText(YamlMappingNode node, string field, string label)
        {
            var text = OptionalText(node, field, label);
            if (string.IsNullOrWhiteSpace(text))
            {
                if (text is null && !node.Children.ContainsKey(new YamlScalarNode(field)))
                {
                    problems.Add(new CatalogueProblem(node.Start.Line, label, $"The '{field}' field is missing."));
                }
                else if (text is not null)
                {
                    problems.Add(new CatalogueProblem(LineOf(node, field), label, $"The '{field}' field is empty."));
                }

                return string.Empty;
            }

            return text.Trim();
        }

        public string? OptionalText(YamlMappingNode node, string field, string? label = null)
        {
            if (!node.Children.TryGetValue(new YamlScalarNode(field), out var value))
            {
                return null;
            }

            if (value is YamlScalarNode scalar)
            {
                return scalar.Value ?? string.Empty;
            }

            problems.Add(new CatalogueProblem(value.Start.Line, label ?? field, $"'{field}' must be text, not a list or a set of fields."));
            return string.Empty;
        }

        public List<(string Value, long Line)> TextList(YamlMappingNode node, string field)
        {
            var items = new List<(string, long)>();
            if (!node.Children.TryGetValue(new YamlScalarNode(field), out var value))
            {
                return items;
            }

            if (value is YamlScalarNode { Value: null or "" })
            {
                return items;
            }

            if (value is not YamlSequenceNode sequence)
            {
                problems.Add(new CatalogueProblem(value.Start.Line, field, $"'{field}' must be a list, e.g. [A, B]."));
                return items;
            }

            foreach (var child in sequence.Children)
            {
                if (child is YamlScalarNode { Value: { Length: > 0 } text })
                {
                    items.Add((text.Trim(), child.Start.Line));
                }
                else
                {
                    problems.Add(new CatalogueProblem(child.Start.Line, field, $"Each entry of '{field}' must be a single word or ID."));
                }
            }

            return items;
        }

        public TFlags Flags<TFlags>(YamlMappingNode node, string field, string label, bool required)
            where TFlags : struct, Enum
        {
            var entries = TextList(node, field);
            if (required && entries.Count == 0)
            {
                problems.Add(new CatalogueProblem(LineOf(node, field), label, $"Name at least one entry in '{field}' ({KnownNames<TFlags>()})."));
            }

            ulong flags = 0;
            foreach (var (text, line) in entries)
            {
                if (TryParseName<TFlags>(text, out var value) && Convert.ToUInt64(value, null) != 0)
                {
                    flags |= Convert.ToUInt64(value, null);
                }
                else
                {
                    problems.Add(new CatalogueProblem(line, label, $"'{text}' is not a known value; use one of {KnownNames<TFlags>()}."));
                }
            }

            return (TFlags)Enum.ToObject(typeof(TFlags), flags);
        }

        public Dictionary<AssessmentRoute, RouteStanding> Routes(YamlMappingNode item, string label)
        {
            var routes = new Dictionary<AssessmentRoute, RouteStanding>();
            if (!item.Children.TryGetValue(new YamlScalarNode("routes"), out var value))
            {
                problems.Add(new CatalogueProblem(item.Start.Line, $"{label} routes", "The 'routes' field is missing: name the routes (Procure, Develop, Upgrade) on which it applies."));
                return routes;
            }

            if (value is not YamlMappingNode mapping)
            {
                problems.Add(new CatalogueProblem(value.Start.Line, $"{label} routes", "'routes' must map each route to its standing, e.g. Procure: ContractRequirement."));
                return routes;
            }

            if (mapping.Children.Count == 0)
            {
                problems.Add(new CatalogueProblem(mapping.Start.Line, $"{label} routes", "Name at least one route (Procure, Develop or Upgrade) on which the requirement applies."));
            }

            foreach (var (key, standingNode) in mapping.Children)
            {
                var routeText = (key as YamlScalarNode)?.Value ?? string.Empty;
                var standingText = (standingNode as YamlScalarNode)?.Value ?? string.Empty;
                if (!TryParseName<AssessmentRoute>(routeText, out var route))
                {
                    problems.Add(new CatalogueProblem(key.Start.Line, $"{label} routes", $"Route '{routeText}' is unknown; use {KnownNames<AssessmentRoute>()}."));
                    continue;
                }

                if (!TryParseName<RouteStanding>(standingText, out var standing))
                {
                    problems.Add(new CatalogueProblem(standingNode.Start.Line, $"{label} routes", $"Standing '{standingText}' on route {routeText} is unknown; use {KnownNames<RouteStanding>()}."));
                    continue;
                }

                routes[route] = standing;
            }

            return routes;
        }

        private static string KnownNames<TEnum>()
            where TEnum : struct, Enum =>
            string.Join(", ", Enum.GetNames<TEnum>().Where(n => n != "None"));
    }
}
