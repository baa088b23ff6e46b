using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>
/// Each way the catalogue's commands refuse, as HTTP: the service decides, the endpoint only maps. None of these
/// change anything, so they share one portal.
/// </summary>
public sealed class ApiCatalogueRefusalTests(ApiCatalogueRefusalTests.Portal portal) : IClassFixture<ApiCatalogueRefusalTests.Portal>
{
    /// <summary>One portal for the class.</summary>
    public sealed class Portal : IAsyncLifetime
    {
        public PortalAppFactory Factory { get; } = new();

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    private PortalAppFactory Factory => portal.Factory;

    private async Task<int> CurrentVersionIdAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/v1/versions/current")).GetProperty("id").GetInt32();

    [Fact]
    public async Task Someone_who_is_not_an_administrator_may_not_publish_and_gets_403()
    {
        using var officer = await Factory.ApiClientForAsync(TestCallers.Officer);

        using var response = await officer.PostAsync($"/api/v1/versions/{await CurrentVersionIdAsync(officer)}/publish", null);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Forbidden, "Only a portal administrator");
    }

    [Fact]
    public async Task Publishing_a_version_that_does_not_exist_gets_404()
    {
        using var administrator = await Factory.ApiClientForAsync(TestCallers.Administrator);

        using var response = await administrator.PostAsync("/api/v1/versions/99999/publish", null);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.NotFound, "no such draft");
    }

    [Fact]
    public async Task Publishing_a_version_already_published_gets_409_and_it_stays_current()
    {
        using var administrator = await Factory.ApiClientForAsync(TestCallers.Administrator);
        var current = await CurrentVersionIdAsync(administrator);

        using var response = await administrator.PostAsync($"/api/v1/versions/{current}/publish", null);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict, "already published");
        Assert.Equal(current, await CurrentVersionIdAsync(administrator));
    }

    [Fact]
    public async Task An_invalid_catalogue_gets_400_with_each_problem_keyed_by_its_line_and_field()
    {
        using var administrator = await Factory.ApiClientForAsync(TestCallers.Administrator);

        using var response = await administrator.PostAsync("/api/v1/versions", new StringContent("framework: {}\nversion: ''\n", Encoding.UTF8, "application/yaml"));

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "line and field");
        var errors = problem.GetProperty("errors").EnumerateObject().ToList();
        Assert.Contains(errors, e => e.Name.StartsWith("Line ", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Value[0].GetString())));
    }

    [Fact]
    public async Task A_catalogue_file_that_is_not_utf8_gets_400_on_the_file()
    {
        using var administrator = await Factory.ApiClientForAsync(TestCallers.Administrator);

        using var response = await administrator.PostAsync("/api/v1/versions", new ByteArrayContent([0xFF, 0xFE, 0x00, 0xD8])
        {
            Headers = { ContentType = new("application/json") },
        });

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("UTF-8", problem.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
    }
}
