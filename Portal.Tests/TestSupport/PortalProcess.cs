using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.Tests.TestSupport;

/// <summary>
/// The real portal as a process of its own (Development, demo data, demo tokens) on a free loopback port, against a
/// SQLite file that other instances may share. Its output is kept so a failing test can show it.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private PortalProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts an instance on <paramref name="databasePath"/> and returns once /health answers; <paramref name="settings"/>
    /// are further settings as environment variables (Section__Key); <paramref name="address"/> starts it again where an
    /// instance that was killed listened (a free port otherwise).
    /// </summary>
    public static async Task<PortalProcess> StartAsync(
        string databasePath, string sharedDirectory, string name, IReadOnlyDictionary<string, string>? settings = null, Uri? address = null)
    {
        address ??= new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Portal.dll"), "--urls", address.ToString().TrimEnd('/')])
        {
            WorkingDirectory = sharedDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Database__Provider"] = "Sqlite";
        start.Environment["Database__ConnectionString"] = $"Data Source={databasePath}";
        // Instances share their keys and documents, as a deployment's would; each keeps its own digest file.
        start.Environment["DataProtection__KeysDirectory"] = Path.Combine(sharedDirectory, "keys");
        start.Environment["Evidence__StorageDirectory"] = Path.Combine(sharedDirectory, "evidence");
        start.Environment["Audit__DigestFile"] = Path.Combine(sharedDirectory, $"audit-digests-{name}.jsonl");
        start.Environment["Seed__SelfAssessment"] = "false";
        start.Environment["Reminders__Enabled"] = "false";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var portal = new PortalProcess(Process.Start(start)!, address);
        await portal.WaitUntilHealthyAsync();
        return portal;
    }

    public HttpClient Client(string demoObjectId)
    {
        var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", Portal.Data.Seed.PortalSeeder.DemoToken(demoObjectId));
        return client;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Freezes the process (SIGSTOP) without ending it: its connections stay open but nothing it receives is handled,
    /// as when an instance hangs. <see cref="KillAsync"/> ends it.
    /// </summary>
    public async Task FreezeAsync()
    {
        using var stop = Process.Start("kill", ["-STOP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await stop.WaitForExitAsync();
        Assert.Equal(0, stop.ExitCode);
    }

    /// <summary>Kills the process at once (SIGKILL): no graceful shutdown, as when an instance crashes or its machine goes.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with code {_process.ExitCode} while starting:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or still migrating and seeding.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The portal did not answer /health within 3 minutes:\n{Output}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
