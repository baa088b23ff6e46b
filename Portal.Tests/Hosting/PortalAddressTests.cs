using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Portal.Hosting;

namespace Portal.Tests.Hosting;

/// <summary>The portal's public address, read in one place for mail and for the scorecard's QR code.</summary>
public sealed class PortalAddressTests
{
    [Theory]
    [InlineData("https://portal.example.nhs.uk/", "Production", "https://portal.example.nhs.uk")]
    [InlineData("https://portal.example.nhs.uk", "Development", "https://portal.example.nhs.uk")]
    [InlineData(null, "Development", "http://localhost:5080")]
    [InlineData("", "Development", "http://localhost:5080")]
    [InlineData(null, "Production", null)]
    public void Portal_BaseUrl_is_the_address_and_only_Development_has_a_default(string? configured, string environment, string? expected)
    {
        var address = Address(configured, environment, new ListLogger());

        Assert.Equal(expected, address.BaseUrl);
        Assert.Equal(expected is null ? null : expected + "/scorecards/verify?code=ab", address.Of("/scorecards/verify?code=ab", "no QR code"));
    }

    [Fact]
    public void Without_an_address_each_use_goes_without_it_and_the_warning_is_logged_once()
    {
        var logger = new ListLogger();
        var address = Address(null, "Production", logger);

        Assert.Null(address.Of("/a", "issued scorecard PDFs carry no QR code"));
        Assert.Null(address.Of("/b", "issued scorecard PDFs carry no QR code"));

        var warning = Assert.Single(logger.Messages);
        Assert.StartsWith("Warning:", warning, StringComparison.Ordinal);
        Assert.Contains("Portal:BaseUrl is not set", warning, StringComparison.Ordinal);
        Assert.Contains("issued scorecard PDFs carry no QR code", warning, StringComparison.Ordinal);
    }

    private static PortalAddress Address(string? configured, string environment, ListLogger logger) => new(
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Portal:BaseUrl"] = configured }).Build(),
        new HostingEnvironment { EnvironmentName = environment },
        logger);

    private sealed class ListLogger : ILogger<PortalAddress>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add($"{logLevel}: {formatter(state, exception)}");
    }
}
