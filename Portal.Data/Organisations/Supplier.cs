namespace Portal.Data.Organisations;

/// <summary>A company whose system is assessed; its account managers answer for it.</summary>
public class Supplier
{
    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>Companies House number, when the supplier gives one.</summary>
    public string? CompanyNumber { get; set; }
}
