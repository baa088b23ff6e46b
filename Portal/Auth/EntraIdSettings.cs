namespace Portal.Auth;

/// <summary>The Entra ID settings the portal cannot sign anyone in without, checked before the app starts.</summary>
public static class EntraIdSettings
{
    public const string Section = "AzureAd";

    private static readonly string[] Required = ["Instance", "TenantId", "ClientId"];

    /// <summary>
    /// Whether the provider's metadata and keys must be fetched over HTTPS: always, except that
    /// <c>AzureAd:RequireHttpsMetadata</c> false is honoured for a provider on this machine's loopback address, as the
    /// sign-in tests run one. Anywhere else it is refused before the app starts, so a setting copied from a test can
    /// never let tokens be checked against keys fetched in the clear.
    /// </summary>
    public static bool RequireHttpsMetadata(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        if (!bool.TryParse(section["RequireHttpsMetadata"], out var required) || required)
        {
            return true;
        }

        if (Uri.TryCreate(section["Instance"], UriKind.Absolute, out var instance) && instance.IsLoopback)
        {
            return false;
        }

        throw new Hosting.PortalConfigurationException(
            $"{Section}:RequireHttpsMetadata is false, but {Section}:Instance ({section["Instance"]}) is not on this machine's loopback address. " +
            "Entra ID's metadata is always fetched over HTTPS; remove the setting.");
    }

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
