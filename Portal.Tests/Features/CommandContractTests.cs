using System.Reflection;
using System.Text.RegularExpressions;
using Portal.Auth;
using Portal.Features;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features;

/// <summary>
/// The one contract for every command, checked over the whole portal rather than service by service, so a new command
/// that invents its own result, or an endpoint that decides for itself, fails here.
/// </summary>
public sealed partial class CommandContractTests
{
    /// <summary>
    /// The verbs of reads. A public feature-service method that takes the caller and is named with one of these only
    /// reads; every other one changes something and is a command.
    /// </summary>
    private static readonly string[] ReadVerbs =
    [
        "Get", "List", "Find", "Page", "Count", "Describe", "Preview", "Export", "Open", "Is", "Verify", "Content",
        "Requirements", "Requirement", "Scope", "Comments", "Pending", "Unread", "Current", "Version", "What", "Compare", "Timeline",
    ];

    public static TheoryData<string> FeatureServiceCommands()
    {
        var data = new TheoryData<string>();
        foreach (var name in PublicMethodsTakingTheCaller().Where(m => !IsRead(m)).Select(m => $"{m.DeclaringType!.Name}.{m.Name}").Distinct())
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void The_feature_services_have_commands_to_check()
    {
        var commands = PublicMethodsTakingTheCaller().Where(m => !IsRead(m)).ToList();

        // Withdraw, submit, sign off, invite, save an answer...: if this finds none, the search below checks nothing.
        Assert.True(commands.Count >= 25, $"Found only {commands.Count} commands: {string.Join(", ", commands.Select(m => m.Name))}");
    }

    [Theory]
    [MemberData(nameof(FeatureServiceCommands))]
    public void Every_command_returns_the_one_outcome_type(string name)
    {
        foreach (var method in PublicMethodsTakingTheCaller().Where(m => $"{m.DeclaringType!.Name}.{m.Name}" == name))
        {
            Check(method, name);
        }
    }

    private static void Check(MethodInfo method, string name)
    {
        var result = method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
            ? method.ReturnType.GetGenericArguments()[0]
            : method.ReturnType;
        var isOutcome = typeof(CommandOutcome).IsAssignableFrom(result);

        // (A read may answer with an outcome too, to tell "not found" from "forbidden" as the API must; a command must.)
        Assert.True(isOutcome, $"{name} changes something but returns {result.Name}, not Outcome or Outcome<T>.");
    }

    [Fact]
    public void No_api_endpoint_checks_roles_or_visibility_itself()
    {
        var offenders = Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "Portal", "Api"), "*.cs")
            .SelectMany(file => File.ReadAllLines(file).Select((line, index) => (File: Path.GetFileName(file), Line: index + 1, Text: line)))
            .Where(l => DecidesForItself().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "API endpoints decide through the services' outcomes, not for themselves:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Only_the_one_transition_method_changes_an_assessments_status()
    {
        var portal = Path.Combine(RepositoryFiles.Root, "Portal");
        var callers = Directory.GetFiles(portal, "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(portal, "*.razor", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains(".MoveTo(", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .ToList();

        Assert.Equal(["AssessmentTransitions.cs"], callers);
        Assert.False(typeof(Portal.Data.Assessments.Assessment).GetProperty(nameof(Portal.Data.Assessments.Assessment.Status))!.SetMethod!.IsPublic,
            "Assessment.Status has a public setter: a status could be set without its audit event, stamp and notifications.");
    }

    private static bool IsRead(MethodInfo method) =>
        ReadVerbs.Any(verb => method.Name.StartsWith(verb, StringComparison.Ordinal)
            && method.Name.Length > verb.Length && char.IsUpper(method.Name[verb.Length]));

    private static IEnumerable<MethodInfo> PublicMethodsTakingTheCaller() =>
        typeof(CommandOutcome).Assembly.GetTypes()
            .Where(t => t.IsClass && t.IsPublic && t.Namespace?.StartsWith("Portal.Features", StringComparison.Ordinal) == true
                && t.Name.EndsWith("Service", StringComparison.Ordinal))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetParameters().FirstOrDefault()?.ParameterType == typeof(Caller))
            .OrderBy(m => m.DeclaringType!.Name, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal);

    [GeneratedRegex(@"\.IsInRole\(|IsVisibleAsync\(|AssessmentVisibility\.|PortalRoles\.")]
    private static partial Regex DecidesForItself();
}
