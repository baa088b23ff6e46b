using System.Net;
using System.Net.Http.Json;
using System.Text;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>Requests the API cannot use get 400, 404, 405, 413, 414 or 415 with a problem details body that says what to fix, never 500.</summary>
/// <remarks>None of these requests changes anything, so the class shares one portal, assessment and supplier client.</remarks>
public sealed class ApiBadInputTests(ApiBadInputTests.Portal portal) : IClassFixture<ApiBadInputTests.Portal>
{
    /// <summary>The portal, an assessment waiting for its supplier, and the supplier's API client, for the whole class.</summary>
    public sealed class Portal : IAsyncLifetime
    {
        public PortalAppFactory Factory { get; } = new();

        public int AssessmentId { get; private set; }

        public HttpClient Supplier { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            AssessmentId = await Factory.InvitedAssessmentAsync();
            Supplier = await Factory.ApiClientForAsync(TestCallers.Supplier);
        }

        public async Task DisposeAsync()
        {
            Supplier.Dispose();
            await Factory.DisposeAsync();
        }
    }

    private readonly int _assessmentId = portal.AssessmentId;
    private readonly HttpClient _supplier = portal.Supplier;

    private string ResponsePath => $"/api/v1/assessments/{_assessmentId}/responses/P.1";

    private Task<HttpResponseMessage> PutRawAsync(string json, string contentType = "application/json") =>
        _supplier.PutAsync(ResponsePath, new StringContent(json, Encoding.UTF8, contentType));

    [Fact]
    public async Task Malformed_json_gets_400_naming_where_the_json_breaks()
    {
        using var response = await PutRawAsync("{\"claim\": \"Meets\",");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "not well-formed JSON");
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_gets_400_naming_the_field()
    {
        using var response = await PutRawAsync("{\"claim\": \"Meets\", \"plannedDate\": 42}");

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "$.plannedDate");
        Assert.True(problem.GetProperty("errors").TryGetProperty("$.plannedDate", out _));
    }

    [Fact]
    public async Task An_enumeration_value_the_api_does_not_know_gets_400()
    {
        using var response = await PutRawAsync("{\"claim\": \"Perfect\"}");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "$.claim");
    }

    [Fact]
    public async Task An_enumeration_sent_as_a_number_gets_400()
    {
        using var response = await PutRawAsync("{\"claim\": 0}");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "$.claim");
    }

    [Fact]
    public async Task An_unknown_field_gets_400_naming_it()
    {
        using var response = await PutRawAsync("{\"claim\": \"Meets\", \"score\": 100}");

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "'score'");
        Assert.True(problem.GetProperty("errors").TryGetProperty("$.score", out _));
    }

    [Fact]
    public async Task A_missing_required_field_gets_400()
    {
        using var response = await _supplier.PostAsync($"/api/v1/assessments/{_assessmentId}/responses/P.1/evidence/links",
            new StringContent("{\"kind\": \"Documentation\", \"url\": \"https://example.org\"}", Encoding.UTF8, "application/json"));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "required");
    }

    [Fact]
    public async Task An_empty_body_where_json_is_needed_gets_400()
    {
        using var response = await PutRawAsync(string.Empty);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "JSON");
    }

    [Fact]
    public async Task A_body_that_is_not_json_gets_415()
    {
        using var response = await PutRawAsync("claim=Meets", "text/plain");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "'text/plain");
    }

    [Fact]
    public async Task An_over_long_query_gets_414_with_a_problem_saying_the_limit()
    {
        using var response = await _supplier.GetAsync("/api/v1/assessments?search=" + new string('a', 3000));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestUriTooLong, "at most 2,048");
    }

    [Fact]
    public async Task Json_sent_to_the_document_upload_gets_415()
    {
        using var response = await _supplier.PostAsJsonAsync($"/api/v1/assessments/{_assessmentId}/responses/P.1/evidence/documents", new { title = "x" });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "'application/json");
    }

    [Fact]
    public async Task An_oversized_body_gets_413_before_it_is_read()
    {
        var narrative = new string('a', 70 * 1024);

        using var response = await _supplier.PutAsJsonAsync(ResponsePath, new { claim = "Meets", narrative });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "larger than this operation accepts");
    }

    [Fact]
    public async Task An_oversized_body_that_states_its_length_gets_413()
    {
        using var content = new StringContent($"{{\"claim\": \"Meets\", \"narrative\": \"{new string('a', 70 * 1024)}\"}}", Encoding.UTF8, "application/json");

        using var response = await _supplier.PutAsync(ResponsePath, content);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "larger than this operation accepts");
    }

    [Theory]
    [InlineData("/api/v1/assessments/abc")]
    [InlineData("/api/v1/assessments/99999999999")]
    [InlineData("/api/v1/versions/1.5/requirements")]
    public async Task An_id_that_is_not_a_whole_number_gets_400_naming_the_parameter(string path)
    {
        using var response = await _supplier.GetAsync(path);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "whole number");
    }

    [Theory]
    [InlineData("/api/v1/assessments/0")]
    [InlineData("/api/v1/assessments/-4")]
    [InlineData("/api/v1/assessments/123456")]
    [InlineData("/api/v1/evidence/123456/content")]
    [InlineData("/api/v1/versions/1/requirements/Z.99")]
    public async Task An_id_that_names_nothing_gets_404(string path)
    {
        using var response = await _supplier.GetAsync(path);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound, "does not exist");
    }

    [Fact]
    public async Task A_query_value_of_the_wrong_type_gets_400()
    {
        using var response = await _supplier.GetAsync("/api/v1/assessments?page=first");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "page");
    }

    [Theory]
    [InlineData("?page=0")]
    [InlineData("?pageSize=0")]
    [InlineData("?pageSize=101")]
    public async Task A_page_out_of_range_gets_400(string query)
    {
        using var response = await _supplier.GetAsync($"/api/v1/assessments{query}");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "page");
    }

    [Fact]
    public async Task An_unknown_filter_value_gets_400()
    {
        using var response = await _supplier.GetAsync("/api/v1/assessments?status=Lost");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "status");
    }

    [Fact]
    public async Task An_address_with_no_operation_gets_404_pointing_to_the_reference()
    {
        using var response = await _supplier.GetAsync("/api/v1/suppliers");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound, "/api/docs");
    }

    [Fact]
    public async Task A_method_the_operation_does_not_take_gets_405()
    {
        using var response = await _supplier.DeleteAsync($"/api/v1/assessments/{_assessmentId}");

        await ApiAssert.ProblemAsync(response, HttpStatusCode.MethodNotAllowed, "not allowed");
    }

    [Fact]
    public async Task A_disguised_upload_is_refused_with_400_on_the_file_field()
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent("MZ this is a program"u8.ToArray()), "file", "specification.pdf" },
            { new StringContent("Specification"), "title" },
            { new StringContent("Documentation"), "kind" },
            { new StringContent(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), "evidenceDate" },
        };

        using var response = await _supplier.PostAsync($"/api/v1/assessments/{_assessmentId}/responses/P.1/evidence/documents", form);

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "its contents are not one");
        Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _));
    }

    [Fact]
    public async Task A_link_that_is_not_a_web_address_is_refused_with_400_on_the_url_field()
    {
        using var response = await _supplier.PostAsJsonAsync($"/api/v1/assessments/{_assessmentId}/responses/P.1/evidence/links",
            new { kind = "Documentation", title = "Docs", url = "javascript:alert(1)", evidenceDate = TimeProvider.System.PortalToday() });

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "web address");
        Assert.True(problem.GetProperty("errors").TryGetProperty("url", out _));
    }

    [Fact]
    public async Task An_answer_to_a_requirement_outside_the_scope_gets_404()
    {
        using var response = await _supplier.PutAsJsonAsync($"/api/v1/assessments/{_assessmentId}/responses/NOT.A.CODE", new { claim = "Meets" });

        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound, "NOT.A.CODE");
    }
}
