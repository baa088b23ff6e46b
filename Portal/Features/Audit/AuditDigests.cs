using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Audit;

namespace Portal.Features.Audit;

/// <summary>The <c>Audit</c> settings: where digests of the audit chains are kept and how often one is recorded.</summary>
public sealed class AuditOptions
{
    /// <summary>The append-only digest file; empty means App_Data/audit-digests.jsonl.</summary>
    public string? DigestFile { get; set; }

    /// <summary>How often the heads of the chains are recorded, in seconds.</summary>
    public int DigestIntervalSeconds { get; set; } = 300;
}

/// <summary>What a digest store holds: the digests it could read, and the lines it could not (never the torn end of a killed write).</summary>
public sealed record DigestRecord(IReadOnlyList<AuditDigest> Digests, IReadOnlyList<int> DamagedLines);

/// <summary>
/// A write-once store for audit digests, outside the database the chains live in, so someone who can rewrite the
/// database cannot also rewrite what the digests say. The seam for Azure Blob immutable storage.
/// </summary>
public interface IAuditDigestStore
{
    Task AppendAsync(AuditDigest digest, CancellationToken cancellationToken);

    Task<DigestRecord> ReadAllAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Digests appended as one JSON line each to a file that is only ever added to. It is only as write-once as where it
/// is kept: put it on storage the database's administrators cannot write to. Writers on several instances take
/// turns through a lock file beside it; a line torn by a killed process is ended before the next is written, so one
/// crash never damages a later digest.
/// </summary>
public sealed class AppendOnlyFileDigestStore(string path) : IAuditDigestStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);

    public AppendOnlyFileDigestStore(IOptions<AuditOptions> options, IWebHostEnvironment environment)
        : this(string.IsNullOrWhiteSpace(options.Value.DigestFile)
            ? Path.Combine(environment.ContentRootPath, "App_Data", "audit-digests.jsonl")
            : options.Value.DigestFile)
    {
    }

    public string FilePath { get; } = path;

    public async Task AppendAsync(AuditDigest digest, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(FilePath))!);
        await using var turn = await TakeTurnAsync(cancellationToken);
        var line = JsonSerializer.Serialize(digest, Json) + "\n";
        if (!EndsWithNewLine())
        {
            line = "\n" + line;
        }

        // One write of a whole line, flushed to the disk before the digest counts as recorded.
        await using var file = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.WriteThrough);
        await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(line), cancellationToken);
        await file.FlushAsync(cancellationToken);
    }

    public async Task<DigestRecord> ReadAllAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(FilePath))
        {
            return new DigestRecord([], []);
        }

        string text;
        await using (var file = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(file))
        {
            text = await reader.ReadToEndAsync(cancellationToken);
        }

        var lines = text.Split('\n');
        var digests = new List<AuditDigest>();
        var damaged = new List<int>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            try
            {
                digests.Add(JsonSerializer.Deserialize<AuditDigest>(lines[i], Json) ?? throw new JsonException("empty"));
            }
            catch (JsonException)
            {
                // The last line without its newline is a write still in progress or one a killed process left torn.
                var unfinished = i == lines.Length - 1;
                if (!unfinished)
                {
                    damaged.Add(i + 1);
                }
            }
        }

        return new DigestRecord(digests, damaged);
    }

    private bool EndsWithNewLine()
    {
        using var file = new FileStream(FilePath, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        if (file.Length == 0)
        {
            return true;
        }

        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte() == '\n';
    }

    private async Task<FileStream> TakeTurnAsync(CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(FilePath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (waited.Elapsed < LockWait)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }
}

/// <summary>Records where every audit chain has reached, and verifies the chains against every digest recorded.</summary>
public sealed class AuditDigests(IDbContextFactory<PortalDbContext> contexts, IAuditDigestStore store, TimeProvider clock)
{
    /// <summary>Records the heads of the chains that moved since the last digest; returns null when none did.</summary>
    public async Task<AuditDigest?> RecordAsync(CancellationToken cancellationToken = default)
    {
        var recorded = (await store.ReadAllAsync(cancellationToken)).Digests;
        var known = recorded.SelectMany(d => d.Heads)
            .GroupBy(h => h.Chain, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(h => h.Sequence), StringComparer.Ordinal);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var moved = (await AuditChain.HeadsAsync(db, cancellationToken))
            .Where(h => !known.TryGetValue(h.Chain, out var sequence) || sequence != h.Sequence)
            .ToList();
        if (moved.Count == 0)
        {
            return null;
        }

        var digest = new AuditDigest(clock.GetUtcNow().UtcDateTime, moved);
        await store.AppendAsync(digest, cancellationToken);
        return digest;
    }

    public async Task<AuditChain.Verification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var record = await store.ReadAllAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var verification = await AuditChain.VerifyAsync(db, record.Digests, cancellationToken);
        // A line a crash cut short reads the same as a damaged one; either way the others still anchor the chains.
        return record.DamagedLines.Count == 0
            ? verification
            : verification with
            {
                Note = $"Line {string.Join(", ", record.DamagedLines)} of the digests kept outside the database could not be read (a write cut short, or damage); the trail was checked against the others.",
            };
    }
}

/// <summary>Records a digest of the audit chains every <see cref="AuditOptions.DigestIntervalSeconds"/>, and once as the portal starts.</summary>
public sealed partial class AuditDigestWorker(AuditDigests digests, IOptions<AuditOptions> options, ILogger<AuditDigestWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(1, options.Value.DigestIntervalSeconds)));
        do
        {
            try
            {
                if (await digests.RecordAsync(stoppingToken) is { } digest)
                {
                    LogRecorded(logger, digest.Heads.Count);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The next tick tries again; until then, new events are protected by their chain alone.
                LogFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Recorded an audit digest of {Chains} chains.")]
    private static partial void LogRecorded(ILogger logger, int chains);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record an audit digest; will try again at the next interval.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
