using System.ComponentModel;

namespace Portal.Api;

/// <summary>One page of a list, with the total so a client knows how many pages there are.</summary>
public sealed record ItemsPage<T>(
    [property: Description("The items on this page.")] IReadOnlyList<T> Items,
    [property: Description("The page number, from 1.")] int Page,
    [property: Description("The most items a page holds.")] int PageSize,
    [property: Description("How many items there are on all pages together.")] int Total);

public static class ApiPaging
{
    public const int DefaultPageSize = 25;
    public const int MaxPageSize = 100;

    /// <summary>Checks ?page= and ?pageSize=; null when they are usable.</summary>
    public static IResult? Check(int? page, int? pageSize)
    {
        if (page is < 1)
        {
            return ApiProblem.Invalid("page", "page starts at 1.");
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            return ApiProblem.Invalid("pageSize", $"pageSize must be between 1 and {MaxPageSize}.");
        }

        return null;
    }

    public static ItemsPage<T> Of<T>(IReadOnlyList<T> all, int? page, int? pageSize)
    {
        var number = page ?? 1;
        var size = pageSize ?? DefaultPageSize;
        return new ItemsPage<T>(all.Skip((number - 1) * size).Take(size).ToList(), number, size, all.Count);
    }

    /// <summary>The names of the flags set in a [Flags] value, for JSON that lists them rather than joining them in one string.</summary>
    public static IReadOnlyList<string> Flags<TEnum>(TEnum value) where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Where(flag => Convert.ToInt64(flag, System.Globalization.CultureInfo.InvariantCulture) != 0 && value.HasFlag(flag))
            .Select(flag => flag.ToString()).ToList();
}
