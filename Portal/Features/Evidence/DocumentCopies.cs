namespace Portal.Features.Evidence;

/// <summary>
/// Documents copied through the store for evidence rows that are not committed yet (filling from an evidence pack,
/// carrying a reassessment forward). Each assessment owns its documents, since removing evidence removes its file, so a
/// document is never shared between rows by stored name: it is read from the store (checked against its SHA-256 as it
/// is read) and saved again as a pending document under a new name. The caller commits the rows, then promotes; it
/// discards only when the rows certainly did not commit (before the save, or a save refused as stale). When the save
/// itself fails or is cancelled, the rows may have committed, so the copies are left pending: the evidence sweep
/// promotes a pending document a row names and removes one no row names, and so does a killed process's.
/// </summary>
public sealed class DocumentCopies(IEvidenceStore store)
{
    private readonly List<string> _pending = [];

    /// <summary>
    /// Copies a stored document and gives back the copy's stored name, or null when the original cannot be read intact
    /// (missing or not what was recorded): the caller decides what that means for its rows.
    /// </summary>
    public async Task<string?> TryCopyAsync(string storedName, string sha256, CancellationToken cancellationToken)
    {
        try
        {
            await using var content = await store.OpenAsync(storedName, sha256, cancellationToken);
            var copy = await store.SaveAsync(content, cancellationToken);
            _pending.Add(copy.StoredName);
            return copy.StoredName;
        }
        catch (Exception ex) when (ex is FileNotFoundException or EvidenceIntegrityException)
        {
            return null;
        }
    }

    /// <summary>
    /// Makes every copy a stored document, once the rows that name them have committed. Never throws: the command has
    /// succeeded, and a copy the store would not promote now (a storage blip) is promoted by the evidence sweep.
    /// </summary>
    public async Task PromoteAsync()
    {
        foreach (var name in _pending)
        {
            try
            {
                // Not cancellable: the rows are committed, so their documents must follow.
                await store.PromoteAsync(name, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Left pending for the sweep, which promotes it because a committed row names it.
            }
        }

        _pending.Clear();
    }

    /// <summary>Removes every copy, after the rows that would have named them were not saved.</summary>
    public async Task DiscardAsync()
    {
        foreach (var name in _pending)
        {
            try
            {
                await store.DeleteAsync(name, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The evidence sweep removes a pending document without a row (a file system or Blob Storage error here
                // must not hide the failure that led to the discard).
            }
        }

        _pending.Clear();
    }
}
