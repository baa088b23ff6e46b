using System.Net;
using System.Text;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>The check every API test's answers pass through fails on what the document does not say.</summary>
public sealed class OpenApiResponseValidatorTests
{
    private const string Document = """
        {
          "openapi": "3.1.1",
          "paths": {
            "/api/v1/things/{id}": {
              "get": {
                "responses": {
                  "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Thing" } } } }
                }
              }
            }
          },
          "components": {
            "schemas": {
              "Colour": { "enum": ["Red", "Green"] },
              "Thing": {
                "type": "object",
                "required": ["name", "colour"],
                "properties": {
                  "name": { "type": "string" },
                  "colour": { "oneOf": [{ "type": "null" }, { "$ref": "#/components/schemas/Colour" }] }
                }
              }
            }
          }
        }
        """;

    private readonly OpenApiResponseValidator _validator = new(() => Task.FromResult(Document));

    [Fact]
    public async Task An_answer_that_matches_its_schema_passes_including_a_null_enum()
    {
        await _validator.CheckAsync(Get("/api/v1/things/7"), Answer(HttpStatusCode.OK, """{"name":"a","colour":null}"""));
        await _validator.CheckAsync(Get("/api/v1/things/7"), Answer(HttpStatusCode.OK, """{"name":"a","colour":"Green"}"""));
    }

    [Fact]
    public async Task A_body_that_breaks_the_schema_fails_naming_where()
    {
        var failure = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() =>
            _validator.CheckAsync(Get("/api/v1/things/7"), Answer(HttpStatusCode.OK, """{"name":"a","colour":"Blue"}""")));

        Assert.Contains("/colour", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_status_the_operation_does_not_document_fails()
    {
        var failure = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() =>
            _validator.CheckAsync(Get("/api/v1/things/7"), Answer(HttpStatusCode.Gone, """{"title":"gone"}""")));

        Assert.Contains("answered 410", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_media_type_the_status_does_not_document_fails()
    {
        var failure = await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() =>
            _validator.CheckAsync(Get("/api/v1/things/7"), Answer(HttpStatusCode.OK, "name,colour", "text/csv")));

        Assert.Contains("text/csv", failure.Message, StringComparison.Ordinal);
    }

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, new Uri("http://localhost" + path));

    private static HttpResponseMessage Answer(HttpStatusCode status, string body, string mediaType = "application/json") =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
}
