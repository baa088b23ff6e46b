using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Portal.Hosting;

/// <summary>
/// OpenTelemetry traces and metrics: requests, EF Core's SQL, Blazor circuits and background jobs, exported over OTLP
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (with the other standard <c>OTEL_*</c> variables, such as
/// <c>OTEL_EXPORTER_OTLP_HEADERS</c> and <c>OTEL_SERVICE_NAME</c>). Nothing set means no exporter and no collection.
/// Logs carry the trace and span of the request or job that wrote them (Serilog's JSON lines: <c>@tr</c>, <c>@sp</c>).
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

    public static bool IsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static WebApplicationBuilder AddPortalTelemetry(this WebApplicationBuilder builder)
    {
        if (!IsConfigured(builder.Configuration))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("nhs-open-api-portal"))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation()
                .AddEntityFrameworkCoreInstrumentation()
                .AddSource(JobsName, "Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Server.Circuits"))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter(JobsName, "Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Lifecycle",
                    "Microsoft.AspNetCore.Components.Server.Circuits", "Microsoft.EntityFrameworkCore"))
            .UseOtlpExporter();
        return builder;
    }
}
