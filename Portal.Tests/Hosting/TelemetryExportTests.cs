using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using OpenTelemetry.Trace;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Hosting;

/// <summary>
/// Telemetry reaches a real receiver: a local HTTP listener stands in for an OpenTelemetry collector (OTLP over
/// HTTP/protobuf) and for Azure Monitor's ingestion endpoint (named by an Application Insights connection string).
/// The exporters are the production ones; only the address differs.
/// </summary>
/// <remarks>
/// A tracer provider hears every activity in the process, so while other tests' portals run beside these it exports
/// their requests and SQL too, and a full suite drowned this test's request (a clean-clone run: 50 posts, not it).
/// These tests therefore run on their own, each request starts a trace of its own, and Azure Monitor's exporter is
/// told to keep every trace (its default keeps 5 a second, so the other portals' spans spent the budget).
/// </remarks>
[Collection(TelemetryExportCollection.Name)]
public sealed class TelemetryExportTests
{
    [Fact]
    public async Task Requests_are_exported_over_OTLP_to_the_configured_collector()
    {
        using var collector = new TelemetryReceiver();
        await using var factory = new PortalAppFactory(settings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        using var client = factory.CreateClient();

        System.Diagnostics.Activity.Current = null;
        using var live = await client.GetAsync("/health/live");

        // The protobuf carries strings as they are: the service's name and the request's path.
        var exported = await collector.ExportedAsync(factory.Services.GetRequiredService<TracerProvider>(),
            r => r.Path == "/v1/traces" && r.Text.Contains("nhs-open-api-portal") && r.Text.Contains("/health/live"));
        Assert.True(exported, $"No trace of the request reached the collector; it received: {collector.Summary}");
    }

    [Fact]
    public async Task Requests_are_exported_to_Azure_Monitor_when_an_Application_Insights_connection_string_is_set()
    {
        using var ingestion = new TelemetryReceiver();
        await using var factory = new PortalAppFactory(settings: new Dictionary<string, string?>
        {
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] =
                $"InstrumentationKey=00000000-0000-0000-0000-000000000001;IngestionEndpoint={ingestion.Address}",
            // The exporter keeps at most 5 traces a second by default, and adapts to the rate it sees: in a full suite
            // other portals' spans spent that budget and the request was sampled out (CI: two posts, neither the
            // request). The standard variables, read from the portal's configuration too, keep every trace.
            ["OTEL_TRACES_SAMPLER"] = "microsoft.fixed_percentage",
            ["OTEL_TRACES_SAMPLER_ARG"] = "1.0",
        });
        using var client = factory.CreateClient();

        // What a full suite does to the sampler, on purpose: 300 other traces in a second or two. Without the two
        // settings above this test fails (the request is sampled out).
        _ = factory.Server;
        for (var i = 0; i < 300; i++)
        {
            System.Diagnostics.Activity.Current = null;
            using var other = Portal.Hosting.TelemetrySetup.Jobs.StartActivity("other trace");
            await Task.Delay(5);
        }

        System.Diagnostics.Activity.Current = null;
        using var live = await client.GetAsync("/health/live");

        var exported = await ingestion.ExportedAsync(factory.Services.GetRequiredService<TracerProvider>(),
            r => r.Path == "/v2.1/track" && r.Text.Contains("RequestData") && r.Text.Contains("/health/live") && r.Text.Contains("nhs-open-api-portal"));
        Assert.True(exported, $"No request reached Azure Monitor's ingestion endpoint; it received: {ingestion.Summary}");
    }

    [Fact]
    public async Task Without_a_connection_string_or_an_endpoint_no_tracer_is_built()
    {
        await using var factory = new PortalAppFactory();
        _ = factory.Server;

        Assert.Null(factory.Services.GetService<TracerProvider>());
    }

    /// <summary>Takes every POST on a free loopback port, answers 200, and keeps the (un-gzipped) body.</summary>
    private sealed class TelemetryReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();

        public TelemetryReceiver()
        {
            var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            var port = ((IPEndPoint)socket.LocalEndpoint).Port;
            socket.Stop();
            Address = new Uri($"http://127.0.0.1:{port}/");
            _listener.Prefixes.Add(Address.ToString());
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public Uri Address { get; }

        private readonly SemaphoreSlim _posted = new(0);

        public ConcurrentQueue<(string Path, string Text)> Received { get; } = new();

        public string Summary => string.Join("; ", Received.Select(r => $"{r.Path} ({r.Text.Length} chars)"));

        /// <summary>
        /// Whether an export matching <paramref name="match"/> arrives within 20 s. The request's span ends as the
        /// server finishes the response, which can be just after the client has it, so one flush may come too early:
        /// like Playwright's expectations, this flushes again after each post or quarter second until one matches.
        /// </summary>
        public async Task<bool> ExportedAsync(TracerProvider tracer, Func<(string Path, string Text), bool> match)
        {
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (DateTime.UtcNow < deadline)
            {
                tracer.ForceFlush(5_000);
                if (Received.Any(match))
                {
                    return true;
                }

                await _posted.WaitAsync(TimeSpan.FromMilliseconds(250));
            }

            return Received.Any(match);
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                Stream input = context.Request.InputStream;
                if (string.Equals(context.Request.Headers["Content-Encoding"], "gzip", StringComparison.OrdinalIgnoreCase))
                {
                    input = new GZipStream(input, CompressionMode.Decompress);
                }

                await input.CopyToAsync(body);
                Received.Enqueue((context.Request.Url!.AbsolutePath, Encoding.UTF8.GetString(body.ToArray())));
                _posted.Release();
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json";
                // Azure Monitor reads how many items were accepted; OTLP ignores the body.
                var accepted = Encoding.UTF8.GetBytes("""{"itemsReceived":1,"itemsAccepted":1,"errors":[]}""");
                await context.Response.OutputStream.WriteAsync(accepted);
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}

/// <summary>Runs <see cref="TelemetryExportTests"/> after the parallel tests, with nothing else running.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryExportCollection
{
    public const string Name = "Telemetry export";
}
