using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.Data.Policy.Catalogue;
using Portal.Data.Seed;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>An administrator brings in a revised catalogue through the API, as the catalogue versions page does.</summary>
public sealed class ApiCatalogueTests : IAsyncLifetime
{
    private readonly PortalAppFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static StringContent RevisedCatalogue()
    {
        var seeded = PortalSeeder.ReadSeededCatalogue();
        var revised = seeded with
        {
            Version = "2026-11",
            Requirements = [seeded.Requirements[0] with { Title = "Functional coverage through Open APIs" }, .. seeded.Requirements.Skip(1)],
        };
        return new StringContent(CatalogueJson.Write(revised), Encoding.UTF8, "application/json");
    }

    [Fact]
    public async Task An_administrator_imports_a_draft_compared_with_the_published_version_and_publishes_it()
    {
        using var administrator = await _factory.ApiClientForAsync(TestCallers.Administrator);

        using var imported = await administrator.PostAsync("/api/v1/versions", RevisedCatalogue());
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        var draft = await imported.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("2014-05", draft.GetProperty("comparedWith").GetString());
        Assert.Equal(["P.1"], draft.GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        var draftId = draft.GetProperty("draftVersionId").GetInt32();

        using var published = await administrator.PostAsync($"/api/v1/versions/{draftId}/publish", null);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);

        var current = await administrator.GetFromJsonAsync<JsonElement>("/api/v1/versions/current");
        Assert.Equal("2026-11", current.GetProperty("label").GetString());
    }

    [Fact]
    public async Task Only_administrators_see_a_draft_version()
    {
        using var administrator = await _factory.ApiClientForAsync(TestCallers.Administrator);
        using var imported = await administrator.PostAsync("/api/v1/versions", RevisedCatalogue());
        var draftId = (await imported.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("draftVersionId").GetInt32();
        using var officer = await _factory.ApiClientForAsync(TestCallers.Officer);

        using var asOfficer = await officer.GetAsync($"/api/v1/versions/{draftId}");
        using var asAdministrator = await administrator.GetAsync($"/api/v1/versions/{draftId}");

        await ApiAssert.ProblemAsync(asOfficer, HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.OK, asAdministrator.StatusCode);
    }

    [Fact]
    public async Task An_invalid_catalogue_is_refused_with_each_problem_by_line_and_field()
    {
        using var administrator = await _factory.ApiClientForAsync(TestCallers.Administrator);

        using var response = await administrator.PostAsync("/api/v1/versions", new StringContent("framework: {}\nversion: ''\n", Encoding.UTF8, "application/yaml"));

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "line and field");
        Assert.NotEmpty(problem.GetProperty("errors").EnumerateObject());
    }

    [Fact]
    public async Task A_catalogue_in_neither_json_nor_yaml_gets_415()
    {
        using var administrator = await _factory.ApiClientForAsync(TestCallers.Administrator);

        using var response = await administrator.PostAsync("/api/v1/versions", new StringContent("id,title", Encoding.UTF8, "text/csv"));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "'text/csv");
    }

    [Fact]
    public async Task Requirements_filter_by_obligation_and_page_with_a_total()
    {
        using var reader = await _factory.ApiClientForAsync(TestCallers.Supplier);
        var version = await reader.GetFromJsonAsync<JsonElement>("/api/v1/versions/current");

        var page = await reader.GetFromJsonAsync<JsonElement>($"/api/v1/versions/{version.GetProperty("id").GetInt32()}/requirements?obligation=Must&pageSize=5");

        Assert.True(page.GetProperty("total").GetInt32() > 5);
        Assert.Equal(5, page.GetProperty("items").GetArrayLength());
        Assert.All(page.GetProperty("items").EnumerateArray(), r => Assert.Equal("Must", r.GetProperty("obligation").GetString()));
    }
}
