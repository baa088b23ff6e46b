using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Users;

namespace Portal.Features.Assessments;

/// <summary>
/// Who may see an assessment, as a query filter every read goes through: NHS staff see their own organisation's;
/// supplier account managers see their own supplier's once it has been invited. Nobody sees anyone else's.
/// </summary>
public static class AssessmentVisibility
{
    public static IQueryable<Assessment> VisibleTo(this IQueryable<Assessment> assessments, Caller caller)
    {
        var organisationId = caller.NhsOrganisationId;
        var supplierId = caller.SupplierId;
        var nhs = IsNhsStaff(caller);
        var supplier = supplierId is not null && caller.IsInRole(PortalRoles.SupplierAccountManager);
        return assessments.Where(a =>
            (nhs && a.NhsOrganisationId == organisationId)
            || (supplier && a.SupplierId == supplierId && a.Status != AssessmentStatus.Draft));
    }

    /// <summary>Someone acting for an NHS organisation in one of the NHS roles.</summary>
    public static bool IsNhsStaff(Caller caller) =>
        caller.NhsOrganisationId is not null
        && (caller.IsInRole(PortalRoles.ProcurementOfficer) || caller.IsInRole(PortalRoles.CcioReviewer) || caller.IsInRole(PortalRoles.Administrator));

    public static bool IsNhsStaffOf(Caller caller, int nhsOrganisationId) =>
        IsNhsStaff(caller) && caller.NhsOrganisationId == nhsOrganisationId;

    public static bool IsOfficerOf(Caller caller, Assessment assessment) =>
        caller.IsInRole(PortalRoles.ProcurementOfficer) && caller.NhsOrganisationId == assessment.NhsOrganisationId;

    public static bool IsSupplierOf(Caller caller, Assessment assessment) =>
        caller.IsInRole(PortalRoles.SupplierAccountManager) && caller.SupplierId is not null
        && caller.SupplierId == assessment.SupplierId && assessment.Status != AssessmentStatus.Draft;
}
