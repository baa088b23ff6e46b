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
}
