namespace Portal.Proxy;

/// <summary>
/// Runs the proxy by hand: <c>dotnet Portal.Proxy.dll --listen http://127.0.0.1:8080 --instance http://127.0.0.1:5081
/// --instance http://127.0.0.1:5082</c>. (A class of its own, not top-level statements, so projects that reference both
/// this and the portal see one Program.)
/// </summary>
public static class ProxyProgram
{
    public static async Task<int> Main(string[] args)
    {
        var instances = new List<Uri>();
        Uri? listen = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--instance":
                    instances.Add(new Uri(args[i + 1]));
                    break;
                case "--listen":
                    listen = new Uri(args[i + 1]);
                    break;
                default:
                    await Console.Error.WriteLineAsync($"Unknown argument '{args[i]}'. Use --listen <address> and --instance <address> (once per instance).");
                    return 2;
            }
        }

        if (instances.Count == 0)
        {
            await Console.Error.WriteLineAsync("Name at least one portal instance: --instance http://127.0.0.1:5081");
            return 2;
        }

        await using var proxy = await PortalProxy.StartAsync(instances, listen);
        Console.WriteLine($"Proxying {proxy.Address} to {string.Join(", ", instances)} with session affinity. Ctrl+C stops.");
        await proxy.WaitForShutdownAsync();
        return 0;
    }
}
