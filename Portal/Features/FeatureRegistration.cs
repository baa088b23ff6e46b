using Portal.Features.Administration;
using Portal.Features.Policy;

namespace Portal.Features;

public static class FeatureRegistration
{
    /// <summary>Each capability's feature services: the one gate to its data and its authorisation rules.</summary>
    public static IServiceCollection AddPortalFeatures(this IServiceCollection services)
    {
        services.AddScoped<AdministrationService>();
        services.AddScoped<PolicyCatalogueService>();
        services.AddScoped<CatalogueImportService>();
        return services;
    }

    public static IEndpointRouteBuilder MapPortalFeatureEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapCatalogueExports();
        return endpoints;
    }
}
