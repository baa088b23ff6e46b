using Portal.Data.Organisations;

namespace Portal.Data.Users;

/// <summary>
/// The portal's record of a person. Sign-in identifies them by Entra ID tenant and object id; the record
/// links them to the one NHS organisation or supplier they act for, which an administrator maintains.
/// </summary>
public class PortalUser
{
    public int Id { get; set; }

    public required string TenantId { get; set; }

    public required string ObjectId { get; set; }

    public required string DisplayName { get; set; }

    public required string Email { get; set; }

    /// <summary>
    /// The role last seen at sign-in (from the app registration's app roles, or the demo record in Development).
    /// Kept for the administrator's list; authorisation reads the role from the signed-in principal.
    /// </summary>
    public string? Role { get; set; }

    public int? NhsOrganisationId { get; set; }

    public NhsOrganisation? NhsOrganisation { get; set; }

    public int? SupplierId { get; set; }

    public Supplier? Supplier { get; set; }

    public bool IsActive { get; set; } = true;

    public DateTime CreatedAt { get; set; }

    public DateTime? LastSignedInAt { get; set; }

    /// <summary>Set by the application on every change, so a lost update is detected on SQLite as on SQL Server.</summary>
    public Guid ConcurrencyStamp { get; set; } = Guid.NewGuid();

    /// <summary>A person acts for an NHS organisation or a supplier, never both.</summary>
    public void LinkTo(int? nhsOrganisationId, int? supplierId)
    {
        if (nhsOrganisationId is not null && supplierId is not null)
        {
            throw new InvalidOperationException("A person acts for one NHS organisation or one supplier, not both.");
        }

        NhsOrganisationId = nhsOrganisationId;
        SupplierId = supplierId;
        ConcurrencyStamp = Guid.NewGuid();
    }
}
