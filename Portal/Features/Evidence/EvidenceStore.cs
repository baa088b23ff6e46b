using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace Portal.Features.Evidence;

/// <summary>A document as stored: its generated name, size and SHA-256.</summary>
public sealed record StoredDocument(string StoredName, long SizeBytes, string Sha256);

/// <summary>Where evidence documents live. The seam lets an Azure Blob store replace the local folder.</summary>
public interface IEvidenceStore
{
    Task<StoredDocument> SaveAsync(Stream content, CancellationToken cancellationToken);

    Task<Stream> OpenAsync(string storedName, CancellationToken cancellationToken);

    Task DeleteAsync(string storedName, CancellationToken cancellationToken);
}

/// <summary>Keeps documents in a local folder outside the web root, each under a generated name.</summary>
public sealed class LocalFolderEvidenceStore : IEvidenceStore
{
    private readonly string _directory;

    public LocalFolderEvidenceStore(IOptions<EvidenceOptions> options, IWebHostEnvironment environment)
        : this(string.IsNullOrWhiteSpace(options.Value.StorageDirectory)
            ? Path.Combine(environment.ContentRootPath, "App_Data", "evidence")
            : options.Value.StorageDirectory)
    {
    }

    public LocalFolderEvidenceStore(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(_directory);
    }

    public async Task<StoredDocument> SaveAsync(Stream content, CancellationToken cancellationToken)
    {
        var storedName = Guid.NewGuid().ToString("N");
        var path = PathOf(storedName);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                size += read;
            }
        }

        return new StoredDocument(storedName, size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    public Task<Stream> OpenAsync(string storedName, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(new FileStream(PathOf(storedName), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true));

    public Task DeleteAsync(string storedName, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(storedName));
        return Task.CompletedTask;
    }

    // Stored names are generated GUIDs; refusing anything else keeps a tampered name from reaching outside the folder.
    private string PathOf(string storedName) =>
        Guid.TryParseExact(storedName, "N", out _)
            ? Path.Combine(_directory, storedName)
            : throw new ArgumentException("Not a stored document name.", nameof(storedName));
}
