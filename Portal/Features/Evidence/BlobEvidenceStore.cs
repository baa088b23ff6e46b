using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Options;
using Portal.Hosting;

namespace Portal.Features.Evidence;

/// <summary>
/// Keeps documents as block blobs in one container of Azure Blob Storage, each under its generated name, with the
/// <see cref="IEvidenceStore"/> guarantees:
/// <list type="bullet">
/// <item>A document is uploaded in staged blocks (one block in memory at a time, never the whole document), then
/// committed with the metadata <c>state=pending</c>. Until that commit nothing is listed or readable; a failed or
/// cancelled save discards its staged blocks, and blocks a killed process staged are never committed (Azure Storage
/// drops uncommitted blocks after a week).</item>
/// <item>Promotion sets <c>state=stored</c> in one conditional metadata write; a pending document is never opened.</item>
/// <item>A read downloads the blob once to check its SHA-256 and again, pinned to the checked version by its ETag,
/// to serve it: both as streams from the service.</item>
/// <item>The time a document was written, which the sweep's grace period counts from, is kept in its metadata, since
/// promotion changes the blob's own Last-Modified.</item>
/// </list>
/// The container is created at start-up (<see cref="BlobEvidenceStoreStartup"/>) or at first use if it is missing.
/// </summary>
public sealed class BlobEvidenceStore : IEvidenceStore
{
    internal const string StateKey = "state";
    internal const string Pending = "pending";
    internal const string Stored = "stored";
    internal const string WrittenKey = "written";
    private const int DefaultBlockBytes = 4 * 1024 * 1024;

    private readonly BlobContainerClient _container;
    private readonly TimeProvider _clock;
    private readonly int _blockBytes;
    private volatile bool _containerReady;

    public BlobEvidenceStore(IOptions<EvidenceOptions> options, TimeProvider clock)
        : this(CreateContainerClient(options.Value.Blob), clock)
    {
    }

    /// <param name="blockBytes">How much of a document is staged (and held in memory) at a time.</param>
    public BlobEvidenceStore(BlobContainerClient container, TimeProvider clock, int blockBytes = DefaultBlockBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockBytes, 1);
        _container = container;
        _clock = clock;
        _blockBytes = blockBytes;
    }

    public string Description => $"Azure Blob Storage: the container '{_container.Name}' at {_container.Uri.GetLeftPart(UriPartial.Authority)}";

    /// <summary>The container the store writes to (its address carries no secret).</summary>
    public Uri ContainerUri => _container.Uri;

    /// <summary>
    /// The client for Evidence:Blob: by connection string, or by the service's address and DefaultAzureCredential (the
    /// app's managed identity in Azure). Settings that name neither, or a malformed one, refuse start-up.
    /// </summary>
    public static BlobContainerClient CreateContainerClient(BlobStoreOptions settings, BlobClientOptions? clientOptions = null)
    {
        var container = string.IsNullOrWhiteSpace(settings.Container) ? "evidence" : settings.Container.Trim();
        clientOptions ??= new BlobClientOptions();
        if (!string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            try
            {
                return new BlobServiceClient(settings.ConnectionString, clientOptions).GetBlobContainerClient(container);
            }
            catch (FormatException)
            {
                throw new PortalConfigurationException(
                    "Evidence:Blob:ConnectionString is not a storage connection string. Copy it from the storage account's Access keys, or use Evidence:Blob:ServiceUri with a managed identity.");
            }
        }

        if (!Uri.TryCreate(settings.ServiceUri, UriKind.Absolute, out var serviceUri) || (serviceUri.Scheme != Uri.UriSchemeHttps && serviceUri.Scheme != Uri.UriSchemeHttp))
        {
            throw new PortalConfigurationException(
                "Evidence:Store is Blob, but neither Evidence:Blob:ConnectionString nor Evidence:Blob:ServiceUri (for example https://<account>.blob.core.windows.net) is set.");
        }

        TokenCredential credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(settings.ManagedIdentityClientId) ? null : settings.ManagedIdentityClientId.Trim(),
        });
        return new BlobServiceClient(serviceUri, credential, clientOptions).GetBlobContainerClient(container);
    }

    /// <summary>
    /// Creates the container if it is missing. An identity allowed to use the container but not to create containers
    /// (a role assigned on the container alone) is refused creation even when the container exists; that is fine.
    /// </summary>
    public async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady)
        {
            return;
        }

        try
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 403)
        {
            if (!await _container.ExistsAsync(cancellationToken))
            {
                throw;
            }
        }

        _containerReady = true;
    }

    public async Task<StoredDocument> SaveAsync(Stream content, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        var storedName = Guid.NewGuid().ToString("N");
        var blob = _container.GetBlockBlobClient(storedName);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var blocks = new List<string>();
        long size = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(_blockBytes);
        try
        {
            while (true)
            {
                var filled = await content.ReadAtLeastAsync(buffer.AsMemory(0, _blockBytes), _blockBytes, throwOnEndOfStream: false, cancellationToken);
                if (filled == 0)
                {
                    break;
                }

                hash.AppendData(buffer, 0, filled);
                var blockId = Convert.ToBase64String(Encoding.ASCII.GetBytes(blocks.Count.ToString("D6", CultureInfo.InvariantCulture)));
                using (var block = new MemoryStream(buffer, 0, filled, writable: false))
                {
                    await ContainerCall(() => blob.StageBlockAsync(blockId, block, new BlockBlobStageBlockOptions(), cancellationToken));
                }

                blocks.Add(blockId);
                size += filled;
                if (filled < _blockBytes)
                {
                    break;
                }
            }

            // The commit is the moment the document exists, as pending; the service has every block durably before it answers.
            await ContainerCall(() => blob.CommitBlockListAsync(blocks, new CommitBlockListOptions
            {
                Metadata = Metadata(Pending, _clock.GetUtcNow().UtcDateTime),
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" },
            }, cancellationToken));
        }
        catch
        {
            await DiscardAsync(blob);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new StoredDocument(storedName, size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    public async Task PromoteAsync(string storedName, CancellationToken cancellationToken)
    {
        var blob = BlobOf(storedName);
        await EnsureContainerAsync(cancellationToken);
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            if (!IsPending(properties.Metadata))
            {
                return; // Promoted already (by the sweep, or an earlier attempt).
            }

            await blob.SetMetadataAsync(Metadata(Stored, WrittenAt(properties.Metadata, properties.LastModified)),
                new BlobRequestConditions { IfMatch = properties.ETag }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new FileNotFoundException($"The evidence store holds no document {storedName}.", storedName, ex);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Changed since it was read: another instance promoted it at the same moment. Check it is now stored.
            if (IsPending((await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.Metadata))
            {
                throw;
            }
        }
    }

    public async Task<Stream> OpenAsync(string storedName, string sha256, CancellationToken cancellationToken)
    {
        var blob = BlobOf(storedName);
        await EnsureContainerAsync(cancellationToken);
        try
        {
            ETag checkedVersion;
            using (var first = (await blob.DownloadStreamingAsync(new BlobDownloadOptions(), cancellationToken)).Value)
            {
                if (IsPending(first.Details.Metadata))
                {
                    throw new FileNotFoundException($"The evidence document {storedName} is pending, not stored.", storedName);
                }

                await EvidenceIntegrity.CheckAsync(first.Content, storedName, sha256, cancellationToken);
                checkedVersion = first.Details.ETag;
            }

            var served = await blob.DownloadStreamingAsync(
                new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = checkedVersion } }, cancellationToken);
            return served.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new FileNotFoundException($"The evidence store holds no document {storedName}.", storedName, ex);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            throw new EvidenceIntegrityException(storedName, "was changed while it was being checked");
        }
    }

    public async Task DeleteAsync(string storedName, CancellationToken cancellationToken)
    {
        var blob = BlobOf(storedName);
        await EnsureContainerAsync(cancellationToken);
        await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken);
    }

    public async IAsyncEnumerable<StoreEntry> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(cancellationToken);
        await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, cancellationToken))
        {
            if (IsStoredName(item.Name))
            {
                yield return new StoreEntry(item.Name, IsPending(item.Metadata), item.Properties.ContentLength ?? 0,
                    WrittenAt(item.Metadata, item.Properties.LastModified));
            }
        }
    }

    /// <summary>
    /// What went wrong with the storage account, in words for an operator and never a secret: unreachable, credentials
    /// refused, no token for the app's identity. Null for a failure that is not about reaching the account.
    /// </summary>
    public static string? Problem(Exception failure)
    {
        for (Exception? e = failure; e is not null; e = e is AggregateException { InnerExceptions.Count: > 0 } all ? all.InnerExceptions[0] : e.InnerException)
        {
            switch (e)
            {
                case CredentialUnavailableException or AuthenticationFailedException:
                    return "no token could be had for the portal's Azure identity (is a managed identity assigned, and Evidence:Blob:ManagedIdentityClientId right?)";
                case RequestFailedException { Status: 401 or 403 }:
                    return "the storage account refused the portal's credentials, or they do not allow reading and writing blobs (check the account key, or give the identity the Storage Blob Data Contributor role)";
                case RequestFailedException { Status: 404 }:
                    return "the storage account has no such container, and the portal could not create it";
                case HttpRequestException or SocketException or TimeoutException or TaskCanceledException or RequestFailedException { Status: 0 }:
                    return "the storage account did not answer (check Evidence:Blob's address and the network between the portal and the account)";
                default:
                    break;
            }
        }

        return null;
    }

    /// <summary>Runs a call that needs the container, and makes the next use create it again if it has gone.</summary>
    private async Task<T> ContainerCall<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            _containerReady = false;
            throw;
        }
    }

    /// <summary>
    /// After a failed or cancelled save: committing an empty block list drops the staged blocks, then the empty blob
    /// goes. Best effort: should the service not answer, uncommitted blocks are invisible and dropped by Azure Storage,
    /// and a committed pending blob is the sweep's.
    /// </summary>
    private async Task DiscardAsync(BlockBlobClient blob)
    {
        try
        {
            await blob.CommitBlockListAsync([], new CommitBlockListOptions { Metadata = Metadata(Pending, _clock.GetUtcNow().UtcDateTime) }, CancellationToken.None);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException)
        {
        }

        try
        {
            await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: CancellationToken.None);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException)
        {
        }
    }

    private static Dictionary<string, string> Metadata(string state, DateTime writtenUtc) => new(StringComparer.Ordinal)
    {
        [StateKey] = state,
        [WrittenKey] = writtenUtc.ToString("O", CultureInfo.InvariantCulture),
    };

    // Only the store marks a document pending; a blob restored without metadata counts as stored (its hash is still checked).
    private static bool IsPending(IDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue(StateKey, out var state) && state == Pending;

    private static DateTime WrittenAt(IDictionary<string, string>? metadata, DateTimeOffset? lastModified) =>
        metadata is not null && metadata.TryGetValue(WrittenKey, out var written)
            && DateTime.TryParse(written, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : lastModified?.UtcDateTime ?? DateTime.MinValue;

    private static bool IsStoredName(string name) => name.Length == 32 && Guid.TryParseExact(name, "N", out _);

    // Stored names are generated GUIDs; refusing anything else keeps a tampered name from reaching another blob.
    private BlockBlobClient BlobOf(string storedName) =>
        IsStoredName(storedName)
            ? _container.GetBlockBlobClient(storedName)
            : throw new ArgumentException("Not a stored document name.", nameof(storedName));
}

/// <summary>
/// At start-up, with Evidence:Store=Blob: creates the container if it is missing and says in the log that the store
/// is ready, or, when the account cannot be reached or refuses the credentials, says so plainly with the setting to
/// check. Start-up goes on either way (readiness, /health/ready, stays unhealthy until the store answers), so a
/// storage outage does not keep every instance from starting; the store tries again at first use.
/// </summary>
public sealed partial class BlobEvidenceStoreStartup(IEvidenceStore store, ILogger<BlobEvidenceStoreStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (store is BlobEvidenceStore blobs)
        {
            Checked = CheckAsync(blobs);
        }

        return Task.CompletedTask;
    }

    /// <summary>The start-up check, for tests to wait on; null when the store is not Blob Storage.</summary>
    public Task? Checked { get; private set; }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task CheckAsync(BlobEvidenceStore blobs)
    {
        try
        {
            await blobs.EnsureContainerAsync(CancellationToken.None);
            LogReady(logger, blobs.ContainerUri);
        }
        catch (Exception ex)
        {
            LogUnavailable(logger, ex, blobs.ContainerUri, BlobEvidenceStore.Problem(ex) ?? "the storage account answered with an error (see below)");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Evidence store: Azure Blob Storage, container {Container}, is ready.")]
    private static partial void LogReady(ILogger logger, Uri container);

    [LoggerMessage(Level = LogLevel.Error, Message = "Evidence store: Azure Blob Storage container {Container} cannot be used: {Problem}. Uploads and downloads of documents fail, and /health/ready says so, until it can.")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, Uri container, string problem);
}
