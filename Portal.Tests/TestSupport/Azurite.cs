using Azure.Storage.Blobs;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Azurite's Blob Storage emulator (npm azurite), which scripts/test.sh starts (scripts/test-azurite.sh) and names in
/// PORTAL_AZURITE as a connection string. Each test class works in containers of its own.
/// </summary>
public static class Azurite
{
    /// <summary>The connection string scripts/test.sh exported; a clear failure when there is none.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("PORTAL_AZURITE") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "PORTAL_AZURITE is not set, so the evidence store's Blob Storage tests have no Azurite to store in. scripts/test.sh starts one; "
                + "for a narrow run start it as scripts/test-azurite.sh describes and export PORTAL_AZURITE=\"<its connection string>\".");

    /// <summary>A container name no other test uses (the container itself is not created).</summary>
    public static string NewContainerName() => "test-" + Guid.NewGuid().ToString("N");

    public static BlobContainerClient Container(string name) => new BlobServiceClient(ConnectionString).GetBlobContainerClient(name);
}
