using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Portal.Api;

/// <summary>
/// A JSON answer with an <c>ETag</c>: the resource's concurrency stamp where it can be changed (so it goes back in
/// <c>If-Match</c>), otherwise a hash of the body. A GET whose <c>If-None-Match</c> still matches gets 304.
/// </summary>
public sealed class ApiJson<T>(T value, string? etag = null, int statusCode = StatusCodes.Status200OK, string? location = null)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<T>
{
    public T Value => value;

    object? IValueHttpResult.Value => value;

    public int? StatusCode => statusCode;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var options = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var body = JsonSerializer.SerializeToUtf8Bytes(value, options);
        var tag = etag ?? ETags.OfContent(body);
        var response = httpContext.Response;
        response.Headers.ETag = tag;
        if (location is not null)
        {
            response.Headers.Location = location;
        }

        if (HttpMethods.IsGet(httpContext.Request.Method) && ETags.Matches(httpContext.Request.Headers.IfNoneMatch.ToString(), tag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, httpContext.RequestAborted);
    }
}

public static class ETags
{
    public static string Of(Guid stamp) => $"\"{stamp:N}\"";

    public static string OfContent(byte[] body) => $"\"{Convert.ToHexStringLower(SHA256.HashData(body))[..32]}\"";

    /// <summary>Whether a list of entity tags (as in If-Match or If-None-Match) names this one, or is "*".</summary>
    public static bool Matches(string? header, string etag) =>
        !string.IsNullOrWhiteSpace(header)
        && header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(candidate => candidate == "*" || candidate == etag || candidate == $"W/{etag}");

    /// <summary>
    /// The If-Match check for a write to a resource whose current ETag is <paramref name="current"/>: when it holds
    /// something a write could lose, If-Match is required (428 without it) and must name the current version (412
    /// when stale). Null means go ahead.
    /// </summary>
    public static IResult? CheckIfMatch(HttpRequest request, string current, bool required, string what)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return required
                ? ApiProblem.PreconditionRequired(
                    $"{what} already exists. Read it first and send its ETag in If-Match, so a change someone else made since is never overwritten.")
                : null;
        }

        return Matches(header, current)
            ? null
            : ApiProblem.PreconditionFailed($"{what} changed since you read it (its ETag is now {current}). Read it again, then retry with the new ETag in If-Match.");
    }
}
