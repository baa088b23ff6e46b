using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Data.SignOffs;
using Portal.Features.Evidence;
using Portal.Features.SignOffs;

namespace Portal.Tests.TestSupport;

/// <summary>
/// An assessment signed off with conditions through the real services: one condition the supplier owns, one the trust
/// owns, both due in 30 days, and the supplier's accepted plan for the first requirement due in 20 days.
/// </summary>
public static class FollowUpJourney
{
    public const string SupplierCondition = "Publish the error catalogue";
    public const string TrustCondition = "Add the ADT feed to the hazard log";

    public static async Task<int> SignedOffWithConditionsAsync(IDbContextFactory<PortalDbContext> contexts, TestJourney journey)
    {
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var ccio = await TestCallers.ForAsync(contexts, TestCallers.Ccio);
        var planned = false;
        var id = await journey.SubmittedAsync(officer, supplier, answer: _ =>
        {
            if (planned)
            {
                return null;
            }

            planned = true;
            return new ResponseDraft(ComplianceClaim.WillMeetByDate, "Not yet: listing is planned.", null,
                TimeProvider.System.PortalToday().AddDays(20), "List the API in the NHS API catalogue.");
        });
        Assert.True((await journey.Reviews.StartAsync(officer, id)).Succeeded);
        Assert.True((await journey.Reviews.DecideAsync(officer, id, await journey.CodesAsync(id), ReviewOutcome.Accepted, null, TestVersions.Any)).Succeeded);
        Assert.True((await journey.Reviews.SendForSignOffAsync(officer, id)).Succeeded);
        var due = TimeProvider.System.PortalToday().AddDays(30);
        var decided = await journey.SignOffs.DecideAsync(ccio, id, new(SignOffService.Choice.ApproveWithConditions, true, "HL-7", null, null,
            [
                new(SupplierCondition, "Supplier's integration lead", due, FollowUpParty.Supplier),
                new(TrustCondition, "Clinical safety officer", due, FollowUpParty.Organisation),
            ], RedAcknowledged: true, RedApprovalReason: "The plan is in the contract with a date agreed by both sides."), TestVersions.Any);
        Assert.True(decided.Succeeded, decided.Message);
        return id;
    }
}
