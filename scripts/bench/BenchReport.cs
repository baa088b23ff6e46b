using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Benchmarks;

/// <summary>The machine a run came from, and how busy it was, so two runs are compared fairly.</summary>
public sealed record Machine(int Cores, long MemoryBytes, string Cpu, string LoadAverageAtStart, string LoadAverageAtEnd)
{
    public static Machine Describe(string loadAtStart) => new(
        Environment.ProcessorCount,
        MemTotalBytes(),
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown",
        loadAtStart,
        LoadAverage());

    public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static long MemTotalBytes()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}

/// <summary>A figure beside its goal. Met is null where the run could not judge it.</summary>
public sealed record Goal(string Text, bool? Met);

/// <summary>Everything one run measured; written as JSON so two runs can be compared line by line.</summary>
public sealed class BenchResult
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly string[] Header = ["Measure", "Median", "p95", "Per second", "Portal CPU per request", "Baseline (/health) median / p95", "Goal", "Met"];

    public required string StartedAt { get; init; }

    public required string? Commit { get; init; }

    public required Machine Machine { get; set; }

    public required DataSetSize DataSet { get; init; }

    public required IReadOnlyDictionary<string, long> Rows { get; init; }

    public required double MigrateSeconds { get; init; }

    public required double SeedSeconds { get; init; }

    public required long DatabaseBytes { get; init; }

    public required int PageAssessmentRequirements { get; init; }

    /// <summary>How long after the portal answered its score worker finished its first round, which the measures wait for.</summary>
    public double ScoreWorkerFirstRoundSeconds { get; set; }

    public List<LoadResult> Load { get; } = [];

    public List<CircuitResult> Circuits { get; } = [];

    public PdfResult? Pdf { get; set; }

    public DashboardResult? Dashboard { get; set; }

    public IcbRollUpResult? IcbRollUp { get; set; }

    public List<WriteResult> Writes { get; } = [];

    public ChainResult? Chains { get; set; }

    /// <summary>The API's fair-use limit measured through one instance and through two counting in one Redis.</summary>
    public List<FairUseResult> FairUse { get; } = [];

    public List<UploadResult> Uploads { get; } = [];

    public List<PageBytesResult> Bytes { get; } = [];

    public List<LighthouseResult> Lighthouse { get; } = [];

    public List<string> NotMeasured { get; } = [];

    /// <summary>Parts of the run that failed, each with its error; any makes the run exit non-zero.</summary>
    public List<Failure> Failures { get; } = [];

    public sealed record Failure(string Section, string Error);

    public sealed record LoadResult(string Name, LoadFigures Figures, LoadFigures Baseline, Goal? Goal);

    public sealed record CircuitResult(CircuitMemoryFigures Figures, Goal Goal);

    public sealed record DashboardResult(DashboardFigures Figures, Goal Goal);

    public sealed record IcbRollUpResult(IcbRollUpFigures Figures, Goal Goal);

    public sealed record PdfResult(PdfFigures Figures, Goal Time, Goal Size, Goal AgainstBare);

    /// <param name="Errors">No errors: every answer sent was saved or refused as stale (412).</param>
    /// <param name="Audited">One ResponseSaved audit event for every save.</param>
    public sealed record WriteResult(string Name, WriteFigures Figures, Goal Errors, Goal Audited);

    public sealed record UploadResult(UploadMemoryFigures Figures, Goal Goal);

    public sealed record LighthouseResult(LighthouseFigures Figures, LighthouseFigures Bare, Goal LargestContentfulPaint, Goal TotalBlockingTime);

    /// <param name="Bare">The bare Blazor Server app's page measured in the same run, where there is one.</param>
    public sealed record PageBytesResult(PageBytesFigures Figures, PageBytesFigures? Bare, Goal FirstVisit, Goal RepeatVisit);

    /// <param name="Baseline">The same measure through one instance, in the same run; null for that one itself.</param>
    public sealed record FairUseResult(FairUseFigures Figures, FairUseFigures? Baseline, Goal Goal);

    public sealed record ChainResult(int EventsChecked, int ChainsChecked, int DigestsChecked, string? Problem, Goal Goal);

    public string Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"bench-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));
        return path;
    }

    /// <summary>One table: a row per figure, its median and 95th percentile, throughput, the baseline beside it and the goal.</summary>
    public string Table()
    {
        var rows = new List<string[]>
        {
            Header,
            new[] { $"Seeding {Rows.Values.Sum():N0} rows ({DatabaseBytes / 1_048_576.0:N0} MB)", Seconds(SeedSeconds), "", "", "", $"migrate {Seconds(MigrateSeconds)}", "", "" },
            new[] { "Score worker's first round after start-up (measures wait for it)", Seconds(ScoreWorkerFirstRoundSeconds), "", "", "", "", "", "" },
        };
        foreach (var load in Load)
        {
            var f = load.Figures;
            var failures = f.Failures > 0 ? $" ({f.Failures} failed: {f.FirstFailure})" : string.Empty;
            rows.Add([$"{load.Name}, first byte{failures}", Ms(f.FirstByte.Median), Ms(f.FirstByte.P95), f.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                Ms(f.PortalCpuPerRequest), $"{Ms(load.Baseline.FirstByte.Median)} / {Ms(load.Baseline.FirstByte.P95)}", load.Goal?.Text ?? "", Verdict(load.Goal)]);
            rows.Add([$"{load.Name}, complete ({Kb(f.MedianBytes)})", Ms(f.Complete.Median), Ms(f.Complete.P95), "", "",
                $"{Ms(load.Baseline.Complete.Median)} / {Ms(load.Baseline.Complete.P95)}", "", ""]);
        }

        foreach (var write in Writes)
        {
            var w = write.Figures;
            var health = w.Health is { } h
                ? $"/health {h.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture)}/s, {Ms(h.FirstByte.Median)} / {Ms(h.FirstByte.P95)}"
                : string.Empty;
            rows.Add([$"{write.Name}: {w.Errors} errors, {w.PreconditionFailed} x 412{(w.FirstError is null ? "" : $" (first error: {w.FirstError})")}",
                Ms(w.Latency.Median), Ms(w.Latency.P95), w.WritesPerSecond.ToString(w.WritesPerSecond < 100 ? "N1" : "N0", CultureInfo.InvariantCulture), Ms(w.PortalCpuPerWrite), health,
                write.Errors.Text, Verdict(write.Errors)]);
            rows.Add([$"{write.Name}: answers audited", w.AuditedAnswers.ToString("N0", CultureInfo.InvariantCulture), "", "", "",
                $"for {w.Saved:N0} saved (warm-ups included)", write.Audited.Text, Verdict(write.Audited)]);
        }

        if (Chains is { } chains)
        {
            rows.Add([$"Audit chains verify after the writes ({chains.EventsChecked:N0} events, {chains.ChainsChecked:N0} chains, {chains.DigestsChecked} digests)",
                chains.Goal.Met == true ? "yes" : "no", "", "", "", chains.Problem ?? "", chains.Goal.Text, Verdict(chains.Goal)]);
        }

        foreach (var fairUse in FairUse)
        {
            var f = fairUse.Figures;
            var other = f.Other > 0 ? $", {f.Other} other answers" : string.Empty;
            var beside = fairUse.Baseline is { } b ? $"1 instance: {b.Admitted} admitted of {b.Sent} for {b.PermitLimit}" : string.Empty;
            rows.Add([$"API fair use, one token, {f.Setup}: admitted of {f.Sent} sent (limit {f.PermitLimit}; {f.Refused} x 429{other})",
                $"{f.Admitted} ({f.PercentOff.ToString("+0;-0;0", CultureInfo.InvariantCulture)}%)", "", "", "", beside, fairUse.Goal.Text, Verdict(fairUse.Goal)]);
        }

        if (Dashboard is { } dashboard)
        {
            var d = dashboard.Figures;
            rows.Add([$"Dashboard, one visit after another ({d.Assessments:N0} assessments)", Ms(d.Visits.Median), Ms(d.Visits.P95), "", "",
                $"first visit {Ms(d.FirstVisitMs)}; before the worker's round {Ms(d.BeforeWorkerMs)}; the round (scores and lists, by the worker) {Ms(d.WorkerMs)}",
                dashboard.Goal.Text, Verdict(dashboard.Goal)]);
        }

        if (IcbRollUp is { } icb)
        {
            var d = icb.Figures;
            rows.Add([$"ICB roll-up dashboard, one visit after another ({d.Members:N0} members, {d.Assessments:N0} assessments)", Ms(d.Visits.Median), Ms(d.Visits.P95), "", "",
                $"first visit {Ms(d.FirstVisitMs)}; before the worker's round {Ms(d.BeforeWorkerMs)}; the members' round {Ms(d.WorkerMs)}",
                icb.Goal.Text, Verdict(icb.Goal)]);
        }

        if (Pdf is { } pdf)
        {
            var p = pdf.Figures;
            rows.Add([$"PDF scorecard render ({p.Requirements} requirements, {p.Pages} pages)", Ms(p.Render.Median), Ms(p.Render.P95), "", "",
                $"bare {p.Pages}-page PDFsharp: {Ms(p.Bare.Median)} / {Ms(p.Bare.P95)}", pdf.Time.Text, Verdict(pdf.Time)]);
            rows.Add(["PDF scorecard size", Kb(p.Bytes), "", "", "", $"bare: {Kb(p.BareBytes)}", pdf.Size.Text, Verdict(pdf.Size)]);
            rows.Add(["PDF scorecard time against the bare document (median of pairs rendered in turn)", p.TimesBare.ToString("0.0x", CultureInfo.InvariantCulture), "", "", "", "", pdf.AgainstBare.Text, Verdict(pdf.AgainstBare)]);
        }

        foreach (var c in Circuits)
        {
            var m = c.Figures;
            rows.Add([$"Managed heap per circuit ({m.Circuits} circuits on {m.Path})", Kb(m.HeapPerCircuit), "", "", "",
                $"heap {Mb(m.HeapBefore.Bytes)} -> {Mb(m.HeapAfter.Bytes)} " + (m.Settled ? $"(settled after {m.HeapBefore.Weighings} / {m.HeapAfter.Weighings} weighings)" : "(DID NOT SETTLE in 6 weighings: noisy)"), c.Goal.Text, Verdict(c.Goal)]);
            rows.Add([$"Working set per circuit (on {m.Path})", Kb(m.WorkingSetPerCircuit), "", "", "", $"RSS {Mb(m.WorkingSetBefore)} -> {Mb(m.WorkingSetAfter)}", "", ""]);
        }

        foreach (var bytes in Bytes)
        {
            var b = bytes.Figures;
            var bare = bytes.Bare is { } a ? $"bare app {a.Path}: {Kb(a.FirstVisit)} ({a.FirstVisitRequests} requests)" : "";
            rows.Add([$"Bytes, first visit, {b.Path} ({b.FirstVisitRequests} requests; WebSocket {Kb(b.FirstVisitSocket)})", Kb(b.FirstVisit), "", "", "",
                bare, bytes.FirstVisit.Text, Verdict(bytes.FirstVisit)]);
            var bareRepeat = bytes.Bare is { } r ? $"bare app {r.Path}: {Kb(r.RepeatVisit)} ({r.RepeatVisitRequests} requests)" : "";
            rows.Add([$"Bytes, repeat visit, {b.Path} ({b.RepeatVisitRequests} requests; WebSocket {Kb(b.RepeatVisitSocket)})", Kb(b.RepeatVisit), "", "", "",
                bareRepeat, bytes.RepeatVisit.Text, Verdict(bytes.RepeatVisit)]);
        }

        foreach (var lighthouse in Lighthouse)
        {
            var l = lighthouse.Figures;
            rows.Add([$"Lighthouse (mobile), {l.Path}: {LighthouseRun.Describe(l)}", Ms(l.LargestContentfulPaintMs), "", "", "",
                $"bare app {lighthouse.Bare.Path}: {LighthouseRun.Describe(lighthouse.Bare)}", $"{lighthouse.LargestContentfulPaint.Text}; {lighthouse.TotalBlockingTime.Text}",
                Verdict(new Goal("", lighthouse.LargestContentfulPaint.Met == true && lighthouse.TotalBlockingTime.Met == true))]);
        }

        foreach (var upload in Uploads)
        {
            var u = upload.Figures;
            rows.Add([$"Upload memory: {u.Upload} ({Kb(u.UploadBytes)}, answered {u.Status})", Mb(u.PeakGrowth), "", "", "",
                $"RSS {Mb(u.ResidentBefore)} -> peak {Mb(u.ResidentPeak)}", upload.Goal.Text, Verdict(upload.Goal)]);
        }

        foreach (var missing in NotMeasured)
        {
            rows.Add([missing, "not measured", "", "", "", "", "", ""]);
        }

        foreach (var failure in Failures)
        {
            rows.Add([$"FAILED: {failure.Section}", "-", "", "", "", Shorten(failure.Error), "", "NO"]);
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        for (var r = 0; r < rows.Count; r++)
        {
            text.AppendLine(string.Join(" | ", rows[r].Select((cell, i) => i is 0 or 5 or 6 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
            if (r == 0)
            {
                text.AppendLine(string.Join("-+-", widths.Select(w => new string('-', w))));
            }
        }

        text.AppendLine(CultureInfo.InvariantCulture,
            $"Machine: {Machine.Cores} cores, {Machine.MemoryBytes / 1_073_741_824.0:N0} GiB, {Machine.Cpu}; load average {Machine.LoadAverageAtStart} at start, {Machine.LoadAverageAtEnd} at end.");
        return text.ToString();
    }

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 120 ? line : line[..117] + "...";
    }

    private static string Verdict(Goal? goal) => goal?.Met switch { true => "yes", false => "NO", null => "" };

    private static string Ms(double ms) => double.IsNaN(ms) ? "-" : ms.ToString(ms < 10 ? "N1" : "N0", CultureInfo.InvariantCulture) + " ms";

    private static string Seconds(double s) => s.ToString("N1", CultureInfo.InvariantCulture) + " s";

    private static string Kb(double bytes) => (bytes / 1024).ToString("N0", CultureInfo.InvariantCulture) + " KB";

    private static string Mb(double bytes) => (bytes / 1_048_576).ToString("N0", CultureInfo.InvariantCulture) + " MB";
}
