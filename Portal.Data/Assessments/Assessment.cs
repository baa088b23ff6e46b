using Portal.Data.Organisations;
using Portal.Data.Policy;
using Portal.Data.Scorecards;

namespace Portal.Data.Assessments;

/// <summary>
/// One NHS organisation's assessment of one supplier's system against a pinned version of the policy catalogue.
/// Competing bids for the same procurement share a procurement reference, one assessment per supplier.
/// </summary>
public class Assessment
{
    public int Id { get; set; }

    public int NhsOrganisationId { get; set; }

    public NhsOrganisation? NhsOrganisation { get; set; }

    public int CreatedByUserId { get; set; }

    /// <summary>The catalogue version the assessment started on; it never moves to a later version.</summary>
    public int FrameworkVersionId { get; set; }

    public FrameworkVersion? FrameworkVersion { get; set; }

    /// <summary>
    /// Changed only by <see cref="MoveTo"/>, which the portal's one transition method calls after the workflow has
    /// allowed the change, so a status is never set without its audit event, stamp and notifications.
    /// </summary>
    public AssessmentStatus Status { get; private set; } = AssessmentStatus.Draft;

    public AssessmentRoute? Route { get; set; }

    public ScopeConditions Conditions { get; set; }

    /// <summary>Whether the officer has answered the conditions step (none may apply, which is an answer too).</summary>
    public bool ConditionsConfirmed { get; set; }

    public string SystemName { get; set; } = string.Empty;

    public int? SupplierId { get; set; }

    public Supplier? Supplier { get; set; }

    public string? ProductName { get; set; }

    public string? ProductVersion { get; set; }

    /// <summary>The supplier's product version the assessment is about, when the officer chose one (older assessments have none).</summary>
    public int? ProductVersionId { get; set; }

    public string? Description { get; set; }

    /// <summary>The signed-off assessment this one reassesses (an upgrade or a new product version), when it does.</summary>
    public int? ReassessesAssessmentId { get; set; }

    /// <summary>When the reassessed assessment's answers were carried forward (or reopened) into this one; set once.</summary>
    public DateTime? CarriedForwardAt { get; set; }

    /// <summary>Groups the assessments of competing bids in one procurement.</summary>
    public string? ProcurementReference { get; set; }

    public DateOnly? ResponseDueDate { get; set; }

    /// <summary>The contract award date (procuring, developing) or renewal date (upgrading).</summary>
    public DateOnly? ContractDate { get; set; }

    /// <summary>The furthest step of the guided start the officer has reached, so a draft resumes where it was left.</summary>
    public int StartStepReached { get; set; }

    public bool ScopeReviewed { get; set; }

    public DateTime? StartConfirmedAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public string? WithdrawnReason { get; set; }

    public Guid ConcurrencyStamp { get; set; } = Guid.NewGuid();

    public List<SignificantFunction> Functions { get; set; } = [];

    public List<AssessmentRequirement> Requirements { get; set; } = [];

    public List<SupplierInvitation> Invitations { get; set; } = [];

    /// <summary>The stored score that dashboards count by; the scorecard itself is always worked out afresh.</summary>
    public AssessmentScore? Score { get; set; }

    public string Reference => ReferenceOf(Id);

    /// <summary>The reference of the assessment with this id, for one only its id is known of (provenance).</summary>
    public static string ReferenceOf(int id) => $"OAP-{id:D5}";

    /// <summary>Sets the status and touches the stamp. Call it only through AssessmentTransitions in the portal.</summary>
    internal void MoveTo(AssessmentStatus status, DateTime now)
    {
        Status = status;
        Touch(now);
    }

    public void Touch(DateTime now)
    {
        UpdatedAt = now;
        ConcurrencyStamp = Guid.NewGuid();
    }
}
