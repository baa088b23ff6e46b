using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Seed;
using Portal.Hosting;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Hosting;

/// <summary>The demo assesses the portal itself against its own policy, answered with the portal's API documentation.</summary>
public sealed class DemoSelfAssessmentTests : IAsyncLifetime
{
    private readonly PortalAppFactory _factory = new(settings: new Dictionary<string, string?>
    {
        ["Seed:SelfAssessment"] = "true",
        ["Seed:PublicBaseUrl"] = "https://portal-demo.example.nhs.uk/",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<int> SelfAssessmentIdAsync()
    {
        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.Assessments.Where(a => a.SystemName == DemoSelfAssessment.SystemName).Select(a => a.Id).SingleAsync();
    }

    [Fact]
    public async Task The_portal_team_answers_with_the_api_documentation_the_sandbox_and_the_licence()
    {
        var id = await SelfAssessmentIdAsync();
        using var team = _factory.ApiClient(PortalSeeder.DemoToken(PortalSeeder.PortalTeamPerson));

        var assessment = await team.GetFromJsonAsync<JsonElement>($"/api/v1/assessments/{id}");
        var evidence = (await team.GetFromJsonAsync<JsonElement>($"/api/v1/assessments/{id}/evidence")).EnumerateArray().ToList();

        Assert.Equal(nameof(AssessmentStatus.AwaitingSupplier), assessment.GetProperty("summary").GetProperty("status").GetString());
        Assert.Equal(PortalSeeder.PortalTeamSupplier, assessment.GetProperty("summary").GetProperty("supplier").GetString());
        Assert.Contains(evidence, e => e.GetProperty("requirement").GetString() == "P.4" && e.GetProperty("url").GetString() == "https://portal-demo.example.nhs.uk/api/docs");
        Assert.Contains(evidence, e => e.GetProperty("requirement").GetString() == "C.3" && e.GetProperty("url").GetString() == "https://portal-demo.example.nhs.uk/openapi/v1.json");
        Assert.Contains(evidence, e => e.GetProperty("kind").GetString() == "TestEnvironment" && e.GetProperty("requirement").GetString() == "P.5");
        Assert.Contains(evidence, e => e.GetProperty("kind").GetString() == "ContractOrLicence" && e.GetProperty("title").GetString()!.Contains("Open Government Licence", StringComparison.Ordinal));
        Assert.All(assessment.GetProperty("functions").EnumerateArray(), f => Assert.StartsWith("https://portal-demo.example.nhs.uk/api/docs", f.GetProperty("documentationUrl").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_answer_and_its_evidence_is_in_the_timeline_like_any_other_assessment()
    {
        var id = await SelfAssessmentIdAsync();
        using var officer = _factory.ApiClient(PortalSeeder.DemoToken(TestCallers.Officer));

        var timeline = await officer.GetFromJsonAsync<JsonElement>($"/api/v1/assessments/{id}/timeline?pageSize=100");
        var actions = timeline.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();

        Assert.Contains("AssessmentStartConfirmed", actions);
        Assert.Contains("ResponseSaved", actions);
        Assert.Contains("EvidenceAdded", actions);
    }

    [Fact]
    public async Task Seeding_again_finds_the_self_assessment_and_adds_no_second()
    {
        using (var scope = _factory.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoSelfAssessment>().EnsureAsync("https://portal-demo.example.nhs.uk");
        }

        await using var db = await _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        Assert.Equal(1, await db.Assessments.CountAsync(a => a.SystemName == DemoSelfAssessment.SystemName));
    }
}
