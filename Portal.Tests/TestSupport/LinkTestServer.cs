using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Features.Evidence.LinkChecks;

namespace Portal.Tests.TestSupport;

/// <summary>
/// A real HTTP server on 127.0.0.1 (Kestrel, a free port) serving what a test maps, and remembering every request it
/// was sent, so a test can prove a refused link fetched nothing.
/// </summary>
public sealed class LinkTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _requests = new();

    private LinkTestServer(WebApplication app) => _app = app;

    public static async Task<LinkTestServer> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LinkTestServer(app);
        app.Use(async (context, next) =>
        {
            server._requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            await next(context);
        });
        map(app);
        await app.StartAsync();
        return server;
    }

    public Uri BaseAddress => new(_app.Urls.Single());

    public int Port => BaseAddress.Port;

    public string Origin => $"http://127.0.0.1:{Port}";

    public Uri At(string path) => new(BaseAddress, path);

    public IReadOnlyCollection<string> Requests => _requests.ToArray();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A fetcher (and checker) with the portal's registration, allowing exactly <paramref name="allowedOrigins"/> on private addresses.</summary>
    public static ServiceProvider Fetchers(params string[] allowedOrigins)
    {
        var services = new ServiceCollection();
        services.Configure<LinkCheckOptions>(o =>
        {
            o.AllowedPrivateOrigins.AddRange(allowedOrigins);
            o.TimeoutSeconds = 10;
            o.MaxBytes = 1024 * 1024;
            o.PortalUrl = "https://portal.test.example";
        });
        SafeFetcher.Register(services);
        services.AddSingleton<LinkChecker>();
        return services.BuildServiceProvider();
    }
}
