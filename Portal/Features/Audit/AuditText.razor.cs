using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;

namespace Portal.Features.Audit;

public sealed partial class AuditText
{
    [Parameter] public string? Value { get; set; }

    /// <summary>The text split into plain runs and whole SHA-256 hashes, in order.</summary>
    public static IReadOnlyList<(string Part, bool IsHash)> Parts(string? value)
    {
        var parts = new List<(string, bool)>();
        if (string.IsNullOrEmpty(value))
        {
            return parts;
        }

        var start = 0;
        foreach (var match in Hash().EnumerateMatches(value))
        {
            if (match.Index > start)
            {
                parts.Add((value[start..match.Index], false));
            }

            parts.Add((value.Substring(match.Index, match.Length), true));
            start = match.Index + match.Length;
        }

        if (start < value.Length)
        {
            parts.Add((value[start..], false));
        }

        return parts;
    }

    [GeneratedRegex("(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])")]
    private static partial Regex Hash();
}
