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

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: message, title: "The request is not valid");

    /// <summary>
    /// A refusal from a feature service: a named field is the caller's input to fix (400); anything else is a rule of
    /// the workflow the caller's role or the assessment's state does not allow (403 or 409, as the endpoint knows).
    /// </summary>
    public static IResult Refused(CommandResult result, int statusWithoutField = StatusCodes.Status409Conflict) =>
        result.Field is { } field ? Invalid(field, result.Message!) : Status(statusWithoutField, result.Message!);

    public static ProblemHttpResult Status(int status, string detail) => status switch
    {
        StatusCodes.Status403Forbidden => Forbidden(detail),
        StatusCodes.Status412PreconditionFailed => PreconditionFailed(detail),
        _ => Conflict(detail),
    };
}
