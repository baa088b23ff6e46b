using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Reviews;
using Portal.Features;
using Portal.Features.Assessments;
using Portal.Features.Evidence;
using Portal.Features.SignOffs;

namespace Portal.Tests.TestSupport;

/// <summary>Signed-off assessments to reassess, made through the real services, and the link checker's findings about them.</summary>
public static class TestReassessments
{
    /// <summary>
    /// An upgrade assessment of Acme's system, every requirement answered "meets", with a specification link on the first,
    /// third and fifth in-scope requirements, accepted (with <paramref name="reviewNote"/> on the first six) and signed off.
    /// Gives back its id and in-scope codes in order.
    /// </summary>
    public static async Task<(int Id, List<string> Codes)> SignedOffAsync(
        IDbContextFactory<PortalDbContext> contexts, TestJourney journey, Caller officer, Caller supplier, Caller ccio, string? reviewNote = null, string? internalComment = null)
    {
        var id = await TestAssessments.ConfirmedAsync(contexts, officer, route: AssessmentRoute.Upgrade, procurementReference: null);
        var invited = await new InvitationService(contexts, TimeProvider.System, new EphemeralDataProtectionProvider(), journey.Store).InviteAsync(officer, id, supplier.Email);
        Assert.True(invited.Succeeded, invited.Message);
        var workspace = journey.Workspace;
        var view = (await workspace.GetAsync(supplier, id))!;
        foreach (var requirement in view.Requirements)
        {
            Assert.True((await workspace.SaveResponseAsync(supplier, id, requirement.Code, new(ComplianceClaim.Meets, $"Answer to {requirement.Code}", null, null, null),
                ReadVersion.Of(requirement.Response?.ConcurrencyStamp))).Succeeded);
        }

        foreach (var function in view.Functions)
        {
            await workspace.SaveFunctionAsync(supplier, id, function.Id, "GET /Patient", null, ReadVersion.Of(function.ConcurrencyStamp));
        }

        var codes = view.Requirements.Select(r => r.Code).ToList();
        foreach (var (code, kind) in new[] { (codes[0], EvidenceItemKind.OpenApiSpecification), (codes[2], EvidenceItemKind.Documentation), (codes[4], EvidenceItemKind.OpenApiSpecification) })
        {
            var added = await workspace.AddLinkAsync(supplier, id, code, new(kind, $"Evidence for {code}", $"https://developer.acme.example/{code}", new DateOnly(2026, 1, 1), null));
            Assert.True(added.Succeeded, added.Message);
        }

        Assert.True((await workspace.SubmitAsync(supplier, id)).Succeeded);
        var reviews = journey.Reviews;
        Assert.True((await reviews.StartAsync(officer, id)).Succeeded);
        Assert.True((await reviews.DecideAsync(officer, id, codes.Take(6).ToList(), ReviewOutcome.Accepted, reviewNote, TestVersions.Any)).Succeeded);
        Assert.True((await reviews.DecideAsync(officer, id, codes.Skip(6).ToList(), ReviewOutcome.Accepted, null, TestVersions.Any)).Succeeded);
        if (internalComment is not null)
        {
            Assert.True((await reviews.CommentAsync(officer, id, codes[5], internalComment, isInternal: true)).Succeeded);
        }

        Assert.True((await reviews.SendForSignOffAsync(officer, id)).Succeeded);
        var signed = await journey.SignOffs.DecideAsync(ccio, id, new(SignOffService.Choice.Approve, true, "HL-7", null, null, [],
            RedAcknowledged: true, RedApprovalReason: "Agreed for the upgrade path."), TestVersions.Any);
        Assert.True(signed.Succeeded, signed.Message);
        return (id, codes);
    }

    /// <summary>What the link checker records: a readable check of the evidence for <paramref name="code"/> at a time, with the hash it read.</summary>
    public static async Task AddCheckAsync(PortalDbContext db, int assessmentId, string code, DateTime at, string sha256)
    {
        var itemId = await db.EvidenceItems.Where(e => e.AssessmentId == assessmentId && e.Url != null)
            .Join(db.RequirementResponses, e => e.RequirementResponseId, r => r.Id, (e, r) => new { e.Id, r.AssessmentRequirementId })
            .Join(db.AssessmentRequirements, e => e.AssessmentRequirementId, r => r.Id, (e, r) => new { e.Id, r.Code })
            .Where(e => e.Code == code).Select(e => e.Id).SingleAsync();
        db.LinkChecks.Add(new LinkCheck
        {
            AssessmentId = assessmentId, EvidenceItemId = itemId, Outcome = LinkCheckOutcome.Passed, Reason = "Scheduled",
            RequestedAt = at, StartedAt = at, CheckedAt = at, Sha256 = sha256, Summary = "OpenAPI 3.0 \"Patient API\" version 1: 1 operation.",
        });
    }

    /// <summary>Takes a reassessment draft through the guided start as it was prefilled, and invites Acme, which carries forward.</summary>
    public static async Task GuidedStartAndInviteAsync(IDbContextFactory<PortalDbContext> contexts, IEvidenceStore store, Caller officer, Caller supplier, int draftId)
    {
        var start = new AssessmentStartService(contexts, TimeProvider.System);
        var draft = (await start.GetAsync(officer, draftId))!;
        Assert.True((await start.SaveRouteAsync(officer, draftId, AssessmentRoute.Upgrade)).Succeeded);
        Assert.True((await start.SaveSystemAsync(officer, draftId, draft.System with { ResponseDueDate = TimeProvider.System.PortalToday().AddDays(20) })).Succeeded);
        Assert.True((await start.SaveConditionsAsync(officer, draftId, draft.Conditions)).Succeeded);
        Assert.True((await start.ConfirmScopeAsync(officer, draftId)).Succeeded);
        var confirmed = await start.ConfirmAsync(officer, draftId);
        Assert.True(confirmed.Succeeded, confirmed.Message);
        var invited = await new InvitationService(contexts, TimeProvider.System, new EphemeralDataProtectionProvider(), store).InviteAsync(officer, draftId, supplier.Email);
        Assert.True(invited.Succeeded, invited.Message);
    }
}
