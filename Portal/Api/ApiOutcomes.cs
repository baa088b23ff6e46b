using Portal.Features;

namespace Portal.Api;

/// <summary>
/// Maps a feature service's outcome to HTTP, the same way for every operation: done is the endpoint's own answer;
/// invalid is 400 with the fields at fault; not found 404; forbidden 403; a state that does not allow it 409; stale is
/// 412 when If-Match named an older version, and 428 when it named none where a change could be lost.
/// </summary>
public static class ApiOutcomes
{
    public static IResult ToHttp<T>(this Outcome<T> outcome, HttpContext http, Func<T, IResult> done) =>
        outcome.Succeeded ? done(outcome.Value!) : Problem(outcome, http);

    public static IResult ToHttp(this Outcome outcome, HttpContext http, Func<IResult> done) =>
        outcome.Succeeded ? done() : Problem(outcome, http);

    public static async Task<IResult> ToHttp<T>(this Task<Outcome<T>> outcome, HttpContext http, Func<T, IResult> done) =>
        (await outcome).ToHttp(http, done);

    public static async Task<IResult> ToHttp(this Task<Outcome> outcome, HttpContext http, Func<IResult> done) =>
        (await outcome).ToHttp(http, done);

    /// <summary>The If-Match header as the version the caller read: "*" is any, "unanswered" is a record not made yet.</summary>
    public static ReadVersion ReadVersion(this HttpRequest request) => ParseVersion(request.Headers.IfMatch.ToString());

    /// <summary>An ETag (or If-Match list) as the version the caller read, for versions sent in a body (one per item of a bulk change).</summary>
    public static ReadVersion ParseVersion(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return Features.ReadVersion.None;
        }

        var stamps = new List<Guid>();
        foreach (var tag in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (tag == "*")
            {
                return new(null, Any: true);
            }

            var value = tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
            if (value == ResponsesApi.UnansweredETag)
            {
                stamps.Add(Features.ReadVersion.Nothing);
            }
            else if (Guid.TryParseExact(value.Trim('"'), "N", out var stamp))
            {
                stamps.Add(stamp);
            }
        }

        return new(stamps, Any: false);
    }

    public static IResult Problem(CommandOutcome outcome, HttpContext http)
    {
        var message = outcome.Message ?? "The change was not made.";
        return outcome.Kind switch
        {
            OutcomeKind.Invalid when outcome.Problems.Count > 0 => TypedResults.ValidationProblem(
                outcome.Problems.ToDictionary(p => p.Key, p => new[] { p.Value }), detail: message, title: "The request is not valid"),
            OutcomeKind.Invalid => TypedResults.Problem(message, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid"),
            OutcomeKind.NotFound => TypedResults.Problem(message, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
            OutcomeKind.Forbidden => ApiProblem.Forbidden(message),
            OutcomeKind.Stale when !http.Request.ReadVersion().Named => ApiProblem.PreconditionRequired(
                $"{message} Read it first and send its ETag in If-Match, so a change someone else made since is never overwritten."),
            OutcomeKind.Stale => ApiProblem.PreconditionFailed($"{message} Read it again, then retry with its new ETag in If-Match."),
            OutcomeKind.Unavailable => ApiProblem.Unavailable(message, http),
            _ => ApiProblem.Conflict(message),
        };
    }
}
