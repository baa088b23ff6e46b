using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Audit;

/// <summary>
/// Two portal processes on one database, as a deployment with two instances has: 40 people from two NHS organisations
/// and two suppliers write at once through both. Every write succeeds, no audit chain forks, and every chain verifies.
/// </summary>
public sealed class TwoInstancesOnOneDatabaseTests : IAsyncLifetime
{
    private const int Writers = 40;
    private const int WritesEach = 2;

    private readonly string _directory = Directory.CreateTempSubdirectory("portal-two-instances").FullName;
    private PortalProcess _first = default!;
    private PortalProcess _second = default!;
    private DbContextFactory _database = default!;

    private string DatabasePath => Path.Combine(_directory, "portal.db");

    public async Task InitializeAsync()
    {
        // The first instance migrates and seeds; the second starts on the database the first prepared.
        _first = await PortalProcess.StartAsync(DatabasePath, _directory, "first");
        _second = await PortalProcess.StartAsync(DatabasePath, _directory, "second");
        _database = new DbContextFactory(DatabasePath);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Forty_writers_from_several_organisations_through_two_instances_all_succeed_and_every_chain_verifies()
    {
        var trustAssessment = await TestAssessments.InvitedAsync(_database, await TestCallers.ForAsync(_database, TestCallers.Officer));
        var icbAssessment = await TestAssessments.InvitedAsync(_database, await TestCallers.ForAsync(_database, TestCallers.OtherOfficer),
            "bea.lindqvist@brightwater-health.example", "Brightwater Health Software Ltd");
        var trustCodes = await InScopeCodesAsync(trustAssessment, TestCallers.Officer);
        var icbCodes = await InScopeCodesAsync(icbAssessment, TestCallers.OtherOfficer);
        Assert.True(trustCodes.Count >= Writers / 4 * WritesEach && icbCodes.Count >= Writers / 4 * WritesEach, "Each supplier needs a requirement of its own per write.");

        var writes = Enumerable.Range(0, Writers).Select(async writer =>
        {
            var instance = writer % 2 == 0 ? _first : _second;
            var slot = writer / 4;
            var statuses = new List<(string Write, HttpStatusCode Status, string Body)>();
            for (var n = 0; n < WritesEach; n++)
            {
                var (person, write) = (writer % 4) switch
                {
                    0 => (TestCallers.Supplier, Answer(trustAssessment, trustCodes[(slot * WritesEach) + n])),
                    1 => (TestCallers.OtherSupplier, Answer(icbAssessment, icbCodes[(slot * WritesEach) + n])),
                    2 => (TestCallers.Officer, Start()),
                    _ => (TestCallers.OtherOfficer, Start()),
                };
                using var client = instance.Client(person);
                using var response = await client.SendAsync(write);
                statuses.Add(($"{write.Method} {write.RequestUri} by {person} on {instance.Address}", response.StatusCode, await response.Content.ReadAsStringAsync()));
            }

            return statuses;
        });
        var results = (await Task.WhenAll(writes)).SelectMany(r => r).ToList();

        var failures = results.Where(r => r.Status is not (HttpStatusCode.OK or HttpStatusCode.Created)).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Select(f => $"{f.Write}: {(int)f.Status} {f.Body}"))
            + $"\n--- first instance ---\n{Tail(_first.Output)}\n--- second instance ---\n{Tail(_second.Output)}");
        Assert.Equal(Writers * WritesEach, results.Count);

        await using var db = _database.CreateDbContext();
        var verification = await AuditChain.VerifyAsync(db, []);
        Assert.True(verification.Intact, verification.Problem);
        var answersRecorded = await db.AuditEvents.CountAsync(e => e.Action == "ResponseSaved"
            && (e.AssessmentId == trustAssessment || e.AssessmentId == icbAssessment));
        Assert.Equal(Writers / 2 * WritesEach, answersRecorded);
    }

    private static HttpRequestMessage Answer(int assessmentId, string code) =>
        new(HttpMethod.Put, $"/api/v1/assessments/{assessmentId}/responses/{code}")
        {
            Content = JsonContent.Create(new { claim = "Meets", narrative = $"Our API covers {code}." }),
        };

    private static HttpRequestMessage Start() => new(HttpMethod.Post, "/api/v1/assessments");

    private async Task<List<string>> InScopeCodesAsync(int assessmentId, string officer)
    {
        using var client = _first.Client(officer);
        var items = await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/assessments/{assessmentId}/scope", UriKind.Relative));
        return items.EnumerateArray().Where(i => i.GetProperty("inScope").GetBoolean()).Select(i => i.GetProperty("code").GetString()!).ToList();
    }

    private static string Tail(string output) => output.Length <= 4000 ? output : output[^4000..];

    /// <summary>The test's own view of the shared database file, for preparing assessments and checking the chains.</summary>
    private sealed class DbContextFactory(string path) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext()
        {
            var builder = new DbContextOptionsBuilder<PortalDbContext>();
            DatabaseSetup.Configure(builder, new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={path}" });
            return new PortalDbContext(builder.Options);
        }
    }
}
