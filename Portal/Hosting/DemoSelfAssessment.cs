using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Features;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Seed;
using Portal.Data.Users;
using Portal.Features.Assessments;
using Portal.Features.Evidence;

namespace Portal.Hosting;

/// <summary>
/// The demo's assessment of the portal itself against the Open API policy: the trust's procurement officer starts it,
/// and the portal team answers the requirements about APIs with the portal's own API documentation, the demo instance
/// as the free sandbox, and the API's licence. Everything goes through the real feature services, so the timeline
/// and scorecard show it as they would any assessment. Made once; a restart finds it and leaves it alone.
/// </summary>
public sealed class DemoSelfAssessment(
    IDbContextFactory<PortalDbContext> contexts,
    CallerResolver callers,
    AssessmentStartService start,
    InvitationService invitations,
    EvidenceWorkspaceService workspace,
    TimeProvider clock)
{
    public const string SystemName = "NHS Open API compliance portal";

    private const string LicenceUrl = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/";

    private sealed record Answer(string Code, string Narrative, EvidenceItemKind Kind, string Title, string Path);

    private static readonly Answer[] Answers =
    [
        new("P.1", "Everything the portal's pages do (catalogue, assessments, answers, evidence, review, sign-off state, scorecards, audit trail) is in its REST API v1, through the same services and rules.",
            EvidenceItemKind.OpenApiSpecification, "OpenAPI 3.1 document of the API", "/openapi/v1.json"),
        new("P.3", "The API is announced on a public getting-started page linked from the portal's menu.", EvidenceItemKind.Documentation, "Getting started with the portal's API", "/api/getting-started"),
        new("P.4", "The API reference is readable without signing in, free, under no NDA, with every operation, parameter and error described and examples.",
            EvidenceItemKind.Documentation, "API reference", "/api/docs"),
        new("P.5", "The demo instance is a free sandbox with synthetic data and a ready-made token for each demo person on its sign-in page.",
            EvidenceItemKind.TestEnvironment, "Demo instance (sandbox) sign-in with demo API tokens", "/sign-in"),
        new("P.7", "The API is offered on the Open Government Licence: free, with no charges for use or testing.", EvidenceItemKind.ContractOrLicence, "Open Government Licence v3.0", LicenceUrl),
        new("C.2", "Every API call is identified: a personal access token or an Entra ID token, acting with exactly the person's own rights.",
            EvidenceItemKind.Documentation, "API reference: authentication", "/api/docs"),
        new("C.3", "The OpenAPI document is generated from the code, so it always matches the API; a worked example with curl shows the first calls.",
            EvidenceItemKind.OpenApiSpecification, "OpenAPI 3.1 document of the API", "/openapi/v1.json"),
        new("C.4", "The demo instance is the test environment: synthetic organisations and people only, never patient data, free to use.",
            EvidenceItemKind.TestEnvironment, "Demo instance (sandbox)", "/api/getting-started"),
        new("C.7", "Each token may make a published number of requests a minute; past it the API answers 429 with Retry-After.",
            EvidenceItemKind.ServiceLevel, "Fair use of the API", "/api/changelog"),
        new("C.12", "Version 1 changes only compatibly; breaking changes come as a new version with 12 months' overlap, announced on the changelog.",
            EvidenceItemKind.Documentation, "Versioning, deprecation and changelog", "/api/changelog"),
    ];

    public async Task EnsureAsync(string baseUrl, CancellationToken cancellationToken = default)
    {
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Assessments.AnyAsync(a => a.SystemName == SystemName, cancellationToken))
            {
                return;
            }
        }

        var officer = await DemoCallerAsync("olivia.hart", PortalRoles.ProcurementOfficer, cancellationToken);
        var team = await DemoCallerAsync(PortalSeeder.PortalTeamPerson, PortalRoles.SupplierAccountManager, cancellationToken);
        if (officer is null || team?.SupplierId is not { } supplierId)
        {
            return;
        }

        if (await StartAsync(officer, supplierId, baseUrl, cancellationToken) is not { } id
            || !(await invitations.InviteAsync(officer, id, team.Email, cancellationToken)).Succeeded)
        {
            return;
        }

        var today = clock.PortalToday();
        foreach (var answer in Answers)
        {
            await workspace.SaveResponseAsync(team, id, answer.Code, new ResponseDraft(ComplianceClaim.Meets, answer.Narrative, null, null, null), ReadVersion.None, cancellationToken);
            var url = answer.Path.StartsWith('/') ? baseUrl + answer.Path : answer.Path;
            await workspace.AddLinkAsync(team, id, answer.Code, new EvidenceInput(answer.Kind, answer.Title, url, today, null), cancellationToken);
        }

        var view = await workspace.GetAsync(team, id, cancellationToken);
        foreach (var function in view?.Functions ?? [])
        {
            await workspace.SaveFunctionAsync(team, id, function.Id, function.Description, $"{baseUrl}/api/docs", ReadVersion.Of(function.ConcurrencyStamp), cancellationToken);
        }
    }

    /// <summary>The confirmed demo assessment's id; null when the catalogue has no published version to start one on.</summary>
    private async Task<int?> StartAsync(Caller officer, int supplierId, string baseUrl, CancellationToken cancellationToken)
    {
        var created = await start.CreateDraftAsync(officer, cancellationToken);
        if (!created.Succeeded)
        {
            return null;
        }

        var id = created.Value!.Summary.Id;
        var today = clock.PortalToday();
        await start.SaveRouteAsync(officer, id, AssessmentRoute.Procure, cancellationToken);
        await start.SaveSystemAsync(officer, id, new AssessmentStartService.SystemDetails(
            SystemName, supplierId, "Open API compliance portal", "1.0",
            $"The portal this demo runs on, assessed against the policy it checks others against. Its API is documented at {baseUrl}/api/docs.",
            "DEMO-SELF-ASSESSMENT", today.AddDays(60), null), cancellationToken);
        await start.SaveConditionsAsync(officer, id, ScopeConditions.None, cancellationToken);
        // The significant functions, each described by the API operation that exposes it; the team records them as its answers.
        await start.SaveFunctionsAsync(officer, id,
        [
            new("Answer an assessment", "PUT /api/v1/assessments/{assessmentId}/responses/{code}"),
            new("Give evidence", "POST /api/v1/assessments/{assessmentId}/responses/{code}/evidence/documents"),
            new("Read the scorecard", "GET /api/v1/assessments/{assessmentId}/scorecard"),
            new("Read the policy catalogue", "GET /api/v1/versions/{versionId}/requirements"),
        ], cancellationToken);
        var scope = await start.GetAsync(officer, id, cancellationToken);
        foreach (var code in Answers.Select(a => a.Code).Except(scope!.Scope.Where(s => s.InScope).Select(s => s.Code)))
        {
            await start.AddRequirementAsync(officer, id, code, cancellationToken);
        }

        await start.ConfirmScopeAsync(officer, id, cancellationToken);
        return (await start.ConfirmAsync(officer, id, cancellationToken)).Succeeded ? id : null;
    }

    /// <summary>A demo person as the portal's own sign-in would resolve them.</summary>
    private async Task<Caller?> DemoCallerAsync(string objectId, string role, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var userId = await db.Users.Where(u => u.TenantId == PortalSeeder.DemoTenantId && u.ObjectId == objectId).Select(u => (int?)u.Id).SingleOrDefaultAsync(cancellationToken);
        if (userId is null)
        {
            return null;
        }

        var identity = new ClaimsIdentity(
            [new Claim(PortalClaimTypes.UserId, userId.Value.ToString(CultureInfo.InvariantCulture)), new Claim(ClaimTypes.Role, role)],
            "DemoSeed", ClaimTypes.Name, ClaimTypes.Role);
        return await callers.ResolveAsync(new ClaimsPrincipal(identity), cancellationToken);
    }
}
