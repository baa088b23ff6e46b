using Portal.Auth;

namespace Portal.Features.Evidence;

/// <summary>
/// Saves a supplier's answers for the whole circuit rather than for one editor. An editor hands every change here;
/// the answer is saved after a pause in typing, at once when the person leaves a field, and at once when the editor
/// goes away (another requirement, a link, the tab closing), because the queue outlives the editor. Saves of one
/// answer run one after another, each with the stamp the one before it returned. A save that meets someone else's
/// answer keeps the typed text and waits for the person to choose. Nothing here ever throws at its caller: a failed
/// save is logged and reported, so late work can never end the circuit.
/// </summary>
public sealed class ResponseSaveQueue(EvidenceWorkspaceService workspace, TimeProvider clock, ILogger<ResponseSaveQueue> logger) : IAsyncDisposable
{
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(1.5);

    private readonly Lock _lock = new();
    private readonly Dictionary<(int AssessmentId, string Code), Entry> _entries = [];
    private bool _disposed;

    /// <summary>Raised after every save, on whatever thread finished it; components marshal with InvokeAsync.</summary>
    public event Action<ResponseSaveState>? Changed;

    /// <summary>
    /// What an editor opening an answer should show: this circuit's own latest text while it is unsaved, being saved
    /// or in conflict, or when the loaded answer is older than this circuit's last save; otherwise the loaded answer.
    /// </summary>
    public ResponseSaveState Open(int assessmentId, string code, ResponseView? saved)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue((assessmentId, code), out var entry))
            {
                entry = new Entry(assessmentId, code) { Draft = DraftOf(saved), Stamp = saved?.ConcurrencyStamp, Base = DraftOf(saved) };
                _entries[(assessmentId, code)] = entry;
            }
            else if (!entry.Unsaved && !entry.Saving && entry.Conflict is null && saved is not null
                     && saved.ConcurrencyStamp != entry.Stamp && !entry.Superseded.Contains(saved.ConcurrencyStamp))
            {
                // Someone else saved since this circuit last did: theirs is the newer answer.
                (entry.Draft, entry.Stamp, entry.Base) = (DraftOf(saved), saved.ConcurrencyStamp, DraftOf(saved));
            }

            return entry.Snapshot(null);
        }
    }

    /// <summary>Where one answer's saving stands now (none when nothing was typed or opened), so "Save and next" can stay put.</summary>
    public ResponseSaveState? StateOf(int assessmentId, string code)
    {
        lock (_lock)
        {
            return _entries.TryGetValue((assessmentId, code), out var entry) ? entry.Snapshot(null) : null;
        }
    }

    /// <summary>Records what the person typed; it is saved after <see cref="QuietPeriod"/> without another change.</summary>
    public void Change(Caller caller, int assessmentId, string code, ResponseDraft draft)
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            var entry = _entries.TryGetValue((assessmentId, code), out var found) ? found : _entries[(assessmentId, code)] = new Entry(assessmentId, code);
            entry.Caller = caller;
            entry.Draft = draft;
            entry.Version++;
            if (entry.Conflict is null)
            {
                entry.Timer ??= clock.CreateTimer(_ => _ = SaveNowAsync(assessmentId, code), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                entry.Timer.Change(QuietPeriod, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Saves the latest text now if it is not saved yet, and completes when the answer's saves are done.</summary>
    public Task SaveNowAsync(int assessmentId, string code)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue((assessmentId, code), out var entry))
            {
                return Task.CompletedTask;
            }

            entry.Timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            if (entry.Conflict is not null || entry.Caller is null || entry.Version == entry.QueuedVersion)
            {
                return entry.Running;
            }

            var (caller, draft, version) = (entry.Caller, entry.Draft!, entry.Version);
            entry.QueuedVersion = version;
            entry.Running = AfterAsync(entry.Running, () => SaveOnceAsync(entry, caller, draft, version));
            return entry.Running;
        }
    }

    /// <summary>
    /// Saves the latest text over the answer with <paramref name="stamp"/>: the other person's answer after a conflict
    /// (keep mine), or the answer the kept text was typed over (so anything saved since is a conflict, never overwritten).
    /// </summary>
    public Task SaveOverAsync(int assessmentId, string code, Guid? stamp)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue((assessmentId, code), out var entry))
            {
                // The answer as it was at that stamp is known only when it is the other version just shown; the text
                // kept in a browser was typed over a version this circuit never saw, so any change since is a conflict.
                entry.Base = entry.Conflict is { } theirs && theirs.ConcurrencyStamp == stamp ? DraftOf(theirs) : null;
                (entry.Stamp, entry.Conflict, entry.Message, entry.QueuedVersion) = (stamp, null, null, -1);
            }
        }

        return SaveNowAsync(assessmentId, code);
    }

    /// <summary>After a conflict, the person takes the other version: it is what is saved, and typing goes on from it.</summary>
    public ResponseSaveState UseTheirs(int assessmentId, string code)
    {
        lock (_lock)
        {
            var entry = _entries[(assessmentId, code)];
            if (entry.Conflict is { } theirs)
            {
                (entry.Draft, entry.Stamp, entry.Base, entry.Conflict, entry.Message) = (DraftOf(theirs), theirs.ConcurrencyStamp, DraftOf(theirs), null, null);
                entry.SavedVersion = entry.QueuedVersion = entry.Version;
            }

            return entry.Snapshot(null);
        }
    }

    /// <summary>When the circuit ends (tab closed, connection gone for good), text not yet saved is saved.</summary>
    public async ValueTask DisposeAsync()
    {
        List<(int, string)> keys;
        lock (_lock)
        {
            _disposed = true;
            keys = [.. _entries.Keys];
        }

        await Task.WhenAll(keys.Select(k => SaveNowAsync(k.Item1, k.Item2)));
        lock (_lock)
        {
            foreach (var entry in _entries.Values)
            {
                entry.Timer?.Dispose();
            }
        }
    }

    private static async Task AfterAsync(Task previous, Func<Task> save)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await save();
    }

    private async Task SaveOnceAsync(Entry entry, Caller caller, ResponseDraft draft, int version)
    {
        Guid? expected;
        lock (_lock)
        {
            expected = entry.Stamp;
            entry.Saving = true;
        }

        ResponseSaveState state;
        try
        {
            var result = await workspace.SaveResponseAsync(caller, entry.AssessmentId, entry.Code, draft, ReadVersion.Of(expected));
            if (result.Kind == OutcomeKind.Stale && result.Current?.Response is { } changed && BaseOf(entry) is { } known && Same(DraftOf(changed), known))
            {
                // Only the evidence changed since (evidence changes the answer's stamp): no words of anyone's are lost
                // by saving this text over the new version.
                result = await workspace.SaveResponseAsync(caller, entry.AssessmentId, entry.Code, draft, ReadVersion.Of(changed.ConcurrencyStamp));
            }

            lock (_lock)
            {
                entry.Saving = false;
                switch (result.Kind)
                {
                    case OutcomeKind.Done:
                        if (expected is { } superseded)
                        {
                            entry.Superseded.Add(superseded);
                        }

                        entry.Stamp = result.Value!.Response?.ConcurrencyStamp;
                        entry.Base = draft;
                        entry.SavedVersion = Math.Max(entry.SavedVersion, version);
                        entry.SavedAt = clock.GetUtcNow().InPortalTime().DateTime;
                        (entry.Conflict, entry.Message) = (null, null);
                        break;
                    case OutcomeKind.Stale:
                        (entry.Conflict, entry.Message) = (result.Current?.Response, result.Message);
                        entry.Timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                        break;
                    default:
                        entry.Message = $"Not saved: {result.Message}";
                        break;
                }

                state = entry.Snapshot(result.Succeeded ? draft : null);
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Saving the answer to {Code} of assessment {AssessmentId} failed", entry.Code, entry.AssessmentId);
            lock (_lock)
            {
                entry.Saving = false;
                // The next change or leaving the field tries again.
                entry.QueuedVersion = entry.SavedVersion;
                entry.Message = "Not saved: the portal could not save your answer just now. Your text is kept in this browser and is saved with your next change.";
                state = entry.Snapshot(null);
            }
        }

        Raise(state);
    }

    private ResponseDraft? BaseOf(Entry entry)
    {
        lock (_lock)
        {
            return entry.Base;
        }
    }

    /// <summary>The same answer, as the service would store it.</summary>
    private static bool Same(ResponseDraft? a, ResponseDraft b) =>
        a?.Claim == b.Claim
        && TypedText.Tidy(a?.Narrative, 8000) == TypedText.Tidy(b.Narrative, 8000)
        && TypedText.Tidy(a?.NotApplicableJustification, 4000) == TypedText.Tidy(b.NotApplicableJustification, 4000)
        && TypedText.Tidy(a?.Plan, 4000) == TypedText.Tidy(b.Plan, 4000)
        && a?.PlannedDate == b.PlannedDate;

    private void Raise(ResponseSaveState state)
    {
        try
        {
            Changed?.Invoke(state);
        }
        catch (Exception ex)
        {
            // A listener's fault must not stop the saves after it.
            logger.LogError(ex, "A listener to saved answers failed");
        }
    }

    private static ResponseDraft? DraftOf(ResponseView? r) =>
        r is null ? null : new ResponseDraft(r.Claim, r.Narrative, r.NotApplicableJustification, r.PlannedDate, r.Plan);

    private sealed class Entry(int assessmentId, string code)
    {
        public int AssessmentId { get; } = assessmentId;

        public string Code { get; } = code;

        public Caller? Caller { get; set; }

        public ResponseDraft? Draft { get; set; }

        public Guid? Stamp { get; set; }

        /// <summary>The answer as saved at <see cref="Stamp"/>, to tell a change of evidence from a change of words.</summary>
        public ResponseDraft? Base { get; set; }

        public HashSet<Guid> Superseded { get; } = [];

        public int Version { get; set; }

        public int QueuedVersion { get; set; }

        public int SavedVersion { get; set; }

        public bool Saving { get; set; }

        public Task Running { get; set; } = Task.CompletedTask;

        public ITimer? Timer { get; set; }

        public ResponseView? Conflict { get; set; }

        public string? Message { get; set; }

        public DateTime? SavedAt { get; set; }

        public bool Unsaved => Version != SavedVersion;

        public ResponseSaveState Snapshot(ResponseDraft? justSaved) =>
            new(AssessmentId, Code, Draft, Stamp, Unsaved, Saving, Conflict, Message, SavedAt, justSaved);
    }
}

/// <summary>Where one answer's saving stands. <see cref="JustSaved"/> is the text a save has just stored, if any.</summary>
public sealed record ResponseSaveState(
    int AssessmentId, string Code, ResponseDraft? Draft, Guid? Stamp, bool Unsaved, bool Saving, ResponseView? Conflict, string? Message, DateTime? SavedAt,
    ResponseDraft? JustSaved);
