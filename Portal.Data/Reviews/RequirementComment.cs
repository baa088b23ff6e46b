namespace Portal.Data.Reviews;

/// <summary>
/// A message on one requirement: either the thread NHS and supplier share, or an internal note that only NHS
/// staff ever see.
/// </summary>
public class RequirementComment
{
    public int Id { get; set; }

    public int AssessmentId { get; set; }

    public int AssessmentRequirementId { get; set; }

    public int AuthorUserId { get; set; }

    public required string AuthorName { get; set; }

    public bool AuthorIsSupplier { get; set; }

    public bool IsInternal { get; set; }

    public required string Text { get; set; }

    public DateTime PostedAt { get; set; }
}
