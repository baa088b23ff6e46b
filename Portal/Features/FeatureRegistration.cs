using Portal.Features.Administration;
using Portal.Features.Assessments;
using Portal.Features.Evidence;
using Portal.Features.Notifications;
using Portal.Features.Policy;
using Portal.Features.Reviews;
using Portal.Features.SignOffs;

namespace Portal.Features;

public static class FeatureRegistration
{
    /// <summary>Each capability's feature services: the one gate to its data and its authorisation rules.</summary>
    public static IServiceCollection AddPortalFeatures(this IServiceCollection services, IConfiguration? configuration = null)
    {
        if (configuration is not null)
        {
            services.Configure<EvidenceOptions>(configuration.GetSection("Evidence"));
            services.Configure<Portal.Features.Audit.AuditOptions>(configuration.GetSection("Audit"));
            services.Configure<Portal.Features.Dashboards.ScoreOptions>(configuration.GetSection("Scores"));
            services.Configure<Portal.Features.Reminders.ReminderOptions>(configuration.GetSection("Reminders"));
            services.Configure<Portal.Features.Evidence.LinkChecks.LinkCheckOptions>(configuration.GetSection("LinkChecks"));
            // The demo's self-assessment checks the portal's own pages: only that exact origin may be on a private address.
            // Seed:DemoData has the same default as where the demo is seeded (Hosting/DatabaseHosting.cs).
            services.AddOptions<Portal.Features.Evidence.LinkChecks.LinkCheckOptions>().PostConfigure<IHostEnvironment>((o, environment) =>
            {
                if (configuration.GetValue("Seed:DemoData", environment.IsDevelopment()) && configuration.GetValue("Seed:SelfAssessment", true))
                {
                    o.AllowedPrivateOrigins.Add((configuration["Seed:PublicBaseUrl"] ?? "http://localhost:5080").TrimEnd('/'));
                }
            });
        }

        services.AddScoped<AdministrationService>();
        services.AddScoped<Portal.Features.AccessTokens.AccessTokenService>();
        services.AddScoped<PolicyCatalogueService>();
        services.AddScoped<CatalogueImportService>();
        services.AddScoped<AssessmentService>();
        services.AddScoped<AssessmentStartService>();
        services.AddScoped<InvitationService>();
        services.AddScoped<EvidenceWorkspaceService>();
        // Scoped is one per circuit: saves outlive the editor that started them, not the person's session.
        services.AddScoped<ResponseSaveQueue>();
        services.AddScoped<ReviewService>();
        services.AddScoped<SignOffService>();
        services.AddScoped<Portal.Features.SignOffs.FollowUpService>();
        services.AddScoped<NotificationService>();
        services.AddScoped<Portal.Features.Audit.TimelineService>();
        services.AddScoped<Portal.Features.Scorecards.ScorecardService>();
        services.AddScoped<Portal.Features.Scorecards.IssuedScorecardService>();
        services.AddScoped<Portal.Features.Comparisons.ComparisonService>();
        services.AddScoped<Portal.Features.Dashboards.DashboardService>();
        services.AddScoped<Portal.Features.Products.ProductService>();
        services.AddScoped<Portal.Features.EvidencePacks.EvidencePackService>();
        services.AddScoped<Portal.Features.EvidencePacks.PackFillService>();
        services.AddScoped<Portal.Features.Reassessments.ReassessmentService>();
        services.AddScoped<Portal.Features.Register.RegisterService>();
        services.AddEvidenceStore(configuration);
        services.AddSingleton<IMalwareScanner, ClamAvScanner>();
        services.AddSingleton<EvidenceSweep>();
        services.AddSingleton<EvidenceSweepWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<EvidenceSweepWorker>());
        services.AddSingleton<Portal.Features.Audit.IAuditDigestStore, Portal.Features.Audit.AppendOnlyFileDigestStore>();
        services.AddSingleton<Portal.Features.Audit.AuditDigests>();
        services.AddHostedService<Portal.Features.Audit.AuditDigestWorker>();
        services.AddSingleton<Portal.Hosting.JobLease>();
        services.AddSingleton<Portal.Hosting.PortalAddress>();
        // One worker per instance, reachable as itself so a test can run one round of it.
        services.AddSingleton<Portal.Features.Dashboards.ScoreRefreshWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<Portal.Features.Dashboards.ScoreRefreshWorker>());
        services.AddSingleton(Portal.Features.Reminders.WorkingDays.EnglandAndWales);
        services.AddSingleton<Portal.Features.Reminders.ReminderWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<Portal.Features.Reminders.ReminderWorker>());
        Portal.Features.Mail.MailRegistration.AddPortalMail(services, configuration);
        Portal.Features.Evidence.LinkChecks.SafeFetcher.Register(services);
        services.AddSingleton<Portal.Features.Evidence.LinkChecks.LinkChecker>();
        services.AddSingleton<Portal.Features.Evidence.LinkChecks.LinkCheckRunner>();
        services.AddSingleton<Portal.Features.Evidence.LinkChecks.LinkCheckSignal>();
        services.AddScoped<Portal.Features.Evidence.LinkChecks.LinkCheckService>();
        services.AddSingleton<Portal.Features.Evidence.LinkChecks.LinkCheckWorker>();
        services.AddHostedService(provider => provider.GetRequiredService<Portal.Features.Evidence.LinkChecks.LinkCheckWorker>());
        return services;
    }

    public static IEndpointRouteBuilder MapPortalFeatureEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapCatalogueExports();
        endpoints.MapEvidenceDownloads();
        Portal.Features.Scorecards.ScorecardExports.MapScorecardExports(endpoints);
        Portal.Features.Comparisons.ComparisonExports.MapComparisonExports(endpoints);
        return endpoints;
    }
}
