namespace Portal.Hosting;

/// <summary>A setting the portal cannot start without is missing or wrong; the message names it.</summary>
public sealed class PortalConfigurationException(string message) : InvalidOperationException(message);
