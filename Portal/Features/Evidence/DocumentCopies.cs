namespace Portal.Features.Evidence;

/// <summary>
/// Documents copied through the store for evidence rows that are not committed yet (filling from an evidence pack,
/// carrying a reassessment forward). Each assessment owns its documents, since removing evidence removes its file and
/// retention deletes an assessment's files with it, so a document is never shared between rows by stored name: it is
/// read from the store (checked against its SHA-256 as it is read) and saved again as a pending document under a new
/// name. The caller commits the rows, then promotes; on any failure or refusal it discards, and what a killed process
/// leaves pending the evidence sweep removes (or promotes, if its row committed).
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

    /// <summary>Makes every copy a stored document, once the rows that name them have committed.</summary>
    public async Task PromoteAsync()
    {
        foreach (var name in _pending)
        {
            // Not cancellable: the rows are committed, so their documents must follow (the sweep promotes any a kill leaves).
            await store.PromoteAsync(name, CancellationToken.None);
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
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The evidence sweep removes a pending document without a row.
            }
        }

        _pending.Clear();
    }
}
