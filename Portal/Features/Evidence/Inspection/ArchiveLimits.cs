namespace Portal.Features.Evidence.Inspection;

/// <summary>
/// How much an archive-based document (OOXML, ODF) may hold. A zip can inflate a few megabytes into gigabytes, so every
/// check reads through these caps and stops at them, whatever the archive's headers claim.
/// </summary>
public sealed record ArchiveLimits(int MaxEntries, long MaxEntryBytes, long MaxTotalBytes, int MaxRatio, long RatioCheckedFromBytes)
{
    /// <summary>Generous for real documents (a Word file holds tens of parts, most a few megabytes at most).</summary>
    public static readonly ArchiveLimits Default = new(MaxEntries: 2000, MaxEntryBytes: 50L << 20, MaxTotalBytes: 100L << 20, MaxRatio: 100, RatioCheckedFromBytes: 1L << 20);
}

/// <summary>An archive passed one of its <see cref="ArchiveLimits"/> while it was read.</summary>
public sealed class ArchiveLimitException(string message) : Exception(message);
