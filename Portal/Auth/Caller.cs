using Portal.Data.Users;

namespace Portal.Auth;

/// <summary>
/// Who is asking, as every feature service sees it: their portal record, roles, and the one NHS organisation or
/// supplier they act for. Services decide from this, never from what a page chose to show.
/// </summary>
public sealed record Caller(
    int UserId,
    string DisplayName,
    string Email,
    IReadOnlySet<string> Roles,
    int? NhsOrganisationId,
    string? NhsOrganisationName,
    string? OdsCode,
    int? SupplierId,
    string? SupplierName)
{
    public bool IsInRole(string role) => Roles.Contains(role);

    /// <summary>The role to show and to choose a home page by; the first of the portal's roles the person holds.</summary>
    public string? PrimaryRole => PortalRoles.All.FirstOrDefault(Roles.Contains);

    public bool IsLinked => NhsOrganisationId is not null || SupplierId is not null;

    public string? AffiliationName => NhsOrganisationName ?? SupplierName;
}
