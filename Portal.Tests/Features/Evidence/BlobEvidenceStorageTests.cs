using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Features.Evidence;
using Portal.Hosting;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence;

/// <summary>
/// The evidence store contract on Azure Blob Storage, against Azurite (PORTAL_AZURITE), each test in a container of
/// its own. Blocks of 1 MiB, so the contract's larger documents go up in several staged blocks.
/// </summary>
public sealed class BlobEvidenceStorageTests : EvidenceStorageTests
{
    internal const int BlockBytes = 1024 * 1024;
    private readonly BlobContainerClient _container = Azurite.Container(Azurite.NewContainerName());

    protected override Task<IEvidenceStore> CreateStoreAsync() => Task.FromResult<IEvidenceStore>(new BlobEvidenceStore(_container, TimeProvider.System, BlockBytes));

    protected override async Task DisposeStoreAsync() => await _container.DeleteIfExistsAsync();

    /// <summary>Committed blobs by their state, and anything else (staged blocks never committed) as "name.staged".</summary>
    protected override async Task<string[]> BackingNamesAsync()
    {
        var names = new List<string>();
        if (!await _container.ExistsAsync())
        {
            return [];
        }

        await foreach (var blob in _container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata, States = BlobStates.Uncommitted }))
        {
            string? state = null;
            blob.Metadata?.TryGetValue(BlobEvidenceStore.StateKey, out state);
            names.Add(state switch
            {
                BlobEvidenceStore.Pending => blob.Name + ".partial",
                BlobEvidenceStore.Stored => blob.Name,
                _ => blob.Name + ".staged", // the store writes a state on every blob it commits
            });
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    protected override Task UnpromoteAsync(string storedName) => SetAsync(storedName, BlobEvidenceStore.StateKey, BlobEvidenceStore.Pending);

    protected override Task LoseAsync(string storedName) => _container.GetBlobClient(storedName).DeleteAsync();

    protected override Task AgeAsync(string storedName, TimeSpan age) =>
        SetAsync(storedName, BlobEvidenceStore.WrittenKey, (DateTime.UtcNow - age).ToString("O", System.Globalization.CultureInfo.InvariantCulture));

    protected override async Task TamperAsync(string storedName, byte[] content)
    {
        var blob = _container.GetBlobClient(storedName);
        var metadata = (await blob.GetPropertiesAsync()).Value.Metadata;
        await blob.UploadAsync(new BinaryData(content), new BlobUploadOptions { Metadata = metadata });
    }

    protected override void AssertStreamsFromTheStore(Stream opened)
    {
        // The service's response body, read as it arrives: not seekable, so not a copy held in memory.
        Assert.False(opened.CanSeek);
        Assert.IsNotType<MemoryStream>(opened);
    }

    private async Task SetAsync(string storedName, string key, string value)
    {
        var blob = _container.GetBlobClient(storedName);
        var metadata = (await blob.GetPropertiesAsync()).Value.Metadata;
        metadata[key] = value;
        await blob.SetMetadataAsync(metadata);
    }

    [Fact]
    public async Task A_document_goes_up_in_staged_blocks_of_the_configured_size()
    {
        var document = new byte[(3 * BlockBytes) + 10];
        Random.Shared.NextBytes(document);
        using var content = new MemoryStream(document);

        var saved = await Store.SaveAsync(content, CancellationToken.None);

        var blocks = (await _container.GetBlockBlobClient(saved.StoredName).GetBlockListAsync(BlockListTypes.All)).Value;
        Assert.Equal([BlockBytes, BlockBytes, BlockBytes, 10], blocks.CommittedBlocks.Select(b => b.SizeLong));
        Assert.Empty(blocks.UncommittedBlocks);
    }

    [Fact]
    public void It_says_it_is_blob_storage_and_which_container()
    {
        Assert.StartsWith($"Azure Blob Storage: the container '{_container.Name}' at http://127.0.0.1:", Store.Description, StringComparison.Ordinal);
    }
}

/// <summary>
/// Choosing Blob Storage by configuration, creating the container, and plain words when the account cannot be reached
/// or refuses the portal's credentials: in the start-up log and in readiness.
/// </summary>
public sealed class BlobEvidenceStoreSetupTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddLogging();
        services.AddEvidenceStore(configuration);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Evidence_store_Blob_chooses_blob_storage_with_the_named_container()
    {
        var name = Azurite.NewContainerName();
        using var provider = Services(new() { ["Evidence:Store"] = "blob", ["Evidence:Blob:ConnectionString"] = Azurite.ConnectionString, ["Evidence:Blob:Container"] = name });

        var store = Assert.IsType<BlobEvidenceStore>(provider.GetRequiredService<IEvidenceStore>());

        Assert.EndsWith($"/{name}", store.ContainerUri.AbsolutePath, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Blob", null, null, "neither Evidence:Blob:ConnectionString nor Evidence:Blob:ServiceUri")]
    [InlineData("Blob", "not a connection string", null, "Evidence:Blob:ConnectionString is not a storage connection string")]
    [InlineData("Blob", null, "account.blob.core.windows.net", "neither Evidence:Blob:ConnectionString nor Evidence:Blob:ServiceUri")]
    [InlineData("Cloud", null, null, "Evidence:Store is 'Cloud'. Set it to Folder")]
    public void Settings_that_cannot_name_a_store_refuse_start_up_saying_which_to_set(string store, string? connectionString, string? serviceUri, string message)
    {
        var refused = Assert.Throws<PortalConfigurationException>(() => Services(new()
        {
            ["Evidence:Store"] = store,
            ["Evidence:Blob:ConnectionString"] = connectionString,
            ["Evidence:Blob:ServiceUri"] = serviceUri,
        }));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_service_address_alone_means_the_apps_azure_identity_and_needs_no_network_to_start()
    {
        using var provider = Services(new() { ["Evidence:Store"] = "Blob", ["Evidence:Blob:ServiceUri"] = "https://portalevidence.blob.core.windows.net" });

        var store = Assert.IsType<BlobEvidenceStore>(provider.GetRequiredService<IEvidenceStore>());

        Assert.Equal("https://portalevidence.blob.core.windows.net/evidence", store.ContainerUri.ToString());
    }

    [Fact]
    public async Task A_missing_container_is_created_at_start_up_and_the_log_says_the_store_is_ready()
    {
        var name = Azurite.NewContainerName();
        var container = Azurite.Container(name);
        var logger = new ListLogger<BlobEvidenceStoreStartup>();
        var startup = new BlobEvidenceStoreStartup(new BlobEvidenceStore(container, TimeProvider.System), logger);

        await startup.StartAsync(CancellationToken.None);
        await startup.Checked!;

        try
        {
            Assert.True((await container.ExistsAsync()).Value);
            Assert.Contains($"Evidence store: Azure Blob Storage, container {container.Uri}, is ready.", logger.Messages);
        }
        finally
        {
            await container.DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task A_container_deleted_while_the_portal_runs_is_created_again_at_next_use()
    {
        var container = Azurite.Container(Azurite.NewContainerName());
        var store = new BlobEvidenceStore(container, TimeProvider.System);
        try
        {
            await store.EnsureContainerAsync(CancellationToken.None);
            await container.DeleteAsync();

            using var content = new MemoryStream("first"u8.ToArray());
            await Assert.ThrowsAnyAsync<Exception>(() => store.SaveAsync(content, CancellationToken.None));
            content.Position = 0;
            var saved = await store.SaveAsync(content, CancellationToken.None);

            Assert.Equal(5, saved.SizeBytes);
        }
        finally
        {
            await container.DeleteIfExistsAsync();
        }
    }

    [Fact]
    public async Task Credentials_the_account_refuses_are_named_at_start_up_and_in_readiness()
    {
        var wrongKey = System.Text.RegularExpressions.Regex.Replace(Azurite.ConnectionString, "AccountKey=[^;]+",
            "AccountKey=" + Convert.ToBase64String(new byte[64]));
        var store = new BlobEvidenceStore(BlobEvidenceStore.CreateContainerClient(new BlobStoreOptions { ConnectionString = wrongKey, Container = Azurite.NewContainerName() }), TimeProvider.System);

        var (logged, ready) = await StartAndCheckAsync(store);

        Assert.Contains("the storage account refused the portal's credentials", logged, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, ready.Status);
        Assert.StartsWith("The evidence store cannot be written: the storage account refused the portal's credentials", ready.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_account_that_does_not_answer_is_named_at_start_up_and_in_readiness()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now
        var unreachable = System.Text.RegularExpressions.Regex.Replace(Azurite.ConnectionString, "BlobEndpoint=[^;]+", $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1");
        var options = new BlobClientOptions { Retry = { MaxRetries = 0 } };
        var store = new BlobEvidenceStore(BlobEvidenceStore.CreateContainerClient(new BlobStoreOptions { ConnectionString = unreachable }, options), TimeProvider.System);

        var (logged, ready) = await StartAndCheckAsync(store);

        Assert.Contains("the storage account did not answer", logged, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, ready.Status);
        Assert.StartsWith("The evidence store cannot be written: the storage account did not answer", ready.Description, StringComparison.Ordinal);
    }

    private static async Task<(string Logged, HealthCheckResult Ready)> StartAndCheckAsync(BlobEvidenceStore store)
    {
        var logger = new ListLogger<BlobEvidenceStoreStartup>();
        var startup = new BlobEvidenceStoreStartup(store, logger);
        await startup.StartAsync(CancellationToken.None);
        await startup.Checked!;
        var ready = await new EvidenceStoreHealthCheck(store, NullLogger<EvidenceStoreHealthCheck>.Instance).CheckHealthAsync(new HealthCheckContext());
        return (string.Join("\n", logger.Messages), ready);
    }

    private sealed class ListLogger<T> : ILogger<T>
    {
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_messages)
            {
                _messages.Add(formatter(state, exception));
            }
        }
    }
}
