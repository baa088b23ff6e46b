namespace Portal.Data.Users;

/// <summary>
/// The portal's roles. In production they are the app roles of the Entra ID app registration, with these exact values.
/// </summary>
public static class PortalRoles
{
    public const string ProcurementOfficer = "ProcurementOfficer";
    public const string SupplierAccountManager = "SupplierAccountManager";
    public const string CcioReviewer = "CcioReviewer";
    public const string Administrator = "Administrator";

    public static readonly IReadOnlyList<string> All = [ProcurementOfficer, SupplierAccountManager, CcioReviewer, Administrator];

    /// <summary>Roles held by NHS staff, who act for an NHS organisation rather than a supplier.</summary>
    public static bool IsNhsRole(string role) => role is ProcurementOfficer or CcioReviewer or Administrator;

    public static string DisplayName(string? role) => role switch
    {
        ProcurementOfficer => "Procurement officer",
        SupplierAccountManager => "Supplier account manager",
        CcioReviewer => "CCIO sign-off reviewer",
        Administrator => "Administrator",
        _ => "No role",
    };
}
