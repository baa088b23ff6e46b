using System.Globalization;

namespace Portal.Components.Shared;

/// <summary>
/// A count with its noun in the right number ("1 requirement", "2 requirements"), so no page says
/// "1 requirements". The plural is the singular with an "s" unless given ("person", "people").
/// </summary>
public static class Counted
{
    public static string Of(int count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {Noun(count, singular, plural)}");

    /// <summary>The noun alone, for a phrase whose number stands apart from it ("0 of 1 requirement answered").</summary>
    public static string Noun(int count, string singular, string? plural = null) =>
        count == 1 ? singular : plural ?? singular + "s";
}
