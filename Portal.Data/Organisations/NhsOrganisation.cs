namespace Portal.Data.Organisations;

/// <summary>An NHS body that buys or commissions systems: a trust, an ICB or similar, known by its ODS code.</summary>
public class NhsOrganisation
{
    public int Id { get; set; }

    /// <summary>Organisation Data Service code, e.g. "RX1" for a trust or "QMM" for an ICB.</summary>
    public required string OdsCode { get; set; }

    public required string Name { get; set; }

    public NhsOrganisationKind Kind { get; set; }
}

public enum NhsOrganisationKind
{
    Trust,
    IntegratedCareBoard,
    Other,
}
