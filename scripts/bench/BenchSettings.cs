using System.Globalization;

namespace Portal.Benchmarks;

/// <summary>The run's settings from the command line; the defaults are the NHS scale.</summary>
public sealed record BenchSettings(
    string RepositoryRoot,
    string PortalDll,
    string BareDll,
    string Chromium,
    string? Commit,
    DataSetSize Size,
    int Clients,
    TimeSpan Duration,
    TimeSpan WarmUp,
    int Circuits,
    int PdfRenders,
    int DashboardVisits,
    int Writers,
    IReadOnlyList<string> Only)
{
    /// <summary>
    /// Whether the part called <paramref name="name"/> runs: every part, unless <c>--only</c> named some (a comma list of
    /// words found in the parts' names, e.g. <c>--only dashboard,pdf</c>) to look at them again without the whole run.
    /// </summary>
    public bool Runs(string name) => Only.Count == 0 || Only.Any(o => name.Contains(o, StringComparison.OrdinalIgnoreCase));

    public static BenchSettings Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--quick")
            {
                values.TryAdd("assessments", "1000");
                values.TryAdd("demo-trust-assessments", "200");
                values.TryAdd("seconds", "5");
                values.TryAdd("circuits", "10");
                values.TryAdd("pdf-renders", "20");
                values.TryAdd("dashboard-visits", "20");
                values.TryAdd("published-versions", "1000");
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[args[i][2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"Unknown argument '{args[i]}'. Use --assessments N, --seconds N, --clients N, --writers N, --circuits N, --only part,part or --quick.");
            }
        }

        int Number(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var root = values.GetValueOrDefault("root") ?? FindRoot(Directory.GetCurrentDirectory());
        return new BenchSettings(
            root,
            values.GetValueOrDefault("portal") ?? Path.Combine(root, "Portal", "bin", "Release", "net10.0", "Portal.dll"),
            values.GetValueOrDefault("bare") ?? Path.Combine(root, "artifacts", "bench", "bare-blazor", "publish", "BareBlazor.dll"),
            values.GetValueOrDefault("chromium") ?? Environment.GetEnvironmentVariable("PORTAL_CHROMIUM") ?? "/usr/bin/chromium",
            values.GetValueOrDefault("commit"),
            new DataSetSize(
                Number("organisations", 200),
                Number("suppliers", 300),
                Number("assessments", 10_000),
                Number("demo-trust-assessments", 5_000),
                Number("requirements", 60),
                Number("published-versions", 10_000)),
            Number("clients", 20),
            TimeSpan.FromSeconds(Number("seconds", 20)),
            TimeSpan.FromSeconds(Number("warm-up", 3)),
            Number("circuits", 100),
            Number("pdf-renders", 200),
            Number("dashboard-visits", 100),
            Number("writers", 40),
            values.GetValueOrDefault("only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? []);
    }

    private static string FindRoot(string from)
    {
        for (var directory = new DirectoryInfo(from); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Portal.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository (scripts/bench.sh does).");
    }
}
