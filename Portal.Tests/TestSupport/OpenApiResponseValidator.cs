using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Holds every answer the API tests receive to the portal's own OpenAPI document: the status must be one the operation
/// documents, the media type one documented for that status, and a JSON body must validate against its JSON Schema
/// (2020-12, as OpenAPI 3.1 uses). Any mismatch fails the test that made the request. Requests to addresses the
/// document does not describe (no such path, or no such method there) are not checked: there is nothing to hold them to.
/// </summary>
public sealed class OpenApiResponseValidator(Func<Task<string>> readDocument)
{
    private readonly SemaphoreSlim _reading = new(1, 1);
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private JsonNode? _document;
    private List<(string Template, string[] Segments)> _paths = [];

    /// <summary>A handler for the tests' HTTP clients: it reads each answer, checks it, and passes it on unchanged.</summary>
    public DelegatingHandler Handler() => new Checking(this);

    public async Task CheckAsync(HttpRequestMessage request, HttpResponseMessage response)
    {
        var document = await DocumentAsync();
        var path = request.RequestUri!.AbsolutePath;
        if (!path.StartsWith("/api/v1", StringComparison.Ordinal) || Match(path) is not { } template
            || document["paths"]![template]![request.Method.Method.ToLowerInvariant()] is not JsonObject operation)
        {
            return;
        }

        var where = $"{request.Method} {path} answered {(int)response.StatusCode}";
        var responses = operation["responses"]!.AsObject();
        var documented = responses[((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)] ?? responses["default"];
        Assert.True(documented is not null, $"{where}, a status the OpenAPI document does not list for {template} (it lists {string.Join(", ", responses.Select(r => r.Key))}).");

        var body = response.Content is null ? [] : await response.Content.ReadAsByteArrayAsync();
        if (body.Length == 0 || documented!["content"] is not JsonObject content)
        {
            return;
        }

        var mediaType = response.Content!.Headers.ContentType?.MediaType ?? "(none)";
        Assert.True(content.ContainsKey(mediaType),
            $"{where} with {mediaType}, which the OpenAPI document does not list for that status (it lists {string.Join(", ", content.Select(c => c.Key))}).");
        if (content[mediaType]?["schema"] is not JsonNode schema || !mediaType.EndsWith("json", StringComparison.Ordinal))
        {
            return;
        }

        using var json = JsonDocument.Parse(body);
        var key = $"{template} {request.Method} {(int)response.StatusCode} {mediaType}";
        var result = _schemas.GetOrAdd(key, _ => Build(schema, key)).Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, $"{where}; the body does not match the OpenAPI document's schema:\n{Explain(result)}\nBody: {Truncated(body)}");
    }

    private async Task<JsonNode> DocumentAsync()
    {
        if (_document is not null)
        {
            return _document;
        }

        await _reading.WaitAsync();
        try
        {
            if (_document is null)
            {
                var document = JsonNode.Parse(await readDocument())!;
                _paths = document["paths"]!.AsObject().Select(p => (p.Key, p.Key.Split('/'))).ToList();
                _document = document;
            }

            return _document;
        }
        finally
        {
            _reading.Release();
        }
    }

    /// <summary>The path template (/api/v1/assessments/{id}) that a concrete path matches, literal segments first.</summary>
    private string? Match(string path)
    {
        var segments = path.TrimEnd('/').Split('/');
        return _paths
            .Where(p => p.Segments.Length == segments.Length
                && p.Segments.Zip(segments).All(s => s.First.StartsWith('{') || string.Equals(s.First, Uri.UnescapeDataString(s.Second), StringComparison.Ordinal)))
            .OrderBy(p => p.Segments.Count(s => s.StartsWith('{')))
            .Select(p => p.Template)
            .FirstOrDefault();
    }

    /// <summary>One operation's response schema as a schema of its own: the document's components become its $defs.</summary>
    private JsonSchema Build(JsonNode schema, string key)
    {
        var standalone = schema.DeepClone().AsObject();
        standalone["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        standalone["$defs"] = _document!["components"]?["schemas"]?.DeepClone() ?? new JsonObject();
        var text = standalone.ToJsonString().Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal);
        return JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() },
            new Uri($"https://portal.test/openapi/{Uri.EscapeDataString(key)}"), null);
    }

    private static string Explain(EvaluationResults result) =>
        string.Join("\n", result.Details?.Where(d => d.Errors is { Count: > 0 })
            .Select(d => $"  at '{d.InstanceLocation}' ({d.EvaluationPath}): {string.Join("; ", d.Errors!.Values)}") ?? []);

    private static string Truncated(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body);
        return text.Length <= 2000 ? text : text[..2000] + "…";
    }

    private sealed class Checking(OpenApiResponseValidator validator) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.Content is not null)
            {
                // Read the answer once here, so the test can still read it after the check.
                await response.Content.LoadIntoBufferAsync(cancellationToken);
            }

            await validator.CheckAsync(request, response);
            return response;
        }
    }
}
