namespace Portal.Auth;

/// <summary>The Entra ID settings the portal cannot sign anyone in without, checked before the app starts.</summary>
public static class EntraIdSettings
{
    public const string Section = "AzureAd";

    private static readonly string[] Required = ["Instance", "TenantId", "ClientId"];

    public static void EnsureComplete(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var missing = Required.Where(key => string.IsNullOrWhiteSpace(section[key])).Select(key => $"{Section}:{key}").ToList();
        if (missing.Count > 0)
        {
            throw new Hosting.PortalConfigurationException(
                $"Entra ID sign-in is not configured: missing setting {string.Join(", ", missing)}. " +
                "Set it from the app registration (see appsettings.template.json and the README's 'Deploying' section). " +
                "The development sign-in exists only when ASPNETCORE_ENVIRONMENT is Development.");
        }
    }
}
