namespace Portal.Features.Evidence;

/// <summary>The <c>Evidence</c> settings: where documents are kept, how large they may be, and how they are scanned.</summary>
public sealed class EvidenceOptions
{
    /// <summary>Where documents are kept: <see cref="EvidenceStoreKind.Folder"/> (the embedded default) or <see cref="EvidenceStoreKind.Blob"/>.</summary>
    public EvidenceStoreKind Store { get; set; } = EvidenceStoreKind.Folder;

    /// <summary>With <see cref="EvidenceStoreKind.Folder"/>: a folder outside the web root; empty means App_Data/evidence.</summary>
    public string? StorageDirectory { get; set; }

    /// <summary>With <see cref="EvidenceStoreKind.Blob"/>: the storage account and container.</summary>
    public BlobStoreOptions Blob { get; set; } = new();

    public long MaxFileBytes { get; set; } = 25L * 1024 * 1024;

    public long AssessmentQuotaBytes { get; set; } = 500L * 1024 * 1024;

    /// <summary>How long a document without a row is left alone (it may be an upload in progress) before the sweep removes it.</summary>
    public int OrphanGraceMinutes { get; set; } = 60;

    /// <summary>How often the evidence sweep runs (it also runs at start-up).</summary>
    public int SweepIntervalMinutes { get; set; } = 60;

    /// <summary>The malware scanner; none unless <c>Evidence:Scanning:ClamAv:Host</c> is set.</summary>
    public ScanningOptions Scanning { get; set; } = new();
}

/// <summary>Where evidence documents are kept (Evidence:Store).</summary>
public enum EvidenceStoreKind
{
    /// <summary>A folder on this instance's disk (Evidence:StorageDirectory); instances share it only on shared storage.</summary>
    Folder,

    /// <summary>A container in Azure Blob Storage (Evidence:Blob), which every instance shares.</summary>
    Blob,
}

/// <summary>The <c>Evidence:Blob</c> settings: a connection string, or the blob service's address signed in as the app's Azure identity.</summary>
public sealed class BlobStoreOptions
{
    /// <summary>A storage account connection string (account key or SAS). Takes precedence over <see cref="ServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob service's address, for example https://account.blob.core.windows.net, reached with DefaultAzureCredential (managed identity in Azure).</summary>
    public string? ServiceUri { get; set; }

    /// <summary>A user-assigned managed identity's client id; empty means the system-assigned identity.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The container, created at start-up (or first use) if it is missing.</summary>
    public string Container { get; set; } = "evidence";
}
