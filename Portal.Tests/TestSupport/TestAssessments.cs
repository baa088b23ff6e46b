using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Auth;
using Portal.Data.Policy;
using Portal.Features.Assessments;

namespace Portal.Tests.TestSupport;

/// <summary>Assessments made through the real services, as an officer would make them in the portal.</summary>
public static class TestAssessments
{
    public static async Task<int> ConfirmedAsync(
        IDbContextFactory<PortalDbContext> database,
        Caller officer,
        string supplierName = "Acme Clinical Systems Ltd",
        AssessmentRoute route = AssessmentRoute.Procure,
        ScopeConditions conditions = ScopeConditions.ConfidentialPatientData,
        string? procurementReference = "PR-2026-001")
    {
        var start = new AssessmentStartService(database, TimeProvider.System);
        var id = (await start.CreateDraftAsync(officer)).Value!.Summary.Id;
        await using (var db = database.CreateDbContext())
        {
            var supplierId = await db.Suppliers.Where(s => s.Name == supplierName).Select(s => s.Id).SingleAsync();
            await start.SaveRouteAsync(officer, id, route);
            await start.SaveSystemAsync(officer, id, new AssessmentStartService.SystemDetails(
                "Patient administration system", supplierId, "CarePAS", "5.2", "The trust's PAS", procurementReference,
                TimeProvider.System.PortalToday().AddDays(30), TimeProvider.System.PortalToday().AddDays(90)));
        }

        await start.SaveConditionsAsync(officer, id, conditions);
        await start.SaveFunctionsAsync(officer, id, [new("Register a new patient", null), new("Admit, transfer and discharge", "ADT events")]);
        await start.ConfirmScopeAsync(officer, id);
        var confirmed = await start.ConfirmAsync(officer, id);
        Assert.True(confirmed.Succeeded, confirmed.Message);
        return id;
    }

    public static async Task<int> InvitedAsync(
        IDbContextFactory<PortalDbContext> database,
        Caller officer,
        string email = "sam.okafor@acme-clinical.example",
        string supplierName = "Acme Clinical Systems Ltd",
        ScopeConditions conditions = ScopeConditions.ConfidentialPatientData,
        string? procurementReference = "PR-2026-001")
    {
        var id = await ConfirmedAsync(database, officer, supplierName, conditions: conditions, procurementReference: procurementReference);
        var invited = await new InvitationService(database, TimeProvider.System, new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider(),
            new Portal.Features.Evidence.LocalFolderEvidenceStore(Path.Combine(Path.GetTempPath(), "portal-tests", "no-documents"))).InviteAsync(officer, id, email);
        Assert.True(invited.Succeeded, invited.Message);
        return id;
    }
}
