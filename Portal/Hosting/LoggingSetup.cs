using Serilog;
using Serilog.Formatting.Compact;

namespace Portal.Hosting;

public static class LoggingSetup
{
    /// <summary>
    /// Structured logs through Serilog: readable text while developing, one JSON object a line elsewhere so a
    /// log service can query the properties. The Serilog section of configuration can override levels.
    /// </summary>
    public static WebApplicationBuilder AddPortalLogging(this WebApplicationBuilder builder)
    {
        var json = !builder.Environment.IsDevelopment();
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.EntityFrameworkCore", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", Serilog.Events.LogEventLevel.Information)
                .Enrich.FromLogContext()
                // The framework warns on every new key that it is unencrypted, without naming a setting; the portal says
                // so itself, outside Development only, naming DataProtection:CertificatePath (see DataProtectionSetup).
                .Filter.ByExcluding(IsUnencryptedKeyWarning);
            if (json)
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        return builder;
    }

    private static bool IsUnencryptedKeyWarning(Serilog.Events.LogEvent logEvent) =>
        logEvent.Properties.TryGetValue("SourceContext", out var source)
        && source is Serilog.Events.ScalarValue { Value: "Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager" }
        && logEvent.MessageTemplate.Text.StartsWith("No XML encryptor configured", StringComparison.Ordinal);

    /// <summary>
    /// The level of the one line logged for each request: a request the client gave up on (a download stopped, a tab
    /// closed) is not the portal's error, so it is noted without a stack trace; a failure or a 5xx answer is an error.
    /// </summary>
    public static Serilog.Events.LogEventLevel RequestLevel(HttpContext http, double elapsedMilliseconds, Exception? exception) =>
        exception is OperationCanceledException && http.RequestAborted.IsCancellationRequested
            ? Serilog.Events.LogEventLevel.Information
            : exception is not null || http.Response.StatusCode >= StatusCodes.Status500InternalServerError
                ? Serilog.Events.LogEventLevel.Error
                : Serilog.Events.LogEventLevel.Information;
}
