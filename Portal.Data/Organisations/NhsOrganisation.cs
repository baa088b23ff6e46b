namespace Portal.Data.Organisations;

/// <summary>An NHS body that buys or commissions systems: a trust, an ICB or similar, known by its ODS code.</summary>
public class NhsOrganisation
{
    public int Id { get; set; }

    /// <summary>Organisation Data Service code, e.g. "RX1" for a trust or "QMM" for an ICB.</summary>
    public required string OdsCode { get; set; }

    public required string Name { get; set; }

    public NhsOrganisationKind Kind { get; set; }

    /// <summary>
    /// The integrated care board a trust (or other body) belongs to, set by administrators; an ICB has none. The ICB's
    /// dashboard totals its members' figures; it gives no access to their assessments.
    /// </summary>
    public int? ParentId { get; set; }

    public NhsOrganisation? Parent { get; set; }

    /// <summary>Changed with every change an administrator makes, so two administrators at once cannot overwrite each other unseen.</summary>
    public Guid ConcurrencyStamp { get; set; } = Guid.NewGuid();

    /// <summary>Sets the parent and marks the change, so a change made over an earlier reading is refused.</summary>
    public void MoveUnder(int? parentId)
    {
        ParentId = parentId;
        ConcurrencyStamp = Guid.NewGuid();
    }
}

public enum NhsOrganisationKind
{
    Trust,
    IntegratedCareBoard,
    Other,
}
