namespace Portal.Features;

public static class TypedText
{
    /// <summary>What a person typed, trimmed, cut to the column's length, and null when nothing was typed.</summary>
    public static string? Tidy(string? text, int maxLength)
    {
        var trimmed = text?.Trim();
        return string.IsNullOrEmpty(trimmed) ? null : trimmed.Length <= maxLength ? trimmed : trimmed[..maxLength];
    }
}
