namespace Portal.Components.Shared;

/// <summary>
/// The one address of a view on a page without a circuit, whose choices a GET form sends. The form sends every field,
/// empty ones included; the page sends the browser on to this address (defaults left out), so a view is named one way
/// only and what the address bar shows can be read, bookmarked and shared.
/// </summary>
public static class QueryAddress
{
    /// <summary><paramref name="path"/> with the pairs that are not defaults, in order, each value escaped.</summary>
    public static string Of(string path, IReadOnlyList<KeyValuePair<string, string>> query) =>
        query.Count == 0 ? path : path + "?" + string.Join("&", query.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));

    /// <summary>
    /// Whether the request's query is exactly these pairs, compared as decoded values, so an address the browser
    /// escaped differently is still the same and a redirect to it can never repeat.
    /// </summary>
    public static bool Is(IQueryCollection requested, IReadOnlyList<KeyValuePair<string, string>> query) =>
        requested.Count == query.Count
        && query.All(p => requested.TryGetValue(p.Key, out var values) && values.Count == 1 && string.Equals(values[0], p.Value, StringComparison.Ordinal));
}
