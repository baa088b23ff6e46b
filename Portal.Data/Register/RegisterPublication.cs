using Portal.Data.Assessments;

namespace Portal.Data.Register;

/// <summary>
/// An NHS organisation's choice to show one signed-off assessment's status on the public register: who published it
/// and when, and who withdrew it and when. Withdrawn rows stay as the record; at most one per assessment is active.
/// </summary>
public class RegisterPublication
{
    public int Id { get; set; }

    public int AssessmentId { get; set; }

    public Assessment? Assessment { get; set; }

    public DateTime PublishedAt { get; set; }

    public int PublishedByUserId { get; set; }

    public DateTime? WithdrawnAt { get; set; }

    public int? WithdrawnByUserId { get; set; }
}
