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

/// <summary>
/// A write-once store for audit digests, outside the database the chains live in, so someone who can rewrite the
/// database cannot also rewrite what the digests say. The seam for Azure Blob immutable storage.
/// </summary>
public interface IAuditDigestStore
{
    Task AppendAsync(AuditDigest digest, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditDigest>> ReadAllAsync(CancellationToken cancellationToken);
}

/// <summary>
/// Digests appended as one JSON line each to a file that is only ever opened to append. It is as write-once as the
/// file system makes it: give the portal's account append rights only (for example <c>chattr +a</c>), or keep it on
/// storage the database's administrators cannot reach.
/// </summary>
public sealed class AppendOnlyFileDigestStore(string path) : IAuditDigestStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
        var line = JsonSerializer.Serialize(digest, Json) + "\n";
        // One write of a whole line, flushed to the disk before the digest counts as recorded.
        await using var file = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, FileOptions.WriteThrough);
        await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(line), cancellationToken);
        await file.FlushAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditDigest>> ReadAllAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(FilePath))
        {
            return [];
        }

        var digests = new List<AuditDigest>();
        var number = 0;
        foreach (var line in await File.ReadAllLinesAsync(FilePath, cancellationToken))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                digests.Add(JsonSerializer.Deserialize<AuditDigest>(line, Json)
                    ?? throw new InvalidDataException($"Line {number} of the audit digest file {FilePath} is empty JSON."));
            }
            catch (JsonException ex)
            {
                // A torn last line (the process was killed mid-write) is the only damage an honest writer can leave.
                if (number == CountLines(FilePath))
                {
                    break;
                }

                throw new InvalidDataException($"Line {number} of the audit digest file {FilePath} is not a digest: {ex.Message}", ex);
            }
        }

        return digests;
    }

    private static int CountLines(string path) => File.ReadLines(path).Count();
}

/// <summary>Records where every audit chain has reached, and verifies the chains against every digest recorded.</summary>
public sealed class AuditDigests(IDbContextFactory<PortalDbContext> contexts, IAuditDigestStore store, TimeProvider clock)
{
    /// <summary>Records the heads of the chains that moved since the last digest; returns null when none did.</summary>
    public async Task<AuditDigest?> RecordAsync(CancellationToken cancellationToken = default)
    {
        var recorded = await store.ReadAllAsync(cancellationToken);
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
        IReadOnlyList<AuditDigest> digests;
        try
        {
            digests = await store.ReadAllAsync(cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            return new AuditChain.Verification(false, 0, null, $"The digests kept outside the database cannot be read, so the trail cannot be checked against them. {ex.Message}");
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await AuditChain.VerifyAsync(db, digests, cancellationToken);
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
