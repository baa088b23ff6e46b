namespace Portal.Data.Assessments;

public enum InvitationStatus
{
    Pending,
    Accepted,
    Revoked,
}

/// <summary>
/// An invitation to a supplier account manager, by e-mail, to answer an assessment. Only a hash of the
/// invitation link's token is kept, so a database reader cannot accept an invitation.
/// </summary>
public class SupplierInvitation
{
    public int Id { get; set; }

    public int AssessmentId { get; set; }

    public Assessment? Assessment { get; set; }

    public required string Email { get; set; }

    public required string TokenHash { get; set; }

    public InvitationStatus Status { get; set; } = InvitationStatus.Pending;

    public DateTime InvitedAt { get; set; }

    public int InvitedByUserId { get; set; }

    public DateTime? AcceptedAt { get; set; }

    public int? AcceptedByUserId { get; set; }
}
