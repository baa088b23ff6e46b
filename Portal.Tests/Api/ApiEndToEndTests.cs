using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>A supplier's integration driving the API with a personal access token, as the getting-started page describes.</summary>
public sealed class ApiEndToEndTests : IAsyncLifetime
{
    private readonly PortalAppFactory _factory = new();
    private int _assessmentId;
    private HttpClient _supplier = default!;

    public async Task InitializeAsync()
    {
        _assessmentId = await _factory.InvitedAssessmentAsync();
        _supplier = await _factory.ApiClientForAsync(TestCallers.Supplier);
    }

    public async Task DisposeAsync()
    {
        _supplier.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_supplier_lists_its_assessments_answers_uploads_evidence_and_reads_the_scorecard_as_json_and_pdf()
    {
        var list = await _supplier.GetFromJsonAsync<JsonElement>("/api/v1/assessments?status=AwaitingSupplier");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal(_assessmentId, list.GetProperty("items")[0].GetProperty("id").GetInt32());

        using var saved = await _supplier.PutAsJsonAsync($"/api/v1/assessments/{_assessmentId}/responses/P.1",
            new { claim = "Meets", narrative = "Every significant function is exposed through our FHIR R4 API." });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal("Meets", (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("answer").GetProperty("claim").GetString());

        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(SampleDocuments.Pdf()) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } }, "file", "interface-specification.pdf" },
            { new StringContent("Interface specification"), "title" },
            { new StringContent("Documentation"), "kind" },
            { new StringContent(DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), "evidenceDate" },
        };
        using var uploaded = await _supplier.PostAsync($"/api/v1/assessments/{_assessmentId}/responses/P.1/evidence/documents", form);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var evidence = await uploaded.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(SampleDocuments.Pdf())), evidence.GetProperty("sha256").GetString());
        Assert.Equal(SampleDocuments.Pdf(), await _supplier.GetByteArrayAsync(uploaded.Headers.Location));

        var scorecard = await _supplier.GetFromJsonAsync<JsonElement>($"/api/v1/assessments/{_assessmentId}/scorecard");
        Assert.Equal($"OAP-{_assessmentId:D5}", scorecard.GetProperty("assessment").GetString());
        Assert.Contains(scorecard.GetProperty("requirements").EnumerateArray(), r => r.GetProperty("id").GetString() == "P.1" && r.GetProperty("claim").GetString() == "Meets");

        using var pdf = await _supplier.PostAsync($"/api/v1/assessments/{_assessmentId}/scorecard.pdf", null);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync())[..5]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_with_a_stale_if_match_gets_412_and_changes_nothing()
    {
        var path = $"/api/v1/assessments/{_assessmentId}/responses/P.1";
        using (var first = await _supplier.PutAsJsonAsync(path, new { claim = "PartiallyMeets", narrative = "First answer." }))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var read = await _supplier.GetAsync(path);
        var staleETag = read.Headers.ETag!.Tag;
        using (var second = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(new { claim = "Meets", narrative = "Second answer." }) })
        {
            second.Headers.TryAddWithoutValidation("If-Match", staleETag);
            using var saved = await _supplier.SendAsync(second);
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
            Assert.NotEqual(staleETag, saved.Headers.ETag!.Tag);
        }

        using var stale = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(new { claim = "DoesNotMeet", narrative = "Lost update." }) };
        stale.Headers.TryAddWithoutValidation("If-Match", staleETag);
        using var refused = await _supplier.SendAsync(stale);

        await ApiAssert.ProblemAsync(refused, HttpStatusCode.PreconditionFailed, "changed since you read it");
        var now = await _supplier.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal("Second answer.", now.GetProperty("answer").GetProperty("narrative").GetString());
    }

    [Fact]
    public async Task Adding_evidence_changes_the_answers_etag_so_a_write_over_the_older_one_gets_412()
    {
        var path = $"/api/v1/assessments/{_assessmentId}/responses/P.1";
        using var first = await _supplier.PutAsJsonAsync(path, new { claim = "Meets", narrative = "See the reference." });
        var before = first.Headers.ETag!.Tag;

        using var added = await _supplier.PostAsJsonAsync($"{path}/evidence/links",
            new { kind = "Documentation", title = "API reference", url = "https://developer.acme.example/api", evidenceDate = TimeProvider.System.PortalToday() });
        using var read = await _supplier.GetAsync(path);
        using var stale = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(new { claim = "DoesNotMeet" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", before);
        using var refused = await _supplier.SendAsync(stale);

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.NotEqual(before, read.Headers.ETag!.Tag);
        await ApiAssert.ProblemAsync(refused, HttpStatusCode.PreconditionFailed, "changed since you read it");
    }

    [Fact]
    public async Task Changing_an_answer_without_if_match_gets_428()
    {
        var path = $"/api/v1/assessments/{_assessmentId}/responses/P.1";
        using (var first = await _supplier.PutAsJsonAsync(path, new { claim = "Meets" }))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using var blind = await _supplier.PutAsJsonAsync(path, new { claim = "DoesNotMeet" });

        await ApiAssert.ProblemAsync(blind, HttpStatusCode.PreconditionRequired, "If-Match");
    }

    [Fact]
    public async Task A_read_answers_304_when_if_none_match_still_matches()
    {
        var path = $"/api/v1/assessments/{_assessmentId}";
        using var first = await _supplier.GetAsync(path);
        using var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var response = await _supplier.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task Each_api_change_is_in_the_assessments_audit_trail_with_the_person_who_made_it()
    {
        using (var saved = await _supplier.PutAsJsonAsync($"/api/v1/assessments/{_assessmentId}/responses/P.3", new { claim = "Meets" }))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        using var officer = await _factory.ApiClientForAsync(TestCallers.Officer);
        var timeline = await officer.GetFromJsonAsync<JsonElement>($"/api/v1/assessments/{_assessmentId}/timeline");

        Assert.Contains(timeline.GetProperty("items").EnumerateArray(),
            e => e.GetProperty("action").GetString() == "ResponseSaved" && e.GetProperty("actor").GetString() == "Sam Okafor");
    }

    [Fact]
    public async Task A_supplier_removes_evidence_it_added()
    {
        using var added = await _supplier.PostAsJsonAsync($"/api/v1/assessments/{_assessmentId}/responses/P.1/evidence/links",
            new { kind = "OpenApiSpecification", title = "OpenAPI document", url = "https://example.org/openapi.json", evidenceDate = TimeProvider.System.PortalToday() });
        var id = (await added.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        using var removed = await _supplier.DeleteAsync($"/api/v1/assessments/{_assessmentId}/evidence/{id}");

        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        var evidence = await _supplier.GetFromJsonAsync<JsonElement>($"/api/v1/assessments/{_assessmentId}/evidence");
        Assert.DoesNotContain(evidence.EnumerateArray(), e => e.GetProperty("id").GetInt32() == id);
    }

    [Fact]
    public async Task The_list_filters_by_text_route_and_supplier_and_a_page_past_the_end_is_empty()
    {
        using var officer = await _factory.ApiClientForAsync(TestCallers.Officer);
        using (var created = await officer.PostAsync("/api/v1/assessments", null))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var bySearch = await officer.GetFromJsonAsync<JsonElement>("/api/v1/assessments?search=administration");
        var byRoute = await officer.GetFromJsonAsync<JsonElement>("/api/v1/assessments?route=Develop");
        var pastTheEnd = await officer.GetFromJsonAsync<JsonElement>("/api/v1/assessments?page=9");

        Assert.Equal(_assessmentId, bySearch.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetInt32());
        Assert.Equal(0, byRoute.GetProperty("total").GetInt32());
        Assert.Equal(2, pastTheEnd.GetProperty("total").GetInt32());
        Assert.Equal(9, pastTheEnd.GetProperty("page").GetInt32());
        Assert.Empty(pastTheEnd.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task The_list_takes_the_portals_sorts_and_finds_by_reference_and_an_unknown_sort_is_a_validation_problem()
    {
        using var officer = await _factory.ApiClientForAsync(TestCallers.Officer);
        using (var created = await officer.PostAsync("/api/v1/assessments", null))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var byReference = await officer.GetFromJsonAsync<JsonElement>($"/api/v1/assessments?search=OAP-{_assessmentId:D5}");
        var ascending = await officer.GetFromJsonAsync<JsonElement>("/api/v1/assessments?sort=reference");
        var descending = await officer.GetFromJsonAsync<JsonElement>("/api/v1/assessments?sort=reference&order=desc");
        using var unknown = await officer.GetAsync("/api/v1/assessments?sort=cheapest");
        using var sideways = await officer.GetAsync("/api/v1/assessments?sort=due&order=sideways");

        var item = byReference.GetProperty("items").EnumerateArray().Single();
        Assert.Equal(_assessmentId, item.GetProperty("id").GetInt32());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("rag").ValueKind);
        Assert.Equal(item.GetProperty("responseDueDate").GetString(), item.GetProperty("nextDue").GetString());
        var up = ascending.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(up.Order(), up);
        Assert.Equal(Enumerable.Reverse(up), descending.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("sort must be one of updated, reference", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, sideways.StatusCode);
    }

    [Fact]
    public async Task The_list_pages_with_a_total()
    {
        using var officer = await _factory.ApiClientForAsync(TestCallers.Officer);
        for (var i = 0; i < 2; i++)
        {
            using var created = await officer.PostAsync("/api/v1/assessments", null);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var page = await officer.GetFromJsonAsync<JsonElement>("/api/v1/assessments?page=2&pageSize=2");

        Assert.Equal(3, page.GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("page").GetInt32());
        Assert.Single(page.GetProperty("items").EnumerateArray().ToList());
    }
}
