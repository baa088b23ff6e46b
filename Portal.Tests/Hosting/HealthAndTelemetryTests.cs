using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Portal.Features.Evidence;
using Portal.Hosting;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Hosting;

/// <summary>
/// /health/live says the process is up whatever its dependencies do; /health/ready says whether it can work now
/// (database, evidence store, key store); /health stays the database check it always was. Telemetry is exported only
/// when configured, and background jobs are traced.
/// </summary>
public sealed class HealthAndTelemetryTests : IAsyncLifetime
{
    private readonly string _evidence = Path.Combine(Path.GetTempPath(), "portal-tests", Guid.NewGuid().ToString("N"), "evidence");
    private PortalAppFactory _factory = default!;

    public Task InitializeAsync()
    {
        _factory = new PortalAppFactory(configureServices: services =>
            services.AddSingleton<IEvidenceStore>(new LocalFolderEvidenceStore(_evidence)));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (Directory.Exists(Path.GetDirectoryName(_evidence)))
        {
            Directory.Delete(Path.GetDirectoryName(_evidence)!, recursive: true);
        }
    }

    private static async Task<Dictionary<string, string>> ChecksAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString()!);
    }

    [Fact]
    public async Task Ready_checks_the_database_the_evidence_store_and_the_key_store()
    {
        using var client = _factory.CreateClient();

        using var ready = await client.GetAsync("/health/ready");
        using var live = await client.GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(
            new Dictionary<string, string> { ["database"] = "Healthy", ["evidence store"] = "Healthy", ["key store"] = "Healthy", ["mail"] = "Healthy" },
            await ChecksAsync(ready));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_evidence));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", await live.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_evidence_store_that_cannot_be_written_makes_the_instance_unready_but_still_live()
    {
        using var client = _factory.CreateClient();
        // The folder becomes a file: nothing can be written under it, even by root.
        Directory.Delete(_evidence, recursive: true);
        await File.WriteAllTextAsync(_evidence, "not a folder");

        using var ready = await client.GetAsync("/health/ready");
        using var live = await client.GetAsync("/health/live");
        using var health = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var checks = await ChecksAsync(ready);
        Assert.Equal("Unhealthy", checks["evidence store"]);
        Assert.Equal("Healthy", checks["database"]);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        // /health is the database check, as it always was (load balancers and scripts/bench probe it).
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Without_an_OTLP_endpoint_nothing_is_collected_or_exported()
    {
        _ = _factory.Server;

        Assert.Null(_factory.Services.GetService<TracerProvider>());
        Assert.Null(_factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_traces_and_metrics_are_exported()
    {
        await using var factory = new PortalAppFactory(settings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
        });
        _ = factory.Server;

        Assert.NotNull(factory.Services.GetService<TracerProvider>());
        Assert.NotNull(factory.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task A_background_job_run_is_a_span_marked_as_an_error_when_it_fails()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TelemetrySetup.JobsName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        await using var database = await TestDatabase.CreateAsync(demoData: false);
        var lease = new JobLease(database, TimeProvider.System);
        await lease.TryTakeAsync("telemetry-test-job", TimeSpan.FromMinutes(1), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => lease.RecordRunAsync<int>(
            "telemetry-test-job", _ => throw new InvalidOperationException("Failed for the test."), n => $"{n}", CancellationToken.None));

        var span = Assert.Single(spans, s => s.DisplayName == "job telemetry-test-job");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("InvalidOperationException: Failed for the test.", span.StatusDescription);
    }
}
