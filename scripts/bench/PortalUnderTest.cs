using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Portal.Benchmarks;

/// <summary>
/// The Release portal as its own process on a free loopback port, against the benchmark's database. It runs in
/// Development because that is the only environment with a sign-in that needs no identity provider; everything
/// it keeps (keys, evidence) goes to the benchmark's folder, and its log goes to a file.
/// </summary>
public sealed partial class PortalUnderTest : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private readonly string _readyPath;

    private PortalUnderTest(Process process, StreamWriter log, Uri address, string readyPath = "/health")
    {
        _process = process;
        _log = log;
        Address = address;
        _readyPath = readyPath;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    /// <param name="name">Names the instance's log (<c>{name}.log</c>) and its audit digest file, so two instances on one database keep their own.</param>
    /// <param name="settings">Settings (environment variables) that differ from the benchmark's usual ones, e.g. a fair-use limit.</param>
    public static async Task<PortalUnderTest> StartAsync(string portalDll, string databasePath, string workDirectory, string name, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreeLoopbackPort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(portalDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(portalDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Database__Provider"] = "Sqlite";
        start.Environment["Database__ConnectionString"] = $"Data Source={databasePath}";
        start.Environment["DataProtection__KeysDirectory"] = Path.Combine(workDirectory, "keys");
        start.Environment["Evidence__StorageDirectory"] = Path.Combine(workDirectory, "evidence");
        // Digests of the audit chains go beside the database, not into the build output, and are checked after the writes.
        start.Environment["Audit__DigestFile"] = DigestFile(workDirectory, name);
        // The benchmark measures throughput, not fair use: the API's per-token limit would turn its load into 429s.
        start.Environment["Api__RateLimit__PermitLimit"] = "100000000";
        // Likewise the per-address limits of what anyone may do signed out (the public register's JSON and CSV among them).
        start.Environment["Api__RateLimit__Unauthenticated__PermitLimit"] = "100000000";
        // The seeded data set is the whole of what is measured; the demo's self-assessment would add one more.
        start.Environment["Seed__SelfAssessment"] = "false";
        // Development otherwise serves every static asset no-cache (for hot reload); a repeat visit is measured as in production.
        start.Environment["EnableStaticAssetsDevelopmentCaching"] = "true";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(Path.Combine(workDirectory, $"{name}.log")) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start the portal.");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var portal = new PortalUnderTest(process, log, address);
        await portal.WaitUntilHealthyAsync(cancellationToken);
        return portal;
    }

    /// <summary>
    /// A bare <c>dotnet new blazor --interactivity Server</c> app, published (scripts/bench.sh makes it), run in
    /// Production on its own port: the baseline that the portal's bytes per page are printed beside.
    /// </summary>
    public static async Task<PortalUnderTest> StartBareAsync(string dll, string workDirectory, CancellationToken cancellationToken)
    {
        var address = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var log = new StreamWriter(Path.Combine(workDirectory, "bare-blazor.log")) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start the bare Blazor app.");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new PortalUnderTest(process, log, address, "/");
        await app.WaitUntilHealthyAsync(cancellationToken);
        return app;
    }

    /// <summary>Where the instance called <paramref name="name"/> records digests of the audit chains.</summary>
    public static string DigestFile(string workDirectory, string name) => Path.Combine(workDirectory, $"audit-digests-{name}.jsonl");

    /// <summary>The portal's resident set from /proc, in bytes: what the machine really gives the process.</summary>
    public long WorkingSetBytes()
    {
        var status = File.ReadAllText($"/proc/{ProcessId}/status");
        var match = ResidentSet().Match(status);
        return match.Success ? long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * 1024 : throw new InvalidOperationException("No VmRSS in /proc status.");
    }

    /// <summary>
    /// CPU time the portal has used so far (user and system, from /proc). Per request it shows the cost of a page
    /// even on a machine others are loading, where waiting times mostly measure the queue for the cores.
    /// </summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{ProcessId}/stat");
        // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14th and 15th.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
    }

    /// <summary>The kernel's USER_HZ, which /proc reports times in; 100 on every Linux that .NET runs on.</summary>
    private const int ClockTicksPerSecond = 100;

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with code {_process.ExitCode} while starting; see its log in artifacts/bench.");
            }

            try
            {
                using var response = await http.GetAsync(_readyPath, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Still migrating or seeding.
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException("The portal did not answer /health within 3 minutes; see its log in artifacts/bench.");
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"VmRSS:\s+(\d+) kB")]
    private static partial Regex ResidentSet();
}
