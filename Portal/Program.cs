using MudBlazor.Services;
using Portal.Api;
using Portal.Auth;
using Portal.Components;
using Portal.Features;
using Portal.Hosting;
using Serilog;

try
{
    await RunPortalAsync(args);
    return 0;
}
catch (PortalConfigurationException ex)
{
    // A missing setting is the operator's to fix: say which, plainly, and exit non-zero rather than dump a stack.
    await Console.Error.WriteLineAsync($"The portal cannot start: {ex.Message}");
    return 1;
}

static async Task RunPortalAsync(string[] args)
{
    var builder = WebApplication.CreateBuilder(args);

    builder.UsePortalDefaultAddress();
    builder.AddPortalLogging();
    builder.AddPortalTelemetry();
    builder.AddPortalDatabase();
    builder.AddPortalDataProtection();
    builder.AddPortalAuthentication();

    builder.Services.AddMudServices();
    builder.AddPortalCircuits();
    builder.Services.AddPortalFeatures(builder.Configuration);
    Portal.Features.Evidence.EvidenceStoreRegistration.RefuseUnsharedFolderAcrossInstances(builder.Configuration, builder.Environment.IsDevelopment());
    builder.AddPortalApi();
    builder.Services.AddPortalHealthChecks();
    builder.Services.AddPortalResponseCompression();

    var app = builder.Build();

    app.WarnIfPortalKeysUnencrypted();
    app.ConnectFairUseLimits();
    await app.PreparePortalDatabaseAsync();
    app.SayWhenPortalReady();

    app.UsePortalForwardedHeaders();
    if (!app.Environment.IsDevelopment())
    {
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseHsts();
    }

    // Outside the security headers: the API reference's policy hashes the page's inline scripts as written, so it
    // must read the body before it is compressed.
    app.UseResponseCompression();
    app.UsePortalSecurityHeaders();
    app.UseSerilogRequestLogging(options => options.GetLevel = LoggingSetup.RequestLevel);
    app.UsePortalApiProblems();
    app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
    app.UseNotFoundPageForBrowsingOnly();
    app.UseAuthentication();
    app.UseAuthorization();
    app.UseRateLimiter();
    app.UseAntiforgery();

    var staticAssets = app.MapPortalStaticAssets();
    app.MapPortalHealthChecks();
    app.MapPortalAuthentication();
    app.MapPortalFeatureEndpoints();
    app.MapPortalApi();
    app.MapRazorComponents<App>().AddInteractiveServerRenderMode().WithStaticAssets(staticAssets);

    await app.RunAsync();
}

/// <summary>The portal's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
