using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Portal.Auth;

namespace Portal.Api;

/// <summary>
/// Makes every failure under /api/v1 an RFC 9457 problem details body: a request the framework could not read
/// (malformed JSON, a wrong type, an unknown field, an id that is not a number, a wrong content type, a body too
/// large, a query too long) is a 400, 413, 414 or 415 that names what was wrong; an empty error response (401, 403, 404, 405) gets a body
/// that says what to do; anything unexpected is a 500 that leaks nothing.
/// </summary>
public sealed partial class ApiProblems(RequestDelegate next, IProblemDetailsService problems, ILogger<ApiProblems> logger)
{
    /// <summary>The longest query string the API reads: its filters are short, and a longer one is a mistake or a probe.</summary>
    public const int MaxQueryLength = 2048;

    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Request.QueryString.Value?.Length > MaxQueryLength)
        {
            await WriteAsync(context, StatusCodes.Status414UriTooLong,
                $"The query string is {context.Request.QueryString.Value.Length:N0} characters long; the API reads at most {MaxQueryLength:N0}. Filter with fewer or shorter values.");
            return;
        }

        if (!await WithinSizeLimitAsync(context))
        {
            await WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"The request body is larger than this operation accepts ({SizeLimitOf(context) / 1024} KB). Send less, or link to large documents instead.");
            return;
        }

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var (detail, errors) = Explain(ex);
            await ReplaceAsync(context, ex.StatusCode, detail, errors);
            return;
        }
        catch (AccessDeniedException ex) when (!context.Response.HasStarted)
        {
            await ReplaceAsync(context, StatusCodes.Status403Forbidden, ex.Message);
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(ex, "API request {Method} {Path} failed", context.Request.Method, context.Request.Path);
            await ReplaceAsync(context, StatusCodes.Status500InternalServerError,
                $"Something went wrong on the portal's side. Try again; if it keeps happening, give your administrator the trace id {context.TraceIdentifier}.");
            return;
        }

        var response = context.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
        {
            await WriteAsync(context, response.StatusCode, DetailFor(context));
        }
    }

    private static long? SizeLimitOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize;

    /// <summary>
    /// Refuses a body over the operation's limit before anything reads it: by its Content-Length, or, for a body sent
    /// without one, by reading at most one byte past the limit (the operations with a limit take small bodies or
    /// documents the form reader would buffer anyway).
    /// </summary>
    private static async Task<bool> WithinSizeLimitAsync(HttpContext context)
    {
        if (SizeLimitOf(context) is not { } limit)
        {
            return true;
        }

        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } server)
        {
            server.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength is { } length)
        {
            return length <= limit;
        }

        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsDelete(context.Request.Method))
        {
            return true;
        }

        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return false;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        context.Request.Body = buffer;
        context.Response.RegisterForDispose(buffer);
        return true;
    }

    private static string DetailFor(HttpContext context) => context.Response.StatusCode switch
    {
        StatusCodes.Status401Unauthorized => context.Items[ApiAuthentication.ChallengeDetailKey] as string
            ?? (BearerErrorDescription().Match(context.Response.Headers.WWWAuthenticate.ToString()) is { Success: true } refused
                ? $"The Entra ID access token was refused: {refused.Groups[1].Value}. Request a token for the portal's app registration."
                : "Send a personal access token as 'Authorization: Bearer oap_...'. Create one at /account/tokens."),
        StatusCodes.Status403Forbidden => "Your role does not allow this. The API allows exactly what the portal allows you.",
        StatusCodes.Status404NotFound => $"There is no API operation at {context.Request.Path}. The operations are listed at /api/docs.",
        StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {context.Request.Path}. The operations are listed at /api/docs.",
        StatusCodes.Status413PayloadTooLarge => "The request body is larger than this operation accepts.",
        // Routing answers 415 itself when no operation at the address takes the body's type, so no endpoint says which it takes.
        StatusCodes.Status415UnsupportedMediaType =>
            $"No operation at {context.Request.Path} takes a '{context.Request.ContentType}' body. Send JSON with 'Content-Type: application/json', "
            + "and documents as multipart/form-data; the API reference at /api/docs says which each operation takes.",
        _ => "The request could not be completed.",
    };

    /// <summary>Says which part of the request was wrong and how, without naming the portal's internal types.</summary>
    private static (string Detail, IDictionary<string, string[]>? Errors) Explain(BadHttpRequestException ex)
    {
        if (ex.InnerException is JsonException json)
        {
            var path = json.Path ?? "$";
            var where = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine + 1})" : string.Empty;
            string problem;
            if (UnknownMember().Match(json.Message) is { Success: true } unknown)
            {
                var field = unknown.Groups[1].Value;
                path = path.EndsWith($".{field}", StringComparison.Ordinal) ? path : $"{path.TrimEnd('.')}.{field}";
                problem = $"The field '{unknown.Groups[1].Value}' is not one this operation accepts. Remove it; field names are camelCase, as the API reference lists them.";
            }
            else if (json.Message.Contains("could not be converted", StringComparison.Ordinal))
            {
                problem = $"The value at '{path}'{where} is not of the right type or is not one of the allowed values. The API reference lists each field's type and values.";
            }
            else if (json.Message.Contains("missing required properties", StringComparison.Ordinal) || json.Message.Contains("null", StringComparison.OrdinalIgnoreCase))
            {
                problem = $"A required field is missing or null at '{path}'. The API reference marks the required fields.";
            }
            else
            {
                var reason = json.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
                problem = $"The request body is not well-formed JSON: {reason}{where}.";
            }

            return (problem, new Dictionary<string, string[]> { [path] = [problem] });
        }

        if (BindFailure().Match(ex.Message) is { Success: true } bind)
        {
            var name = bind.Groups["name"].Value;
            var problem = bind.Groups["type"].Value is "int" or "int?" or "long"
                ? $"'{bind.Groups["value"].Value}' is not a valid {name}: it must be a whole number."
                : $"'{bind.Groups["value"].Value}' is not a valid {name}.";
            return (problem, new Dictionary<string, string[]> { [name] = [problem] });
        }

        return ex.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => ($"The request body is too large. {ex.Message}", null),
            StatusCodes.Status415UnsupportedMediaType when ex.Message.Contains("form", StringComparison.OrdinalIgnoreCase) =>
                ("Send this request as multipart/form-data, as the API reference shows.", null),
            StatusCodes.Status415UnsupportedMediaType => ("Send the body as JSON with 'Content-Type: application/json'.", null),
            _ when ex.Message.Contains("no body was provided", StringComparison.Ordinal) || ex.Message.Contains("empty", StringComparison.OrdinalIgnoreCase) =>
                ("This operation needs a JSON body, as the API reference shows.", null),
            _ => ($"The request could not be read: {ex.Message}", null),
        };
    }

    /// <summary>After an exception, whatever the endpoint began (headers, an ETag) no longer describes the answer.</summary>
    private Task ReplaceAsync(HttpContext context, int status, string detail, IDictionary<string, string[]>? errors = null)
    {
        context.Response.Clear();
        return WriteAsync(context, status, detail, errors);
    }

    private async Task WriteAsync(HttpContext context, int status, string detail, IDictionary<string, string[]>? errors = null)
    {
        context.Response.StatusCode = status;
        var problem = errors is null
            ? new ProblemDetails { Status = status, Detail = detail }
            : new HttpValidationProblemDetails(errors) { Status = status, Detail = detail, Title = "The request is not valid" };
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            // A client that asked for something other than JSON still gets the problem, as JSON.
            problem.Instance = context.Request.Path;
            await context.Response.WriteAsJsonAsync(problem, problem.GetType(), options: null, contentType: "application/problem+json");
        }
    }

    [GeneratedRegex("error_description=\"([^\"]*)\"")]
    private static partial Regex BearerErrorDescription();

    [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnknownMember();

    [GeneratedRegex("Failed to bind parameter \"(?<type>\\S+) (?<name>\\S+)\" from \"(?<value>[^\"]*)\"")]
    private static partial Regex BindFailure();
}
