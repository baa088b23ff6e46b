using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Hosting;

namespace Portal.Tests.TestSupport;

/// <summary>The portal's public address for services built by hand in tests, as a production instance would read it.</summary>
public static class TestPortalAddress
{
    public const string Default = "https://portal.test";

    /// <param name="baseUrl">Portal:BaseUrl; null for a production instance where it is not set (no address known).</param>
    public static PortalAddress Of(string? baseUrl = Default) => new(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Portal:BaseUrl"] = baseUrl }).Build(),
        new HostingEnvironment { EnvironmentName = "Production" },
        NullLogger<PortalAddress>.Instance);
}
