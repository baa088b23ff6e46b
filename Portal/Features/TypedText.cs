namespace Portal.Features;

public static class TypedText
{
    /// <summary>What a person typed, trimmed, cut to the column's length, and null when nothing was typed.</summary>
    public static string? Tidy(string? text, int maxLength)
    {
        var trimmed = text?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.Length <= maxLength ? trimmed : trimmed[..maxLength];
    }

    /// <summary>The escape character of <see cref="ContainsPattern"/>, to pass to EF.Functions.Like.</summary>
    public const string LikeEscape = "\\";

    /// <summary>
    /// A LIKE pattern that finds <paramref name="words"/> anywhere, with an escape character, so % and _ in what was
    /// typed match themselves on SQLite and SQL Server.
    /// </summary>
    public static string ContainsPattern(string words) =>
        $"%{words.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal)}%";
}
