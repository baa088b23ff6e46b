namespace Portal.Features.Evidence;

/// <summary>The <c>Evidence</c> settings: where documents are kept, how large they may be, and how they are scanned.</summary>
public sealed class EvidenceOptions
{
    /// <summary>Folder outside the web root for uploaded documents; empty means App_Data/evidence.</summary>
    public string? StorageDirectory { get; set; }

    public long MaxFileBytes { get; set; } = 25L * 1024 * 1024;

    public long AssessmentQuotaBytes { get; set; } = 500L * 1024 * 1024;

    /// <summary>How long a document without a row is left alone (it may be an upload in progress) before the sweep removes it.</summary>
    public int OrphanGraceMinutes { get; set; } = 60;

    /// <summary>How often the evidence sweep runs (it also runs at start-up).</summary>
    public int SweepIntervalMinutes { get; set; } = 60;

    /// <summary>The malware scanner; none unless <c>Evidence:Scanning:ClamAv:Host</c> is set.</summary>
    public ScanningOptions Scanning { get; set; } = new();
}
