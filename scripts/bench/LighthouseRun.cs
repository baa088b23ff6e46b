using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Portal.Benchmarks;

/// <summary>One page's Lighthouse figures (mobile profile, simulated throttling), as Lighthouse 12.2.3 reports them.</summary>
public sealed record LighthouseFigures(string Site, string Path, double PerformanceScore, double LargestContentfulPaintMs, double TotalBlockingTimeMs, double CumulativeLayoutShift, double TotalBytes);

/// <summary>
/// Runs the Lighthouse command line (scripts/bench.sh installs it, pinned) against a page with Debian's Chromium,
/// signed in by the session's cookie where there is one, and reads the figures from its JSON report.
/// </summary>
public static class LighthouseRun
{
    public static async Task<LighthouseFigures> MeasureAsync(
        string site, Uri address, string path, SignedInCookies? cookies, string chromium, string workDirectory, CancellationToken cancellationToken)
    {
        var lighthouse = Environment.GetEnvironmentVariable("PORTAL_LIGHTHOUSE");
        if (string.IsNullOrEmpty(lighthouse) || !File.Exists(lighthouse))
        {
            throw new InvalidOperationException("PORTAL_LIGHTHOUSE does not name the Lighthouse command; run the benchmark through scripts/bench.sh, which installs it.");
        }

        var name = $"lighthouse-{site}-{string.Concat(path.Select(c => char.IsLetterOrDigit(c) ? c : '-')).Trim('-')}";
        var report = Path.Combine(workDirectory, $"{(name.EndsWith('-') ? name + "home" : name)}.json");
        var start = new ProcessStartInfo(lighthouse) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(new Uri(address, path).ToString());
        start.ArgumentList.Add("--output=json");
        start.ArgumentList.Add($"--output-path={report}");
        start.ArgumentList.Add("--only-categories=performance");
        start.ArgumentList.Add("--quiet");
        start.ArgumentList.Add("--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage");
        if (cookies is not null)
        {
            start.ArgumentList.Add("--extra-headers=" + JsonSerializer.Serialize(new Dictionary<string, string> { ["Cookie"] = cookies.Header }));
        }

        start.Environment["CHROME_PATH"] = chromium;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Lighthouse did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 || !File.Exists(report))
        {
            throw new InvalidOperationException($"Lighthouse exited with {process.ExitCode} on {path}: {(await errors).Trim()} {(await output).Trim()}");
        }

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(report, cancellationToken));
        var root = json.RootElement;
        if (root.TryGetProperty("runtimeError", out var runtimeError))
        {
            throw new InvalidOperationException($"Lighthouse could not measure {path}: {runtimeError.GetProperty("message").GetString()}");
        }

        double Audit(string id) => root.GetProperty("audits").GetProperty(id).GetProperty("numericValue").GetDouble();
        var score = root.GetProperty("categories").GetProperty("performance").GetProperty("score");
        return new LighthouseFigures(site, path, score.ValueKind == JsonValueKind.Number ? score.GetDouble() * 100 : double.NaN,
            Audit("largest-contentful-paint"), Audit("total-blocking-time"), Audit("cumulative-layout-shift"), Audit("total-byte-weight"));
    }

    public static string Describe(LighthouseFigures f) => string.Create(CultureInfo.InvariantCulture,
        $"score {f.PerformanceScore:N0}, LCP {f.LargestContentfulPaintMs / 1000:N1} s, TBT {f.TotalBlockingTimeMs:N0} ms, CLS {f.CumulativeLayoutShift:N2}, {f.TotalBytes / 1024:N0} KB");
}
