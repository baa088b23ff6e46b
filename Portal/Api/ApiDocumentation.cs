using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Portal.Api;

/// <summary>
/// The OpenAPI 3.1 document at /openapi/v1.json, generated from the endpoints: what the API is, how to sign in,
/// every operation's errors described in this API's terms, the If-Match header where a write needs it, and examples.
/// </summary>
public static class ApiDocumentation
{
    public const string BearerSchemeName = "bearer";

    public const string Account = "Account";
    public const string Catalogue = "Catalogue";
    public const string Assessments = "Assessments";
    public const string Responses = "Responses";
    public const string Evidence = "Evidence";
    public const string Reviews = "Reviews";
    public const string SignOffs = "Sign-off";
    public const string Scorecards = "Scorecards";
    public const string Audit = "Audit trail";
    public const string AssessmentStart = "Assessment start";
    public const string Invitations = "Invitations";
    public const string Notifications = "Notifications";
    public const string Administration = "Administration";
    public const string Packs = "Products and evidence packs";
    public const string Register = "Public register";

    private static readonly (string Name, string Description)[] Tags =
    [
        (Account, "Who the token belongs to."),
        (Catalogue, "The policy catalogue: frameworks, versions and their requirements. Administrators import and publish versions."),
        (Assessments, "Assessments of suppliers' systems, their details and scope."),
        (AssessmentStart, "The guided start of a draft assessment: route, system, conditions, significant functions and scope."),
        (Invitations, "Inviting a supplier to answer an assessment, and accepting the invitation."),
        (Responses, "The supplier's answer to each in-scope requirement."),
        (Evidence, "Links and documents that support the answers."),
        (Reviews, "The NHS review: a decision per requirement."),
        (SignOffs, "The CCIO sign-off of an assessment."),
        (Scorecards, "The result of an assessment as JSON, CSV or a PDF."),
        (Audit, "The tamper-evident record of everything that happened to an assessment."),
        (Notifications, "What changed on the assessments you work on."),
        (Administration, "People, NHS organisations and suppliers (administrators)."),
        (Packs, "A supplier's products and versions, its evidence packs, sharing them with NHS organisations, and filling an assessment from a shared pack."),
        (Register, "The public, status-only register of Open API conformance (open data, no sign-in), and an organisation's choice to publish an assessment on it."),
    ];

    /// <summary>What each error status means in this API; every operation's error responses say it.</summary>
    private static readonly Dictionary<string, string> ErrorMeanings = new(StringComparer.Ordinal)
    {
        ["400"] = "The request is not valid: malformed JSON, a value of the wrong type, a field the operation does not know, a missing required field, or an id that is not a whole number. `errors` names each field at fault.",
        ["401"] = "No usable token: send `Authorization: Bearer <token>`. The problem says whether the token is unknown, revoked or expired.",
        ["403"] = "Your role, organisation or supplier does not allow this, or the token is read-only and the operation writes. The API allows exactly what the portal allows you.",
        ["404"] = "The resource does not exist, or it belongs to another organisation or supplier and you may not see it.",
        ["409"] = "The assessment's state does not allow this now (for example answers once it is submitted); the problem says why.",
        ["412"] = "The If-Match ETag is stale: someone changed the resource since you read it. Read it again and retry with the new ETag; nothing was changed.",
        ["413"] = "The request body is larger than the operation accepts.",
        ["414"] = $"The query string is longer than the API reads ({ApiProblems.MaxQueryLength:N0} characters). Filter with fewer or shorter values.",
        ["415"] = "The request body's Content-Type is not one the operation accepts: JSON (`application/json`) unless the operation says otherwise.",
        ["428"] = "If-Match is required: the resource already holds data a blind write could overwrite. Read it and send its ETag.",
        ["429"] = "Too many requests for this token in the current window. Wait the number of seconds in Retry-After, then retry.",
        ["500"] = "Something went wrong on the portal's side. The problem carries a trace id to give your administrator.",
    };

    public static IServiceCollection AddPortalApiDocumentation(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                NullableEnumsOnce(document);
                ProblemsWithTheirSchema(document);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                DescribeErrors(operation);
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IfMatchMetadata>().Any())
                {
                    AddIfMatch(operation);
                }

                // Open data and verification need no token: they say so rather than inherit the document's bearer requirement.
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any())
                {
                    operation.Security = [];
                }

                ApiExamples.Add(operation);
                return Task.CompletedTask;
            });
        });

    /// <summary>The JSON an operation answers with on success.</summary>
    public static RouteHandlerBuilder Returns<T>(this RouteHandlerBuilder builder) => builder.Produces<T>(StatusCodes.Status200OK, "application/json");

    public static RouteHandlerBuilder NotFoundProblem(this RouteHandlerBuilder builder) => builder.ProducesProblem(StatusCodes.Status404NotFound);

    public static RouteHandlerBuilder ForbiddenProblem(this RouteHandlerBuilder builder) => builder.ProducesProblem(StatusCodes.Status403Forbidden);

    public static RouteHandlerBuilder ConflictProblem(this RouteHandlerBuilder builder) => builder.ProducesProblem(StatusCodes.Status409Conflict);

    public static RouteHandlerBuilder InvalidIdProblem(this RouteHandlerBuilder builder) => builder.ProducesValidationProblem();

    public static RouteHandlerBuilder ValidationProblem(this RouteHandlerBuilder builder) => builder.ProducesValidationProblem();

    public static RouteHandlerBuilder TooLargeProblem(this RouteHandlerBuilder builder) => builder.ProducesProblem(StatusCodes.Status413PayloadTooLarge);

    public static RouteHandlerBuilder UnavailableProblem(this RouteHandlerBuilder builder) => builder.ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    public static RouteHandlerBuilder UnsupportedMediaTypeProblem(this RouteHandlerBuilder builder) => builder.ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>A write to an existing resource: If-Match, 412 when stale, 428 when missing.</summary>
    public static RouteHandlerBuilder PreconditionProblems(this RouteHandlerBuilder builder) =>
        builder.ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired)
            .WithMetadata(new IfMatchMetadata());

    /// <summary>Marks an operation whose writes take an If-Match header.</summary>
    public sealed class IfMatchMetadata;

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "NHS Open API compliance portal API",
            Version = "1.0",
            Summary = "The portal's own Open API: the policy catalogue, assessments, answers, evidence, review, sign-off, scorecards and the audit trail.",
            Description = ApiGuide.Markdown,
            Contact = new OpenApiContact { Name = "Your portal administrators" },
            License = new OpenApiLicense { Name = "Open Government Licence v3.0", Url = new Uri("https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/") },
        };
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [BearerSchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "A personal access token (`oap_…`, created at /account/tokens) or, in production, an Entra ID access token for the portal's app registration.",
            },
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerSchemeName, document)] = [] }];
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
    }

    private static void DescribeErrors(OpenApiOperation operation)
    {
        operation.Responses ??= new OpenApiResponses();
        // Any operation may get a query too long to read, and any that takes a body may get one of the wrong type.
        var everywhere = operation.RequestBody is null ? new[] { "401", "414", "429", "500" } : ["401", "414", "415", "429", "500"];
        foreach (var status in everywhere)
        {
            if (!operation.Responses.ContainsKey(status))
            {
                operation.Responses[status] = new OpenApiResponse
                {
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new OpenApiMediaType() },
                };
            }
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (response is OpenApiResponse concrete && ErrorMeanings.TryGetValue(status, out var meaning))
            {
                concrete.Description = meaning;
                if (status == "429")
                {
                    concrete.Headers = new Dictionary<string, IOpenApiHeader>
                    {
                        ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before retrying.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
                    };
                }
            }
            else if (response is OpenApiResponse ok && status.StartsWith('2') && string.IsNullOrEmpty(ok.Description))
            {
                ok.Description = "Success.";
            }
        }
    }

    /// <summary>
    /// A nullable enum property is already "null or the enum" (oneOf with a null type). The generator also puts null
    /// among the shared enum schema's own values, so a null matched both branches of that oneOf (and failed it), and
    /// a property that may not be null seemed to allow it. Null belongs only to the properties that allow it.
    /// </summary>
    private static void NullableEnumsOnce(OpenApiDocument document)
    {
        foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            if (schema.Enum is { Count: > 0 } values && values.Any(IsNull))
            {
                schema.Enum = values.Where(v => !IsNull(v)).ToList();
            }
        }

        static bool IsNull(JsonNode? value) => value is null || value.GetValueKind() == System.Text.Json.JsonValueKind.Null;
    }

    /// <summary>
    /// Every problem answer names the problem details schema, so a client (and the tests) can check it; the schemas
    /// list the trace id every problem carries (they allow no other field). A GET that answers JSON with an ETag
    /// answers 304 with no body when If-None-Match still matches.
    /// </summary>
    private static void ProblemsWithTheirSchema(OpenApiDocument document)
    {
        if (document.Components?.Schemas?.ContainsKey("ProblemDetails") != true)
        {
            return;
        }

        foreach (var name in new[] { "ProblemDetails", "HttpValidationProblemDetails" })
        {
            if (document.Components.Schemas.TryGetValue(name, out var problem) && problem is OpenApiSchema { Properties: { } properties })
            {
                properties["traceId"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.String,
                    Description = "The request's trace id: give it to your administrator if you need to ask about this answer.",
                };
            }
        }

        foreach (var get in document.Paths.Values.Where(p => p.Operations is not null)
                     .SelectMany(p => p.Operations!.Where(o => o.Key == HttpMethod.Get).Select(o => o.Value)))
        {
            if (get.Responses?.TryGetValue("200", out var ok) == true && ok.Content?.ContainsKey("application/json") == true)
            {
                get.Responses["304"] = new OpenApiResponse
                {
                    Description = "Not modified: the If-None-Match ETag still matches what you hold. No body; keep using your copy.",
                };
            }
        }

        foreach (var operation in document.Paths.Values.Where(p => p.Operations is not null).SelectMany(p => p.Operations!.Values))
        {
            foreach (var response in operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>())
            {
                if (response.Content?.TryGetValue("application/problem+json", out var media) == true && media.Schema is null)
                {
                    media.Schema = new OpenApiSchemaReference("ProblemDetails", document);
                }
            }
        }
    }

    private static void AddIfMatch(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "If-Match",
            In = ParameterLocation.Header,
            Description = "The ETag of the resource as you read it. Required once the resource holds data; a stale ETag gets 412 and changes nothing.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Example = JsonValue.Create("\"3f2a9c0e5b7d4e1f8a6b2c9d0e1f2a3b\""),
        });
    }
}
