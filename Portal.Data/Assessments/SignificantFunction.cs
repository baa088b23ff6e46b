namespace Portal.Data.Assessments;

/// <summary>
/// A significant business function of the system that must be reachable through an API (policy P.1 and C.1),
/// named by the officer and answered by the supplier with the API operation that exposes it.
/// </summary>
public class SignificantFunction
{
    public int Id { get; set; }

    public int AssessmentId { get; set; }

    public int Order { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    public string? ApiOperation { get; set; }

    public string? DocumentationUrl { get; set; }

    public DateTime? AnsweredAt { get; set; }

    public Guid ConcurrencyStamp { get; set; } = Guid.NewGuid();

    /// <summary>The supplier answered for this function: when, and a new stamp.</summary>
    public void Touch(DateTime now)
    {
        AnsweredAt = now;
        ConcurrencyStamp = Guid.NewGuid();
    }
}
