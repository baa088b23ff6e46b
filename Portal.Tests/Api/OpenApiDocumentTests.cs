using System.Net;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>
/// The OpenAPI document the portal generates from its code stands alone (policy C.3): every operation, parameter and
/// error response is described. The test command lints the copy this class writes to artifacts/openapi-v1.json.
/// </summary>
/// <remarks>The document is read once, from one portal shared by the class: no test changes it.</remarks>
public sealed class OpenApiDocumentTests(SharedPortal portal) : IClassFixture<SharedPortal>, IAsyncLifetime
{
    private readonly PortalAppFactory _factory = portal.Factory;
    private JsonElement _document;
    private string _json = string.Empty;

    public async Task InitializeAsync()
    {
        using var client = _factory.ApiClient(token: null);
        _json = await client.GetStringAsync("/openapi/v1.json");
        _document = JsonDocument.Parse(_json).RootElement;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private IEnumerable<(string Name, JsonElement Operation)> Operations() =>
        _document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => ($"{method.Name.ToUpperInvariant()} {path.Name}", method.Value)));

    [Fact]
    public void The_document_is_openapi_3_1_with_a_licence_and_the_bearer_scheme()
    {
        Assert.StartsWith("3.1", _document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(_document.GetProperty("info").GetProperty("license").GetProperty("name").GetString()));
        Assert.Equal("bearer", _document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public void Every_operation_has_an_id_a_summary_a_description_and_a_tag()
    {
        foreach (var (name, operation) in Operations())
        {
            foreach (var field in new[] { "operationId", "summary", "description" })
            {
                Assert.True(operation.TryGetProperty(field, out var value) && !string.IsNullOrWhiteSpace(value.GetString()), $"{name} has no {field}");
            }

            Assert.True(operation.TryGetProperty("tags", out var tags) && tags.GetArrayLength() > 0, $"{name} has no tag");
        }
    }

    [Fact]
    public void Every_parameter_is_described()
    {
        foreach (var (name, operation) in Operations())
        {
            foreach (var parameter in operation.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray() : Enumerable.Empty<JsonElement>())
            {
                Assert.True(parameter.TryGetProperty("description", out var description) && !string.IsNullOrWhiteSpace(description.GetString()),
                    $"{name}: parameter {parameter.GetProperty("name").GetString()} has no description");
            }
        }
    }

    [Fact]
    public void Every_response_is_described_and_every_error_is_a_problem_with_401_and_429_everywhere()
    {
        foreach (var (name, operation) in Operations())
        {
            var responses = operation.GetProperty("responses");
            Assert.True(responses.TryGetProperty("401", out _), $"{name} does not document 401");
            Assert.True(responses.TryGetProperty("429", out _), $"{name} does not document 429");
            foreach (var response in responses.EnumerateObject())
            {
                Assert.False(string.IsNullOrWhiteSpace(response.Value.GetProperty("description").GetString()), $"{name} {response.Name} has no description");
                if (response.Name.StartsWith('4') || response.Name.StartsWith('5'))
                {
                    Assert.True(response.Value.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{name} {response.Name} is not a problem");
                }
            }
        }
    }

    [Fact]
    public void Null_is_among_no_shared_enums_values_so_a_nullable_enum_property_holds_null_once_and_a_required_one_never()
    {
        var schemas = _document.GetProperty("components").GetProperty("schemas");
        foreach (var schema in schemas.EnumerateObject().Where(s => s.Value.TryGetProperty("enum", out _)))
        {
            Assert.DoesNotContain(schema.Value.GetProperty("enum").EnumerateArray(), v => v.ValueKind == JsonValueKind.Null);
        }

        var claim = schemas.GetProperty("ResponseBody").GetProperty("properties").GetProperty("claim").GetProperty("oneOf");
        Assert.Contains(claim.EnumerateArray(), branch => branch.TryGetProperty("type", out var type) && type.GetString() == "null");
    }

    [Fact]
    public void Every_operation_documents_414_and_every_operation_that_takes_a_body_documents_415()
    {
        foreach (var (name, operation) in Operations())
        {
            var responses = operation.GetProperty("responses");
            Assert.True(responses.TryGetProperty("414", out _), $"{name} does not document 414");
            if (operation.TryGetProperty("requestBody", out _))
            {
                Assert.True(responses.TryGetProperty("415", out _), $"{name} takes a body but does not document 415");
            }
        }
    }

    [Fact]
    public void Writes_to_existing_resources_document_if_match_412_and_428()
    {
        foreach (var id in new[] { "SaveResponse", "RecordReviewDecisions" })
        {
            var operation = Operations().Single(o => o.Operation.GetProperty("operationId").GetString() == id).Operation;
            Assert.Contains(operation.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "If-Match");
            Assert.True(operation.GetProperty("responses").TryGetProperty("412", out _));
            Assert.True(operation.GetProperty("responses").TryGetProperty("428", out _));
        }
    }

    [Fact]
    public void The_first_operations_a_newcomer_uses_carry_examples()
    {
        var saveResponse = Operations().Single(o => o.Operation.GetProperty("operationId").GetString() == "SaveResponse").Operation;
        var listAssessments = Operations().Single(o => o.Operation.GetProperty("operationId").GetString() == "ListAssessments").Operation;

        Assert.Equal("Meets", saveResponse.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example").GetProperty("claim").GetString());
        Assert.True(listAssessments.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").TryGetProperty("example", out _));
    }

    [Fact]
    public async Task The_reference_and_the_document_are_free_to_read_without_signing_in()
    {
        using var client = _factory.CreateClient();

        using var reference = await client.GetAsync("/api/docs");
        using var gettingStarted = await client.GetAsync("/api/getting-started");
        using var changelog = await client.GetAsync("/api/changelog");

        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
        var page = await reference.Content.ReadAsStringAsync();
        Assert.Contains("NHS Open API compliance portal: API reference", page, StringComparison.Ordinal);
        // Usable on a network without internet, and a way back to the portal.
        Assert.Contains("\"withDefaultFonts\":false", page.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("<a href=\"/\">Back to the portal</a>", page, StringComparison.Ordinal);
        Assert.Contains("curl", await gettingStarted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Deprecation", await changelog.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Leaves the document where the test command's OpenAPI linter reads it.</summary>
    [Fact]
    public async Task The_document_is_written_for_the_linter()
    {
        var directory = new DirectoryInfo(RepositoryFiles.Root);

        Assert.NotNull(directory);
        var artifacts = Directory.CreateDirectory(Path.Combine(directory.FullName, "artifacts"));
        var path = Path.Combine(artifacts.FullName, "openapi-v1.json");
        await File.WriteAllTextAsync(path, _json);

        Assert.Equal(_json, await File.ReadAllTextAsync(path));
    }
}
