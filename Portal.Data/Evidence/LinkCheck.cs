namespace Portal.Data.Evidence;

public enum LinkCheckOutcome
{
    /// <summary>Queued: the background worker (or a "Check again") has not finished it yet.</summary>
    Pending,

    /// <summary>Read, understood, and no rule found anything to say.</summary>
    Passed,

    /// <summary>Read and understood, with findings a reviewer should look at.</summary>
    Findings,

    /// <summary>Could not be read or understood: not public, unreachable, refused, not a valid document.</summary>
    Failed,
}

/// <summary>
/// One check of a typed evidence link (OpenAPI specification, FHIR CapabilityStatement, documentation, sandbox): when
/// it was asked for and done, what the portal found, and the SHA-256 of the bytes it read. Rows are kept as history;
/// the latest finished row is the link's current result.
/// </summary>
/// <remarks>
/// Only the hash of what was read is kept, never the bytes: a specification can be megabytes and is re-read daily, so
/// snapshots would grow the database without bound, while the hash is enough to tell that it changed and the parsed
/// <see cref="ResultJson"/> holds what a reviewer reads (and what significant functions are matched against).
/// </remarks>
public class LinkCheck
{
    public int Id { get; set; }

    public int EvidenceItemId { get; set; }

    public int AssessmentId { get; set; }

    public LinkCheckOutcome Outcome { get; set; }

    /// <summary>Why it ran: "Added", "Scheduled" or "Requested".</summary>
    public required string Reason { get; set; }

    public DateTime RequestedAt { get; set; }

    public int? RequestedByUserId { get; set; }

    /// <summary>When a worker claimed it; a claimed check is never run by another.</summary>
    public DateTime? StartedAt { get; set; }

    public DateTime? CheckedAt { get; set; }

    /// <summary>One line for the person: what was found, or why it could not be read.</summary>
    public string? Summary { get; set; }

    /// <summary>What the check found, as JSON (facts, rules, the operations of a specification).</summary>
    public string? ResultJson { get; set; }

    public string? Sha256 { get; set; }

    public string? ContentType { get; set; }

    public long? SizeBytes { get; set; }

    public int? HttpStatus { get; set; }

    public string? FinalUrl { get; set; }

    /// <summary>What changed for the worse since before (stopped being public, went away, changed since sign-off); null when nothing did.</summary>
    public string? Drift { get; set; }
}
