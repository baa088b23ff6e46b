using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Data.Users;
using Portal.Features.Evidence;
using Portal.Features.Reviews;
using Portal.Tests.TestSupport;
using Portal.Features;

namespace Portal.Tests.Api;

/// <summary>
/// Every API operation, called by every role for its own and another organisation or supplier, with a real
/// personal access token each: the status the portal's rules give, and never another organisation's data.
/// </summary>
public sealed class ApiAuthorisationMatrixTests(ApiAuthorisationMatrixTests.Portal portal) : IClassFixture<ApiAuthorisationMatrixTests.Portal>
{
    public const string SystemName = "Patient administration system";
    public const string DocumentName = "matrix-spec.pdf";

    /// <summary>Who calls: the demo people of the trust, the ICB and the two suppliers, and two ICB people added for the matrix.</summary>
    public enum Person
    {
        Officer,
        Ccio,
        Administrator,
        Supplier,
        OtherOfficer,
        OtherCcio,
        OtherAdministrator,
        OtherSupplier,
    }

    /// <summary>
    /// The trust's assessment A (awaiting Acme's answers, with a document) and B (submitted by Acme, under review).
    /// Each person gets one read-and-write token.
    /// </summary>
    public sealed class Portal : IAsyncLifetime
    {
        public PortalAppFactory Factory { get; } = new();

        public int AssessmentA { get; private set; }

        public int AssessmentB { get; private set; }

        public int DocumentId { get; private set; }

        public int VersionId { get; private set; }

        /// <summary>A draft of the trust officer's, not yet sent to any supplier.</summary>
        public int DraftC { get; private set; }

        /// <summary>A significant function of assessment A, for the supplier's API operation.</summary>
        public int FunctionA { get; private set; }

        /// <summary>Acme's product "Matrix PAS" and its version 1.0, whose evidence pack is shared with the trust (not the ICB).</summary>
        public int ProductId { get; private set; }

        public int ProductVersionId { get; private set; }

        public int PackId { get; private set; }

        /// <summary>A document in the pack, for its download.</summary>
        public int PackDocumentId { get; private set; }

        /// <summary>The trust officer's user id, for the administrators' operations on people.</summary>
        public int OfficerUserId { get; private set; }

        public Dictionary<Person, HttpClient> Clients { get; } = [];

        public async Task InitializeAsync()
        {
            var contexts = Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
            await AddIcbPeopleAsync(contexts);
            var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
            var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
            AssessmentA = await TestAssessments.InvitedAsync(contexts, officer);
            AssessmentB = await TestAssessments.InvitedAsync(contexts, officer);

            using var scope = Factory.Services.CreateScope();
            var workspace = scope.ServiceProvider.GetRequiredService<EvidenceWorkspaceService>();
            using (var pdf = new MemoryStream(SampleDocuments.Pdf()))
            {
                var added = await workspace.AddDocumentAsync(supplier, AssessmentA, "P.1",
                    new EvidenceInput(EvidenceItemKind.Documentation, "Specification", null, TimeProvider.System.PortalToday(), null), DocumentName, pdf);
                DocumentId = added.Value!.Item!.Id;
            }

            var view = (await workspace.GetAsync(supplier, AssessmentB))!;
            foreach (var requirement in view.Requirements)
            {
                await workspace.SaveResponseAsync(supplier, AssessmentB, requirement.Code, new(ComplianceClaim.Meets, "Yes", null, null, null), ReadVersion.None);
            }

            foreach (var function in view.Functions)
            {
                await workspace.SaveFunctionAsync(supplier, AssessmentB, function.Id, "GET /Patient", null, ReadVersion.Of(function.ConcurrencyStamp));
            }

            Assert.True((await workspace.SubmitAsync(supplier, AssessmentB)).Succeeded);
            Assert.True((await scope.ServiceProvider.GetRequiredService<ReviewService>().StartAsync(officer, AssessmentB)).Succeeded);

            await using (var db = await contexts.CreateDbContextAsync())
            {
                VersionId = await db.FrameworkVersions.Select(v => v.Id).SingleAsync();
            }

            var draft = await scope.ServiceProvider.GetRequiredService<global::Portal.Features.Assessments.AssessmentStartService>().CreateDraftAsync(officer);
            DraftC = draft.Value!.Summary.Id;
            FunctionA = (await workspace.GetAsync(supplier, AssessmentA))!.Functions[0].Id;
            OfficerUserId = officer.UserId;

            var products = scope.ServiceProvider.GetRequiredService<global::Portal.Features.Products.ProductService>();
            var packs = scope.ServiceProvider.GetRequiredService<global::Portal.Features.EvidencePacks.EvidencePackService>();
            ProductId = (await products.AddProductAsync(supplier, new("Matrix PAS", null))).Value!.Id;
            ProductVersionId = (await products.AddVersionAsync(supplier, ProductId, new("1.0", null, null))).Value!.Id;
            PackId = (await packs.CreateAsync(supplier, new(ProductVersionId, null))).Value!.Id;
            using (var pdf = new MemoryStream(SampleDocuments.Pdf()))
            {
                var pack = (await packs.AddDocumentAsync(supplier, PackId, "P.2",
                    new EvidenceInput(EvidenceItemKind.Documentation, "Pack specification", null, TimeProvider.System.PortalToday(), null), "pack-spec.pdf", pdf,
                    new ReadVersion(null, Any: true))).Value!;
                PackDocumentId = pack.Requirements.Single(r => r.Code == "P.2").Answer!.Evidence.Single().Id;
            }

            Assert.True((await packs.ShareAsync(supplier, PackId, "XDV")).Succeeded);

            foreach (var (person, demoObjectId) in People)
            {
                Clients[person] = await Factory.ApiClientForAsync(demoObjectId);
            }
        }

        public async Task DisposeAsync()
        {
            foreach (var client in Clients.Values)
            {
                client.Dispose();
            }

            await Factory.DisposeAsync();
        }

        private static async Task AddIcbPeopleAsync(IDbContextFactory<PortalDbContext> contexts)
        {
            await using var db = await contexts.CreateDbContextAsync();
            var icb = await db.NhsOrganisations.Where(o => o.OdsCode == "XDS").Select(o => o.Id).SingleAsync();
            foreach (var (objectId, name, role) in new[] { ("icb.ccio", "ICB CCIO", PortalRoles.CcioReviewer), ("icb.admin", "ICB Administrator", PortalRoles.Administrator) })
            {
                var user = new PortalUser { TenantId = "demo", ObjectId = objectId, DisplayName = name, Email = $"{objectId}@demo-shire-icb.nhs.uk", Role = role, CreatedAt = DateTime.UtcNow };
                user.LinkTo(icb, null);
                db.Users.Add(user);
            }

            await db.SaveChangesAsync();
        }
    }

    private static readonly Dictionary<Person, string> People = new()
    {
        [Person.Officer] = TestCallers.Officer,
        [Person.Ccio] = TestCallers.Ccio,
        [Person.Administrator] = TestCallers.Administrator,
        [Person.Supplier] = TestCallers.Supplier,
        [Person.OtherOfficer] = TestCallers.OtherOfficer,
        [Person.OtherCcio] = "icb.ccio",
        [Person.OtherAdministrator] = "icb.admin",
        [Person.OtherSupplier] = TestCallers.OtherSupplier,
    };

    private static bool IsTrustStaff(Person p) => p is Person.Officer or Person.Ccio or Person.Administrator;

    /// <summary>Reads of assessment A: the trust's NHS staff and Acme see it; nobody else knows it exists.</summary>
    private static HttpStatusCode VisibleRead(Person p) => IsTrustStaff(p) || p == Person.Supplier ? HttpStatusCode.OK : HttpStatusCode.NotFound;

    /// <summary>The NHS's own working (review, sign-off): the trust's staff; Acme may see the assessment but not this.</summary>
    private static HttpStatusCode NhsRead(Person p) => IsTrustStaff(p) ? HttpStatusCode.OK : p == Person.Supplier ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound;

    /// <summary>Acme's answers: only Acme writes them; the trust's staff may see but not write.</summary>
    private static HttpStatusCode SupplierWrite(Person p, HttpStatusCode success) =>
        p == Person.Supplier ? success : IsTrustStaff(p) ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound;

    private sealed record Operation(string Name, HttpMethod Method, Func<Portal, string> Path, Func<HttpContent?>? Body, Func<Person, HttpStatusCode> Expected, bool IfMatchAny = false);

    private static readonly Operation[] Operations =
    [
        new("me", HttpMethod.Get, _ => "/api/v1/me", null, _ => HttpStatusCode.OK),
        new("frameworks", HttpMethod.Get, _ => "/api/v1/frameworks", null, _ => HttpStatusCode.OK),
        new("current version", HttpMethod.Get, _ => "/api/v1/versions/current", null, _ => HttpStatusCode.OK),
        new("version", HttpMethod.Get, p => $"/api/v1/versions/{p.VersionId}", null, _ => HttpStatusCode.OK),
        new("requirements", HttpMethod.Get, p => $"/api/v1/versions/{p.VersionId}/requirements", null, _ => HttpStatusCode.OK),
        new("requirement", HttpMethod.Get, p => $"/api/v1/versions/{p.VersionId}/requirements/P.1", null, _ => HttpStatusCode.OK),
        new("import version", HttpMethod.Post, _ => "/api/v1/versions", () => new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
            p => p is Person.Administrator or Person.OtherAdministrator ? HttpStatusCode.BadRequest : HttpStatusCode.Forbidden),
        new("list assessments", HttpMethod.Get, _ => "/api/v1/assessments", null, _ => HttpStatusCode.OK),
        new("create assessment", HttpMethod.Post, _ => "/api/v1/assessments", null,
            p => p is Person.Officer or Person.OtherOfficer ? HttpStatusCode.Created : HttpStatusCode.Forbidden),
        new("assessment", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}", null, VisibleRead),
        // A reason too short: the officer gets as far as the reason (400), so no test here withdraws A.
        new("withdraw assessment", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/withdraw", () => JsonContent.Create(new { reason = "No." }),
            p => p == Person.Officer ? HttpStatusCode.BadRequest : IsTrustStaff(p) || p == Person.Supplier ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound, IfMatchAny: true),
        new("scope", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/scope", null, VisibleRead),
        new("responses", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/responses", null, VisibleRead),
        new("response", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/responses/P.1", null, VisibleRead),
        new("save response", HttpMethod.Put, p => $"/api/v1/assessments/{p.AssessmentA}/responses/P.1",
            () => JsonContent.Create(new { claim = "Meets", narrative = "Through our FHIR API." }), p => SupplierWrite(p, HttpStatusCode.OK), IfMatchAny: true),
        new("evidence", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/evidence", null, VisibleRead),
        new("add evidence link", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/responses/P.3/evidence/links",
            () => JsonContent.Create(new { kind = "Documentation", title = "API reference", url = "https://example.org/api", evidenceDate = TimeProvider.System.PortalToday() }),
            p => SupplierWrite(p, HttpStatusCode.Created)),
        new("add evidence document", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/responses/P.4/evidence/documents", DocumentForm,
            p => SupplierWrite(p, HttpStatusCode.Created)),
        new("download evidence", HttpMethod.Get, p => $"/api/v1/evidence/{p.DocumentId}/content", null, VisibleRead),
        new("review", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentB}/review", null, NhsRead),
        new("record review decisions", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentB}/review/decisions",
            () => JsonContent.Create(new { requirements = new[] { "P.1" }, outcome = "Accepted" }),
            p => p == Person.Officer ? HttpStatusCode.OK : IsTrustStaff(p) || p == Person.Supplier ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound, IfMatchAny: true),
        new("sign-off", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentB}/sign-off", null, NhsRead),
        new("scorecard", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/scorecard", null, VisibleRead),
        new("scorecard csv", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/scorecard.csv", null, VisibleRead),
        new("scorecard pdf", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/scorecard.pdf", null, VisibleRead),
        new("issue scorecard pdf", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/scorecard.pdf", null, VisibleRead),
        new("timeline", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/timeline", null, VisibleRead),

        // The guided start of draft C: the trust's officer only; the trust's other staff may see the draft but not change it.
        new("start", HttpMethod.Get, p => $"/api/v1/assessments/{p.DraftC}/start", null, p => p == Person.Officer ? HttpStatusCode.OK : HttpStatusCode.NotFound),
        new("start route", HttpMethod.Put, p => $"/api/v1/assessments/{p.DraftC}/start/route", () => JsonContent.Create(new { route = "Procure" }), p => OfficerWrite(p, HttpStatusCode.OK)),
        new("start system", HttpMethod.Put, p => $"/api/v1/assessments/{p.DraftC}/start/system", () => JsonContent.Create(new { systemName = "Matrix draft", supplierId = (int?)null }),
            p => OfficerWrite(p, HttpStatusCode.OK)),
        new("start conditions", HttpMethod.Put, p => $"/api/v1/assessments/{p.DraftC}/start/conditions", () => JsonContent.Create(new { conditions = new[] { "ConfidentialPatientData" } }),
            p => OfficerWrite(p, HttpStatusCode.OK)),
        new("start functions", HttpMethod.Put, p => $"/api/v1/assessments/{p.DraftC}/start/functions", () => JsonContent.Create(new { functions = new[] { new { name = "Book an appointment" } } }),
            p => OfficerWrite(p, HttpStatusCode.OK)),
        new("start refresh scope", HttpMethod.Post, p => $"/api/v1/assessments/{p.DraftC}/start/scope/refresh", null, p => OfficerWrite(p, HttpStatusCode.NoContent)),
        new("start exclude", HttpMethod.Post, p => $"/api/v1/assessments/{p.DraftC}/start/scope/P.1/exclude",
            () => JsonContent.Create(new { justification = "Not part of this procurement." }), p => OfficerWrite(p, HttpStatusCode.NoContent)),
        // P.1 is in scope (or excluded) already: the officer gets as far as the draft's own rules.
        new("start include", HttpMethod.Post, p => $"/api/v1/assessments/{p.DraftC}/start/scope/P.1/include", null, p => OfficerWrite(p, HttpStatusCode.NoContent)),
        new("start add requirement", HttpMethod.Post, p => $"/api/v1/assessments/{p.DraftC}/start/scope", () => JsonContent.Create(new { code = "Z.99" }),
            p => OfficerWrite(p, HttpStatusCode.BadRequest)),
        new("start confirm scope", HttpMethod.Post, p => $"/api/v1/assessments/{p.DraftC}/start/scope/confirm", null, p => OfficerWrite(p, HttpStatusCode.OK)),
        // No supplier chosen: the officer gets as far as what the steps still need (400), so no test here confirms C.
        new("start confirm", HttpMethod.Post, p => $"/api/v1/assessments/{p.DraftC}/start/confirm", null, p => OfficerWrite(p, HttpStatusCode.BadRequest)),
        new("competing bid", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/competing-bids", null,
            p => p == Person.Officer ? HttpStatusCode.Created : IsTrustStaff(p) || p == Person.Supplier ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound),

        // Invitations: an unknown one, so nobody accepts anything here; the officer re-invites to draft C, which is not confirmed yet.
        new("invite supplier", HttpMethod.Post, p => $"/api/v1/assessments/{p.DraftC}/invitations", () => JsonContent.Create(new { email = "matrix@acme-clinical.example" }),
            p => OfficerWrite(p, HttpStatusCode.Conflict)),
        new("pending invitations", HttpMethod.Get, _ => "/api/v1/invitations", null, _ => HttpStatusCode.OK),
        new("accept invitation", HttpMethod.Post, _ => "/api/v1/invitations/accept", () => JsonContent.Create(new { invitationId = 999999 }),
            p => p is Person.Supplier or Person.OtherSupplier ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden),

        // The supplier's side of A: not every answer is given, so submitting stops at what is missing (400).
        new("submit", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/submit", null, p => SupplierWrite(p, HttpStatusCode.BadRequest)),
        new("functions", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/functions", null, VisibleRead),
        new("save function", HttpMethod.Put, p => $"/api/v1/assessments/{p.AssessmentA}/functions/{p.FunctionA}", () => JsonContent.Create(new { apiOperation = "GET /Patient" }),
            p => SupplierWrite(p, HttpStatusCode.OK), IfMatchAny: true),
        new("not applicable", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/responses/not-applicable",
            () => JsonContent.Create(new { requirements = new[] { new { code = "P.5", eTag = "*" } }, justification = "The system has no such interface." }),
            p => SupplierWrite(p, HttpStatusCode.OK)),
        new("comments", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/responses/P.1/comments", null, VisibleRead),
        new("add comment", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/responses/P.1/comments", () => JsonContent.Create(new { text = "Which FHIR version?" }),
            p => VisibleRead(p) == HttpStatusCode.OK ? HttpStatusCode.Created : HttpStatusCode.NotFound),

        // The NHS side of B (under review, one decision): each transition gets as far as the review's own state (409).
        new("start review", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentB}/review/start", null, OfficerTransition),
        new("send clarifications", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentB}/review/clarifications", null, OfficerTransition),
        new("send for sign-off", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentB}/review/send-for-sign-off", null, OfficerTransition),
        new("sign off", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentB}/sign-off", () => JsonContent.Create(new { decision = "Approve", attested = true }),
            p => p == Person.Ccio ? HttpStatusCode.Conflict : IsTrustStaff(p) || p == Person.Supplier ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound, IfMatchAny: true),
        new("condition owners", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentB}/sign-off/condition-owners", null,
            p => p == Person.Ccio ? HttpStatusCode.Conflict : IsTrustStaff(p) || p == Person.Supplier ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound),

        new("notifications", HttpMethod.Get, _ => "/api/v1/notifications", null, _ => HttpStatusCode.OK),
        new("mark notifications read", HttpMethod.Post, _ => "/api/v1/notifications/read", () => JsonContent.Create(new { ids = new[] { 1L, 2L } }), _ => HttpStatusCode.OK),

        // Administrators' operations: invalid bodies, so no test here adds or changes anyone.
        new("people", HttpMethod.Get, _ => "/api/v1/administration/people", null, AdministratorOnly(HttpStatusCode.OK)),
        new("link person", HttpMethod.Put, p => $"/api/v1/administration/people/{p.OfficerUserId}/link", () => JsonContent.Create(new { nhsOrganisationId = 1, supplierId = 1 }),
            AdministratorOnly(HttpStatusCode.BadRequest), IfMatchAny: true),
        new("set person active", HttpMethod.Put, p => $"/api/v1/administration/people/{p.OfficerUserId}/active", () => JsonContent.Create(new { active = true }),
            AdministratorOnly(HttpStatusCode.NoContent), IfMatchAny: true),
        new("organisations", HttpMethod.Get, _ => "/api/v1/administration/organisations", null, AdministratorOnly(HttpStatusCode.OK)),
        new("add organisation", HttpMethod.Post, _ => "/api/v1/administration/organisations", () => JsonContent.Create(new { odsCode = "", name = "", kind = "Trust" }),
            AdministratorOnly(HttpStatusCode.BadRequest)),
        new("set organisation parent", HttpMethod.Put, _ => "/api/v1/administration/organisations/999999/parent", () => JsonContent.Create(new { parentOdsCode = "XDS" }),
            AdministratorOnly(HttpStatusCode.NotFound), IfMatchAny: true),
        new("suppliers", HttpMethod.Get, _ => "/api/v1/administration/suppliers", null, AdministratorOnly(HttpStatusCode.OK)),
        new("add supplier", HttpMethod.Post, _ => "/api/v1/administration/suppliers", () => JsonContent.Create(new { name = "" }), AdministratorOnly(HttpStatusCode.BadRequest)),
        new("discard version", HttpMethod.Delete, p => $"/api/v1/versions/{p.VersionId}", null, AdministratorOnly(HttpStatusCode.Conflict)),
        new("recalculate scores", HttpMethod.Post, _ => "/api/v1/scores/recalculate", null,
            p => p is Person.Supplier or Person.OtherSupplier ? HttpStatusCode.Forbidden : HttpStatusCode.OK),
        new("access tokens", HttpMethod.Get, _ => "/api/v1/account/tokens", null, _ => HttpStatusCode.OK),

        // Mail: each person's own preference; failed mail for administrators (an empty list for anyone else).
        new("mail preference", HttpMethod.Get, _ => "/api/v1/account/mail-preference", null, _ => HttpStatusCode.OK),
        new("set mail preference", HttpMethod.Put, _ => "/api/v1/account/mail-preference", () => JsonContent.Create(new { delivery = "Immediate" }), _ => HttpStatusCode.OK),
        new("failed mail", HttpMethod.Get, _ => "/api/v1/administration/mail", null, _ => HttpStatusCode.OK),
        new("resend mail", HttpMethod.Post, _ => "/api/v1/administration/mail/999999/resend", null, AdministratorOnly(HttpStatusCode.NotFound)),
        new("waiting mail", HttpMethod.Get, _ => "/api/v1/administration/mail/waiting", null, _ => HttpStatusCode.OK),
        new("resend stopped mail", HttpMethod.Post, _ => "/api/v1/administration/mail/resend-stopped", null, AdministratorOnly(HttpStatusCode.OK)),

        // Conditions and plans of A, which is not signed off: no condition or plan exists, so every decision is "not found".
        new("follow-ups", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/follow-ups", null, VisibleRead),
        new("mark condition done", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/follow-ups/conditions/999999/done",
            () => JsonContent.Create(new { note = "Published the error catalogue." }), _ => HttpStatusCode.NotFound),
        new("accept condition", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/follow-ups/conditions/999999/accept", null, _ => HttpStatusCode.NotFound),
        new("send back condition", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/follow-ups/conditions/999999/send-back",
            () => JsonContent.Create(new { reason = "The catalogue is not published yet." }), _ => HttpStatusCode.NotFound),
        new("mark plan done", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/follow-ups/plans/999999/done",
            () => JsonContent.Create(new { note = "Listed in the NHS API catalogue." }), _ => HttpStatusCode.NotFound),
        new("accept plan", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/follow-ups/plans/999999/accept", null, _ => HttpStatusCode.NotFound),
        new("send back plan", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/follow-ups/plans/999999/send-back",
            () => JsonContent.Create(new { reason = "The listing is not live yet." }), _ => HttpStatusCode.NotFound),
        new("link plan to contract date", HttpMethod.Put, p => $"/api/v1/assessments/{p.AssessmentA}/follow-ups/plans/999999/contract-date",
            () => JsonContent.Create(new { linked = true }), _ => HttpStatusCode.NotFound),
        new("reopen sign-off", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/follow-ups/reopen-sign-off",
            () => JsonContent.Create(new { reason = "The plan is overdue." }), p => p == Person.Officer ? HttpStatusCode.Conflict : IsTrustStaff(p) || p == Person.Supplier ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound),

        // Link checks of A's document: a document is not a link, so it has no checks and cannot be checked (400 says so).
        new("link checks", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/evidence/{p.DocumentId}/checks", null, VisibleRead),
        new("check link again", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/evidence/{p.DocumentId}/checks", null,
            p => VisibleRead(p) == HttpStatusCode.OK ? HttpStatusCode.BadRequest : HttpStatusCode.NotFound),
        new("revoke access token", HttpMethod.Delete, _ => "/api/v1/account/tokens/999999", null, _ => HttpStatusCode.NotFound),

        // Products and evidence packs: Acme keeps them; the trust, which the pack is shared with, may read it; nobody else knows it exists.
        // Invalid bodies and ids, so no test here adds a product, a second pack or a share.
        new("products", HttpMethod.Get, _ => "/api/v1/products", null, _ => HttpStatusCode.OK),
        new("add product", HttpMethod.Post, _ => "/api/v1/products", () => JsonContent.Create(new { name = "" }),
            p => p is Person.Supplier or Person.OtherSupplier ? HttpStatusCode.BadRequest : HttpStatusCode.Forbidden),
        new("add product version", HttpMethod.Post, p => $"/api/v1/products/{p.ProductId}/versions", () => JsonContent.Create(new { label = "" }),
            p => p == Person.Supplier ? HttpStatusCode.BadRequest : p == Person.OtherSupplier ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden),
        new("product versions of a draft", HttpMethod.Get, p => $"/api/v1/assessments/{p.DraftC}/product-versions", null, _ => HttpStatusCode.OK),
        new("choose product version", HttpMethod.Put, p => $"/api/v1/assessments/{p.DraftC}/product-version", () => JsonContent.Create(new { productVersionId = (int?)null }),
            p => OfficerWrite(p, HttpStatusCode.NoContent)),
        new("evidence packs", HttpMethod.Get, _ => "/api/v1/evidence-packs", null, _ => HttpStatusCode.OK),
        new("start evidence pack", HttpMethod.Post, _ => "/api/v1/evidence-packs", () => JsonContent.Create(new { productVersionId = 0 }),
            p => p is Person.Supplier or Person.OtherSupplier ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden),
        new("evidence pack", HttpMethod.Get, p => $"/api/v1/evidence-packs/{p.PackId}", null, VisibleRead),
        new("save pack answer", HttpMethod.Put, p => $"/api/v1/evidence-packs/{p.PackId}/answers/P.1",
            () => JsonContent.Create(new { claim = "Meets", narrative = "Through our FHIR API." }), p => SupplierWrite(p, HttpStatusCode.OK), IfMatchAny: true),
        new("add pack link", HttpMethod.Post, p => $"/api/v1/evidence-packs/{p.PackId}/answers/P.3/evidence/links",
            () => JsonContent.Create(new { kind = "Documentation", title = "API reference", url = "https://example.org/api", evidenceDate = TimeProvider.System.PortalToday() }),
            p => SupplierWrite(p, HttpStatusCode.Created), IfMatchAny: true),
        new("add pack document", HttpMethod.Post, p => $"/api/v1/evidence-packs/{p.PackId}/answers/P.4/evidence/documents", DocumentForm,
            p => SupplierWrite(p, HttpStatusCode.Created), IfMatchAny: true),
        new("remove pack evidence", HttpMethod.Delete, p => $"/api/v1/evidence-packs/{p.PackId}/evidence/999999", null,
            p => SupplierWrite(p, HttpStatusCode.NotFound), IfMatchAny: true),
        new("download pack document", HttpMethod.Get, p => $"/api/v1/evidence-packs/evidence/{p.PackDocumentId}/content", null, VisibleRead),
        new("share pack", HttpMethod.Post, p => $"/api/v1/evidence-packs/{p.PackId}/shares", () => JsonContent.Create(new { odsCode = "ZZZ9" }),
            p => SupplierWrite(p, HttpStatusCode.BadRequest)),
        new("withdraw pack share", HttpMethod.Delete, p => $"/api/v1/evidence-packs/{p.PackId}/shares/XDS", null, p => SupplierWrite(p, HttpStatusCode.NotFound)),
        // Reassessment: A is not signed off, so the officer gets as far as that (409); draft C reassesses nothing, which is the officer's to say.
        new("reassessment sources", HttpMethod.Get, _ => "/api/v1/reassessment-sources", null, _ => HttpStatusCode.OK),
        new("reassessment versions", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/reassessment-versions", null, _ => HttpStatusCode.OK),
        new("start reassessment", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/reassessments", () => JsonContent.Create(new { productVersionId = (int?)null }),
            OfficerTransition),
        new("choose reassessed assessment", HttpMethod.Put, p => $"/api/v1/assessments/{p.DraftC}/reassesses", () => JsonContent.Create(new { sourceId = (int?)null }),
            p => OfficerWrite(p, HttpStatusCode.NoContent)),
        // A names no product version, so Acme gets as far as that (409).
        new("fill from pack", HttpMethod.Post, p => $"/api/v1/assessments/{p.AssessmentA}/fill-from-pack", null, p => SupplierWrite(p, HttpStatusCode.Conflict)),
        // Open data and verification need no token: everyone gets the same answer (the register is empty here; no code is a bad request).
        new("register", HttpMethod.Get, _ => "/api/v1/register", null, _ => HttpStatusCode.OK),
        new("register csv", HttpMethod.Get, _ => "/api/v1/register.csv", null, _ => HttpStatusCode.OK),
        new("verify scorecard", HttpMethod.Get, _ => "/api/v1/scorecards/verify", null, _ => HttpStatusCode.BadRequest),
        new("register publication", HttpMethod.Get, p => $"/api/v1/assessments/{p.AssessmentA}/register", null, NhsRead),
        // A is not signed off: its officer and CCIO get as far as that (409); the trust's administrator may not choose.
        new("publish to register", HttpMethod.Put, p => $"/api/v1/assessments/{p.AssessmentA}/register", null, RegisterChoice),
        new("withdraw from register", HttpMethod.Delete, p => $"/api/v1/assessments/{p.AssessmentA}/register", null, RegisterChoice),
    ];

    private static HttpStatusCode RegisterChoice(Person p) =>
        p is Person.Officer or Person.Ccio ? HttpStatusCode.Conflict : IsTrustStaff(p) || p == Person.Supplier ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound;

    private static readonly string[] AdministratorsSeeEveryone = ["people", "suppliers", "organisations", "failed mail", "waiting mail"];

    /// <summary>The trust officer's own draft: other trust staff see it but may not change it; nobody else knows it exists.</summary>
    private static HttpStatusCode OfficerWrite(Person p, HttpStatusCode success) =>
        p == Person.Officer ? success : IsTrustStaff(p) ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound;

    /// <summary>A review transition of B: the officer meets the review's state; Acme and the trust's other staff are refused.</summary>
    private static HttpStatusCode OfficerTransition(Person p) =>
        p == Person.Officer ? HttpStatusCode.Conflict : IsTrustStaff(p) || p == Person.Supplier ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound;

    private static Func<Person, HttpStatusCode> AdministratorOnly(HttpStatusCode success) =>
        p => p is Person.Administrator or Person.OtherAdministrator ? success : HttpStatusCode.Forbidden;

    private static MultipartFormDataContent DocumentForm()
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(SampleDocuments.Pdf()), "file", "matrix-upload.pdf" },
            { new StringContent("Interface specification"), "title" },
            { new StringContent("Documentation"), "kind" },
            { new StringContent(TimeProvider.System.PortalToday().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), "evidenceDate" },
        };
        return form;
    }

    public static TheoryData<string, Person> Cases()
    {
        var cases = new TheoryData<string, Person>();
        foreach (var operation in Operations)
        {
            foreach (var person in Enum.GetValues<Person>())
            {
                cases.Add(operation.Name, person);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_operation_answers_each_person_as_the_portals_rules_say_and_shows_no_other_organisations_data(string operationName, Person person)
    {
        var operation = Operations.Single(o => o.Name == operationName);
        using var request = new HttpRequestMessage(operation.Method, operation.Path(portal)) { Content = operation.Body?.Invoke() };
        if (operation.IfMatchAny)
        {
            request.Headers.TryAddWithoutValidation("If-Match", "*");
        }

        using var response = await portal.Clients[person].SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(operation.Expected(person) == response.StatusCode, $"{operationName} as {person}: expected {(int)operation.Expected(person)}, got {(int)response.StatusCode}: {body[..Math.Min(body.Length, 400)]}");
        // The portal's administrators look after everyone's accounts and every supplier, whichever organisation they belong to.
        var seesEveryone = AdministratorsSeeEveryone.Contains(operationName) && person == Person.OtherAdministrator;
        if (!IsTrustStaff(person) && person != Person.Supplier && !seesEveryone)
        {
            Assert.DoesNotContain(SystemName, body, StringComparison.Ordinal);
            Assert.DoesNotContain(DocumentName, body, StringComparison.Ordinal);
            Assert.DoesNotContain($"OAP-{portal.AssessmentA:D5}", body, StringComparison.Ordinal);
            Assert.DoesNotContain("Acme Clinical Systems", body, StringComparison.Ordinal);
        }

        if ((int)response.StatusCode >= 400)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task The_matrix_covers_every_operation_in_the_api_reference()
    {
        using var client = portal.Factory.ApiClient(token: null);
        using var document = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var documented = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => $"{method.Name.ToUpperInvariant()} {path.Name}"))
            .ToHashSet();
        var covered = Operations.Select(o => $"{o.Method.Method} {Template(o.Path(portal))}").ToHashSet();

        Assert.Empty(documented.Except(covered).Except(NotInMatrix));
    }

    /// <summary>Operations the matrix leaves to their own tests: publishing needs a draft, removing evidence needs one to remove.</summary>
    private static readonly string[] NotInMatrix = ["POST /api/v1/versions/{versionId}/publish", "DELETE /api/v1/assessments/{assessmentId}/evidence/{evidenceId}"];

    private string Template(string path) => path
        .Replace($"/evidence-packs/evidence/{portal.PackDocumentId}/", "/evidence-packs/evidence/{evidenceId}/", StringComparison.Ordinal)
        .Replace($"/evidence-packs/{portal.PackId}", "/evidence-packs/{packId}", StringComparison.Ordinal)
        .Replace("/evidence-packs/{packId}/evidence/999999", "/evidence-packs/{packId}/evidence/{evidenceId}", StringComparison.Ordinal)
        .Replace("/shares/XDS", "/shares/{odsCode}", StringComparison.Ordinal)
        .Replace("/answers/P.1", "/answers/{code}", StringComparison.Ordinal)
        .Replace("/answers/P.3/", "/answers/{code}/", StringComparison.Ordinal)
        .Replace("/answers/P.4/", "/answers/{code}/", StringComparison.Ordinal)
        .Replace($"/products/{portal.ProductId}/", "/products/{productId}/", StringComparison.Ordinal)
        .Replace($"/versions/{portal.VersionId}", "/versions/{versionId}", StringComparison.Ordinal)
        .Replace($"/assessments/{portal.AssessmentA}", "/assessments/{assessmentId}", StringComparison.Ordinal)
        .Replace($"/assessments/{portal.AssessmentB}", "/assessments/{assessmentId}", StringComparison.Ordinal)
        .Replace($"/assessments/{portal.DraftC}/", "/assessments/{assessmentId}/", StringComparison.Ordinal)
        .Replace($"/functions/{portal.FunctionA}", "/functions/{functionId}", StringComparison.Ordinal)
        .Replace($"/people/{portal.OfficerUserId}/", "/people/{userId}/", StringComparison.Ordinal)
        .Replace("/organisations/999999/", "/organisations/{organisationId}/", StringComparison.Ordinal)
        .Replace("/account/tokens/999999", "/account/tokens/{tokenId}", StringComparison.Ordinal)
        .Replace("/scope/P.1/", "/scope/{code}/", StringComparison.Ordinal)
        .Replace($"/evidence/{portal.DocumentId}/", "/evidence/{evidenceId}/", StringComparison.Ordinal)
        .Replace("/mail/999999/", "/mail/{id}/", StringComparison.Ordinal)
        .Replace("/conditions/999999/", "/conditions/{id}/", StringComparison.Ordinal)
        .Replace("/plans/999999/", "/plans/{id}/", StringComparison.Ordinal)
        .Replace("/requirements/P.1", "/requirements/{code}", StringComparison.Ordinal)
        .Replace("/responses/P.1", "/responses/{code}", StringComparison.Ordinal)
        .Replace("/responses/P.3/", "/responses/{code}/", StringComparison.Ordinal)
        .Replace("/responses/P.4/", "/responses/{code}/", StringComparison.Ordinal);
}
