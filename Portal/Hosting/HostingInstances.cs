namespace Portal.Hosting;

/// <summary>
/// Hosting:Instances: how many portal instances serve this deployment (1 when unset). What each instance keeps on its
/// own (Data Protection keys in a folder, fair-use counts in memory) is checked against it at start-up.
/// </summary>
public static class HostingInstances
{
    public static int Read(IConfiguration configuration)
    {
        var setting = configuration["Hosting:Instances"];
        if (string.IsNullOrWhiteSpace(setting))
        {
            return 1;
        }

        return int.TryParse(setting, out var instances) && instances >= 1
            ? instances
            : throw new PortalConfigurationException(
                $"Hosting:Instances is '{setting}'. Set it to the number of portal instances that serve this deployment (1 or more).");
    }
}
