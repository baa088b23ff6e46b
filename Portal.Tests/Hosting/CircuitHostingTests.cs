using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.SignalR;
using Microsoft.Extensions.Options;
using Portal.Hosting;

namespace Portal.Tests.Hosting;

/// <summary>
/// Azure SignalR Service carries the circuits only when its connection string is configured. The service cannot be
/// reached from here, so these check what the setting switches on; every other test runs the portal without it.
/// </summary>
public sealed class CircuitHostingTests
{
    private const string ConnectionString = "Endpoint=https://portal-test.service.signalr.net;AccessKey=cG9ydGFsLXRlc3Qta2V5LW5vdC1hLXJlYWwtb25lLTEyMzQ1Ng==;Version=1.0;";

    private static WebApplicationBuilder Builder(string? connectionString)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration[CircuitHosting.AzureSignalRConnectionString] = connectionString;
        return builder.AddPortalCircuits();
    }

    private static bool UsesAzureSignalR(WebApplicationBuilder builder) =>
        builder.Services.Any(s => s.ServiceType.Assembly == typeof(ServiceOptions).Assembly
            || s.ImplementationType?.Assembly == typeof(ServiceOptions).Assembly);

    [Fact]
    public void Without_a_connection_string_circuits_stay_on_the_instance()
    {
        Assert.False(UsesAzureSignalR(Builder(null)));
        Assert.False(UsesAzureSignalR(Builder(" ")));
    }

    [Fact]
    public void A_connection_string_carries_circuits_through_Azure_SignalR_with_every_message_kept_to_the_circuits_instance()
    {
        var builder = Builder(ConnectionString);

        Assert.True(UsesAzureSignalR(builder));
        using var services = builder.Services.BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<ServiceOptions>>().Value;
        Assert.Equal(ServerStickyMode.Required, options.ServerStickyMode);
        Assert.Equal(ConnectionString, options.ConnectionString);
    }
}
