using Microsoft.Azure.SignalR;

namespace Portal.Hosting;

public static class CircuitHosting
{
    /// <summary>The Azure SignalR Service library's own setting name, which it reads itself.</summary>
    public const string AzureSignalRConnectionString = "Azure:SignalR:ConnectionString";

    /// <summary>
    /// Blazor Server keeps each person's page state in a circuit on one instance, reached over a WebSocket. With
    /// several instances, either the load balancer keeps each person on one instance (session affinity, as App Service's
    /// ARR affinity does), or Azure SignalR Service carries the connections: set Azure:SignalR:ConnectionString and
    /// it is used, with ServerStickyMode Required so every message of a circuit reaches the instance that holds it.
    /// Without the setting (the default) browsers connect to the instance directly.
    /// </summary>
    public static WebApplicationBuilder AddPortalCircuits(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        if (!string.IsNullOrWhiteSpace(builder.Configuration[AzureSignalRConnectionString]))
        {
            builder.Services.AddSignalR().AddAzureSignalR(options => options.ServerStickyMode = ServerStickyMode.Required);
        }

        return builder;
    }
}
