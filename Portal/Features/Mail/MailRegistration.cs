using Portal.Hosting;

namespace Portal.Features.Mail;

public static class MailRegistration
{
    /// <summary>The outbox's sender, digests and worker, the Mail settings, and mail's readiness check.</summary>
    public static IServiceCollection AddPortalMail(this IServiceCollection services, IConfiguration? configuration)
    {
        if (configuration is not null)
        {
            services.Configure<MailOptions>(configuration.GetSection("Mail"));
        }

        services.AddOptions<MailOptions>()
            .Validate(o => o.Smtp.Security != SmtpSecurity.None || string.IsNullOrEmpty(o.Smtp.Host) || o.Smtp.IsLoopback,
                "Mail:Smtp:Security None (no TLS) is allowed only for a relay on this machine; use StartTls or SslOnConnect.")
            .Validate(o => o.Transport != MailTransport.Smtp || !string.IsNullOrEmpty(o.Smtp.Host), "Mail:Transport is Smtp but Mail:Smtp:Host is not set.")
            .Validate(o => o.Transport != MailTransport.Notify || !string.IsNullOrEmpty(o.Notify.ApiKey), "Mail:Transport is Notify but Mail:Notify:ApiKey is not set.")
            .ValidateOnStart();
        services.AddScoped<MailService>();
        services.AddSingleton<MailTransports>();
        services.AddSingleton<OutboxSender>();
        services.AddSingleton<MailDigests>();
        services.AddSingleton<MailWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<MailWorker>());
        services.AddHealthChecks().AddCheck<MailHealthCheck>("mail", tags: [PortalHealth.Ready]);
        return services;
    }
}
