using System.Text.RegularExpressions;

namespace Portal.Tests.TestSupport;

/// <summary>The commands among those a <see cref="SqlCommandCounter"/> saw that change data, for tests that reads write nothing.</summary>
public static partial class SqlWrites
{
    public static IReadOnlyList<string> In(IEnumerable<string> commands) => commands.Where(c => Write().IsMatch(c)).ToList();

    // EF writes its keywords in capitals; "UpdatedAt" and the like are not whole words, so they never match.
    [GeneratedRegex(@"\b(INSERT|UPDATE|DELETE|REPLACE|MERGE)\b")]
    private static partial Regex Write();
}
