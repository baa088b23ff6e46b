using Microsoft.AspNetCore.Http.HttpResults;
using Portal.Features;

namespace Portal.Api;

/// <summary>The API's RFC 9457 problem details, each with a message a developer can act on.</summary>
public static class ApiProblem
{
    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem($"{what} does not exist, or you may not see it.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");

    public static ProblemHttpResult PreconditionFailed(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status412PreconditionFailed, title: "Precondition failed");

    public static ProblemHttpResult PreconditionRequired(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status428PreconditionRequired, title: "Precondition required");

    /// <summary>A service the portal depends on did not answer: 503 with Retry-After, so a client knows to try again.</summary>
    public static ProblemHttpResult Unavailable(string detail, HttpContext http, int retryAfterSeconds = 60)
    {
        http.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable");
    }

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message, title: "The request is not valid");
}
