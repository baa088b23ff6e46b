namespace Portal.Data.Workers;

/// <summary>
/// Which portal instance runs a background job, and until when. Several instances share one database; each job runs
/// on the instance that holds its lease. The holder renews the lease each time it runs the job; a holder that stops
/// (killed, scaled in) simply lets <see cref="Until"/> pass, and the next instance to try takes the job over.
/// </summary>
public class WorkerLease
{
    /// <summary>The job's name, for example "scores".</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The instance holding the lease (machine, process and a per-start id).</summary>
    public string HeldBy { get; set; } = string.Empty;

    /// <summary>When the lease lapses unless renewed (UTC).</summary>
    public DateTime Until { get; set; }

    // The job's last run, kept on its lease row (one row per job, so the record never grows): what administrators see.

    /// <summary>The instance that ran the job last.</summary>
    public string? LastRunBy { get; set; }

    /// <summary>When the last run began (UTC).</summary>
    public DateTime? LastStartedAt { get; set; }

    /// <summary>When the last run ended (UTC); null while it runs, or when its instance stopped in the middle.</summary>
    public DateTime? LastFinishedAt { get; set; }

    /// <summary>What the last run did, in a few words, when it succeeded.</summary>
    public string? LastResult { get; set; }

    /// <summary>Why the last run failed; null when it succeeded.</summary>
    public string? LastError { get; set; }

    /// <summary>When a run last succeeded (UTC): how long a failing job has been failing.</summary>
    public DateTime? LastSucceededAt { get; set; }
}
