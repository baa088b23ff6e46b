namespace Portal.Features.Evidence;

/// <summary>The <c>Evidence</c> settings: where documents are kept and how large they may be.</summary>
public sealed class EvidenceOptions
{
    /// <summary>Folder outside the web root for uploaded documents; empty means App_Data/evidence.</summary>
    public string? StorageDirectory { get; set; }

    public long MaxFileBytes { get; set; } = 25L * 1024 * 1024;

    public long AssessmentQuotaBytes { get; set; } = 500L * 1024 * 1024;
}
