using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Hosting;

/// <summary>
/// What an operator deploys from: the container image's properties in Portal.csproj (the image itself is built and run
/// by scripts/container.sh --verify, too slow for every test run; README, "Deploying"), and appsettings.template.json,
/// which must name every setting the portal reads, each also in the README's configuration table.
/// </summary>
public sealed partial class DeploymentArtefactTests
{
    /// <summary>Host settings that ASP.NET Core itself defines, documented in the README's container section.</summary>
    private static readonly HashSet<string> HostSettings = new(StringComparer.OrdinalIgnoreCase)
    {
        "urls", "http_ports", "https_ports", "Kestrel:Endpoints", "FORWARDEDHEADERS_ENABLED",
    };

    [Fact]
    public void The_container_image_runs_as_a_numeric_non_root_user_and_serves_http_on_port_8080()
    {
        var project = XDocument.Load(Path.Combine(RepositoryFiles.Root, "Portal", "Portal.csproj"));
        string? Property(string name) => project.Descendants(name).SingleOrDefault()?.Value;
        XElement? Item(string kind, string include) =>
            project.Descendants(kind).SingleOrDefault(item => (string?)item.Attribute("Include") == include);

        var user = Property("ContainerUser");
        Assert.True(int.TryParse(user, out var uid) && uid > 0,
            $"ContainerUser must be a numeric user other than root (0), so an orchestrator's runAsNonRoot can check it; it is '{user}'.");
        Assert.Equal("tcp", (string?)Item("ContainerPort", "8080")?.Attribute("Type"));
        Assert.Equal("8080", (string?)Item("ContainerEnvironmentVariable", "ASPNETCORE_HTTP_PORTS")?.Attribute("Value"));
        Assert.Equal("Production", (string?)Item("ContainerEnvironmentVariable", "ASPNETCORE_ENVIRONMENT")?.Attribute("Value"));
        Assert.Equal("/health/live", (string?)Item("ContainerLabel", "uk.nhs.portal.health.live")?.Attribute("Value"));
        Assert.Equal("/health/ready", (string?)Item("ContainerLabel", "uk.nhs.portal.health.ready")?.Attribute("Value"));
        Assert.False(string.IsNullOrWhiteSpace(Property("ContainerRepository")), "The image needs a repository name.");
        // Production builds use the SDK's default base image for the project; scripts/container.sh --local-base
        // chooses another on the command line only.
        Assert.Null(Property("ContainerBaseImage"));
    }

    [Fact]
    public void The_settings_template_names_every_setting_the_portal_reads()
    {
        var template = TemplateKeys();
        var read = SettingsTheCodeReads();

        Assert.NotEmpty(read);
        var missing = read.Where(key => !template.Contains(key)).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0,
            $"appsettings.template.json does not name: {string.Join(", ", missing)}. Add each with a placeholder and what it is for.");
    }

    [Fact]
    public void The_readme_explains_every_setting_in_the_template()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "README.md"));
        var leaves = TemplateKeys(leavesOnly: true);

        var missing = leaves.Where(key => !readme.Contains($"`{key}`", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0,
            $"The README's configuration table does not name: {string.Join(", ", missing)} (each written in full, as `Section:Key`).");
    }

    /// <summary>
    /// Every setting the code reads by name: the properties of each options class bound to a section
    /// (Configure&lt;T&gt;(GetSection("…")) or GetSection("…").Get&lt;T&gt;()), and each key read directly
    /// (configuration["…"], GetValue("…")). Entra ID's section is read by Microsoft.Identity.Web, whose keys the
    /// template lists by hand.
    /// </summary>
    private static HashSet<string> SettingsTheCodeReads()
    {
        var types = typeof(Program).Assembly.GetTypes().Concat(typeof(DatabaseOptions).Assembly.GetTypes())
            .Where(type => type.IsClass && !type.IsAbstract && type.Namespace?.StartsWith("Portal", StringComparison.Ordinal) == true)
            .GroupBy(type => type.Name, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First(), StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root, "Portal"), "*.cs", SearchOption.AllDirectories)
                     .Concat(Directory.EnumerateFiles(Path.Combine(RepositoryFiles.Root, "Portal.Data"), "*.cs", SearchOption.AllDirectories))
                     .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                         && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var source = File.ReadAllText(file);
            foreach (Match bound in BoundSection().Matches(source))
            {
                var typeName = (bound.Groups["type"].Success ? bound.Groups["type"] : bound.Groups["type2"]).Value.Split('.')[^1];
                var type = types.GetValueOrDefault(typeName)
                    ?? throw new InvalidOperationException($"{Path.GetFileName(file)} binds {typeName}, which the test cannot find.");
                AddProperties(keys, bound.Groups["section"].Value, type);
            }

            foreach (Match direct in DirectKey().Matches(source))
            {
                var key = direct.Groups["key"].Value;
                if (!HostSettings.Contains(key))
                {
                    keys.Add(key);
                }
            }
        }

        return keys;
    }

    private static void AddProperties(HashSet<string> keys, string prefix, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsClass && propertyType != typeof(string) && propertyType.Namespace?.StartsWith("Portal", StringComparison.Ordinal) == true)
            {
                AddProperties(keys, key, propertyType);
            }
            else
            {
                keys.Add(key);
            }
        }
    }

    /// <summary>Every key in appsettings.template.json as "Section:Key", sections included unless only leaves are asked for.</summary>
    private static HashSet<string> TemplateKeys(bool leavesOnly = false)
    {
        using var document = JsonDocument.Parse(
            File.ReadAllText(Path.Combine(RepositoryFiles.Root, "appsettings.template.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        void Walk(JsonElement element, string prefix)
        {
            foreach (var property in element.EnumerateObject())
            {
                var key = prefix.Length == 0 ? property.Name : $"{prefix}:{property.Name}";
                if (property.Value.ValueKind == JsonValueKind.Object)
                {
                    if (!leavesOnly)
                    {
                        keys.Add(key);
                    }

                    Walk(property.Value, key);
                }
                else
                {
                    keys.Add(key);
                }
            }
        }

        Walk(document.RootElement, "");
        return keys;
    }

    [GeneratedRegex("""Configure<(?<type>[\w.]+)>\(\s*(?:builder\.)?[Cc]onfiguration\.GetSection\("(?<section>[^"]+)"\)\)|GetSection\("(?<section>[^"]+)"\)\.Get<(?<type2>[\w.]+)>""")]
    private static partial Regex BoundSection();

    [GeneratedRegex("""[Cc]onfiguration\["(?<key>[^"]+)"\]|[Cc]onfiguration\.GetValue(?:<[^>]+>)?\("(?<key>[^"]+)"|GetSection\("(?<key>[^"]+)"\)\.GetChildren""")]
    private static partial Regex DirectKey();
}
