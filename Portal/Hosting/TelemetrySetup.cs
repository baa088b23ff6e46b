using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Portal.Hosting;

/// <summary>
/// OpenTelemetry traces and metrics: requests, EF Core's SQL, Blazor circuits and background jobs, exported
/// <list type="bullet">
/// <item>over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (with the other standard <c>OTEL_*</c> variables,
/// such as <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c> and <c>OTEL_SERVICE_NAME</c>);</item>
/// <item>to Azure Monitor (Application Insights) when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, the
/// setting App Service itself uses, so the portal's requests, SQL and jobs appear there with each instance as a role
/// instance.</item>
/// </list>
/// Either, both or neither: nothing set means no exporter and no collection. Logs carry the trace and span of the
/// request or job that wrote them (Serilog's JSON lines: <c>@tr</c>, <c>@sp</c>), so a log line found in App Service's
/// log stream leads to its trace.
/// </summary>
public static class TelemetrySetup
{
    public const string JobsName = "Portal.Jobs";

    /// <summary>One span per background job run (<see cref="JobLease.RecordRunAsync{T}"/>).</summary>
    public static readonly ActivitySource Jobs = new(JobsName);

    private static readonly Meter JobsMeter = new(JobsName);

    /// <summary>Background job runs, tagged with the job and its outcome (succeeded or failed).</summary>
    public static readonly Counter<long> JobRuns = JobsMeter.CreateCounter<long>("portal.job.runs", description: "Background job runs by job and outcome.");

    public static readonly Histogram<double> JobDuration = JobsMeter.CreateHistogram<double>("portal.job.duration", unit: "s", description: "How long background job runs take.");

    private static bool ExportsOverOtlp(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    private static string? AzureMonitorConnectionString(IConfiguration configuration) =>
        configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] is { Length: > 0 } value ? value : null;

    public static bool IsConfigured(IConfiguration configuration) =>
        ExportsOverOtlp(configuration) || AzureMonitorConnectionString(configuration) is not null;

    public static WebApplicationBuilder AddPortalTelemetry(this WebApplicationBuilder builder)
    {
        if (!IsConfigured(builder.Configuration))
        {
            return builder;
        }

        var azureMonitor = AzureMonitorConnectionString(builder.Configuration);
        var telemetry = builder.Services.AddOpenTelemetry()
            // Each instance is its own service.instance.id (Azure Monitor's role instance), so two instances' traces
            // can be told apart; the version says which build answered.
            .ConfigureResource(resource => resource.AddService(
                "nhs-open-api-portal",
                serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString(),
                serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithTracing(tracing =>
            {
                tracing
                    .AddAspNetCoreInstrumentation()
                    .AddEntityFrameworkCoreInstrumentation()
                    .AddSource(JobsName, "Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Server.Circuits");
                if (azureMonitor is not null)
                {
                    // The exporter also reads OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG from the configuration
                    // (its default keeps at most 5 traces a second).
                    tracing.AddAzureMonitorTraceExporter(options => options.ConnectionString = azureMonitor);
                }
            })
            .WithMetrics(metrics =>
            {
                metrics
                    .AddAspNetCoreInstrumentation()
                    .AddMeter(JobsName, "Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Lifecycle",
                        "Microsoft.AspNetCore.Components.Server.Circuits", "Microsoft.EntityFrameworkCore");
                if (azureMonitor is not null)
                {
                    metrics.AddAzureMonitorMetricExporter(options => options.ConnectionString = azureMonitor);
                }
            });
        if (ExportsOverOtlp(builder.Configuration))
        {
            telemetry.UseOtlpExporter();
        }

        return builder;
    }
}
