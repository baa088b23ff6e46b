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
                    new EvidenceInput(EvidenceItemKind.Documentation, "Specification", null, DateOnly.FromDateTime(DateTime.UtcNow), null), DocumentName, pdf);
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
            () => JsonContent.Create(new { kind = "Documentation", title = "API reference", url = "https://example.org/api", evidenceDate = DateOnly.FromDateTime(DateTime.UtcNow) }),
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
    ];

    private static MultipartFormDataContent DocumentForm()
    {
        var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(SampleDocuments.Pdf()), "file", "matrix-upload.pdf" },
            { new StringContent("Interface specification"), "title" },
            { new StringContent("Documentation"), "kind" },
            { new StringContent(DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), "evidenceDate" },
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
        if (!IsTrustStaff(person) && person != Person.Supplier)
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
        .Replace($"/versions/{portal.VersionId}", "/versions/{versionId}", StringComparison.Ordinal)
        .Replace($"/assessments/{portal.AssessmentA}", "/assessments/{assessmentId}", StringComparison.Ordinal)
        .Replace($"/assessments/{portal.AssessmentB}", "/assessments/{assessmentId}", StringComparison.Ordinal)
        .Replace($"/evidence/{portal.DocumentId}/", "/evidence/{evidenceId}/", StringComparison.Ordinal)
        .Replace("/requirements/P.1", "/requirements/{code}", StringComparison.Ordinal)
        .Replace("/responses/P.1", "/responses/{code}", StringComparison.Ordinal)
        .Replace("/responses/P.3/", "/responses/{code}/", StringComparison.Ordinal)
        .Replace("/responses/P.4/", "/responses/{code}/", StringComparison.Ordinal);
}
