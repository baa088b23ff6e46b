using System.Text.Json;

namespace Portal.Features.Evidence.LinkChecks;

/// <summary>One operation a specification offers: an OpenAPI method and path, or a FHIR resource and interaction.</summary>
public sealed record CheckedOperation(string Method, string Path, string? OperationId, string? Summary, bool HasParameters = false);

/// <summary>One thing a check found, for a person: a named fact ("Title": "Patient API").</summary>
public sealed record CheckFact(string Name, string Value);

/// <summary>What a check found, stored as the check's JSON: facts, findings in a reviewer's words, and what matching needs.</summary>
public sealed record LinkCheckDetails
{
    public List<CheckFact> Facts { get; init; } = [];

    /// <summary>Rule results a reviewer should look at ("operations without a description: 12 of 40").</summary>
    public List<string> Findings { get; init; } = [];

    /// <summary>What the reader or validator said was wrong with the document, as it said it.</summary>
    public List<string> Diagnostics { get; init; } = [];

    public List<CheckedOperation> Operations { get; init; } = [];

    public List<string> Servers { get; init; } = [];

    /// <summary>Documentation: readable without signing in. Null for other kinds, or when it could not be told.</summary>
    public bool? IsPublic { get; init; }

    /// <summary>Sandbox: it answered over HTTP (any status).</summary>
    public bool? Answers { get; init; }

    /// <summary>"fhir" for a CapabilityStatement, "openapi" for an OpenAPI document.</summary>
    public string? SpecificationKind { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static LinkCheckDetails FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return new LinkCheckDetails();
        }

        try
        {
            return JsonSerializer.Deserialize<LinkCheckDetails>(json, Json) ?? new LinkCheckDetails();
        }
        catch (JsonException)
        {
            return new LinkCheckDetails();
        }
    }
}
