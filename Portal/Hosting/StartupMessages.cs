namespace Portal.Hosting;

public static class StartupMessages
{
    /// <summary>The address a developer's `dotnet run` uses when nothing else is asked for.</summary>
    public const string DevelopmentAddress = "http://localhost:5080";

    /// <summary>
    /// In Development, listens on <see cref="DevelopmentAddress"/> unless an address was asked for (--urls,
    /// ASPNETCORE_URLS, the Urls setting, ASPNETCORE_HTTP_PORTS or Kestrel endpoints). The launch profile names no
    /// address of its own, because `dotnet run` would set it over the caller's ASPNETCORE_URLS.
    /// </summary>
    public static WebApplicationBuilder UsePortalDefaultAddress(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var asked = !string.IsNullOrWhiteSpace(configuration["urls"])
            || !string.IsNullOrWhiteSpace(configuration["http_ports"])
            || !string.IsNullOrWhiteSpace(configuration["https_ports"])
            || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();
        if (builder.Environment.IsDevelopment() && !asked)
        {
            builder.WebHost.UseUrls(DevelopmentAddress);
        }

        return builder;
    }

    /// <summary>Says, once the portal listens, where to open it.</summary>
    public static void SayWhenPortalReady(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Portal.Startup");
        app.Lifetime.ApplicationStarted.Register(() =>
            logger.LogInformation("Portal ready at {Addresses} ({Environment})", string.Join(", ", app.Urls), app.Environment.EnvironmentName));
    }
}
