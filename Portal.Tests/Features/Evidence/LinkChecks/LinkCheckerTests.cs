using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Evidence;
using Portal.Features.Evidence.LinkChecks;
using Portal.Tests.TestSupport;
using Task = System.Threading.Tasks.Task;

namespace Portal.Tests.Features.Evidence.LinkChecks;

/// <summary>
/// Each kind of check against real documents served by a local server: the portal's own OpenAPI document (from a test
/// host), the CapabilityStatement the FHIR specification publishes and one made and serialised by the Firely SDK, broken and truncated copies of both,
/// documentation behind a sign-in redirect, a sandbox that wants credentials, a dead port and a redirect inside.
/// </summary>
public sealed class LinkCheckerTests(LinkCheckerTests.Documents documents) : IClassFixture<LinkCheckerTests.Documents>
{
    public sealed class Documents : IAsyncLifetime
    {
        public string PortalOpenApi { get; private set; } = "";

        public string FhirStatement { get; } = FirelyCapabilityStatement();

        /// <summary>
        /// The CapabilityStatement the FHIR R4 specification itself publishes ("base", the full base statement for all
        /// resources) as the specification's own file holds it (profiles-resources.xml in the specification.zip that
        /// Firely ships as Hl7.Fhir.Specification.Data.R4), read by the SDK and served as FHIR JSON, as a server would.
        /// </summary>
        public string PublishedFhirStatement { get; } = PublishedCapabilityStatement("base");

        public LinkTestServer Server { get; private set; } = default!;

        public ServiceProvider Services { get; private set; } = default!;

        public LinkChecker Checker => Services.GetRequiredService<LinkChecker>();

        public async Task InitializeAsync()
        {
            await using (var portal = new PortalAppFactory())
            {
                using var client = portal.CreateClient();
                PortalOpenApi = await client.GetStringAsync("/openapi/v1.json");
            }

            Server = await LinkTestServer.StartAsync(app =>
            {
                app.MapGet("/openapi.json", () => Results.Text(PortalOpenApi, "application/json"));
                app.MapGet("/openapi-truncated.json", () => Results.Text(PortalOpenApi[..(PortalOpenApi.Length / 2)], "application/json"));
                app.MapGet("/openapi-broken.json", () => Results.Text("{ \"openapi\": \"3.1.0\", \"info\": ", "application/json"));
                app.MapGet("/not-openapi.json", () => Results.Text("{\"hello\": \"world\"}", "application/json"));
                app.MapGet("/bare.yaml", () => Results.Text(BareSwaggerYaml, "application/yaml"));
                app.MapGet("/metadata", () => Results.Text(FhirStatement, "application/fhir+json"));
                app.MapGet("/published-metadata", () => Results.Text(PublishedFhirStatement, "application/fhir+json"));
                app.MapGet("/metadata-truncated", () => Results.Text(FhirStatement[..(FhirStatement.Length / 2)], "application/fhir+json"));
                app.MapGet("/Patient/1", () => Results.Text(new Patient { Id = "1", Active = true }.ToJson(), "application/fhir+json"));
                app.MapGet("/docs", () => Results.Text("<!doctype html><title>API guide</title><h1>API guide</h1>", "text/html"));
                app.MapGet("/private-docs", () => Results.Redirect("/account/login?returnUrl=%2Fprivate-docs"));
                app.MapGet("/account/login", () => Results.Text("<!doctype html><title>Sign in</title><form></form>", "text/html"));
                app.MapGet("/forbidden-docs", () => Results.StatusCode(403));
                app.MapGet("/docs-to-inside", () => Results.Redirect("http://10.1.2.3/docs"));
                app.MapGet("/sandbox", () => Results.StatusCode(401));
                app.MapGet("/sandbox-with-spec", () => Results.Text("sandbox"));
                app.MapGet("/ping", () => Results.Text("pong"));
            });
            Services = LinkTestServer.Fetchers(Server.Origin);
        }

        public async Task DisposeAsync()
        {
            await Services.DisposeAsync();
            await Server.DisposeAsync();
        }

        private static string PublishedCapabilityStatement(string id)
        {
            var zip = Path.Combine(AppContext.BaseDirectory, "specification.zip");
            using var archive = System.IO.Compression.ZipFile.OpenRead(zip);
            using var stream = archive.GetEntry("profiles-resources.xml")!.Open();
            using var reader = System.Xml.XmlReader.Create(stream);
            XNamespace fhir = "http://hl7.org/fhir";
            while (reader.ReadToFollowing("CapabilityStatement", fhir.NamespaceName))
            {
                var element = (XElement)XNode.ReadFrom(reader);
                if (element.Element(fhir + "id")?.Attribute("value")?.Value == id)
                {
                    return new FhirXmlDeserializer().DeserializeResource(element.ToString()).ToJson();
                }
            }

            throw new InvalidOperationException($"The FHIR specification's profiles-resources.xml has no CapabilityStatement '{id}'.");
        }

        /// <summary>A CapabilityStatement the Firely SDK makes from its own model of three R4 resources and serialises.</summary>
        private static string FirelyCapabilityStatement()
        {
            string[] types = ["Patient", "Observation", "Encounter"];
            var statement = new CapabilityStatement
            {
                Status = PublicationStatus.Active,
                Date = "2026-12-01",
                Kind = CapabilityStatementKind.Instance,
                FhirVersion = FHIRVersion.N4_0_1,
                Format = ["json"],
                Name = "TestFhirServer",
                Implementation = new CapabilityStatement.ImplementationComponent { Description = "Test server", Url = "https://fhir.example.org/R4" },
                Rest =
                [
                    new CapabilityStatement.RestComponent
                    {
                        Mode = CapabilityStatement.RestfulCapabilityMode.Server,
                        Resource = types.Select(t => new CapabilityStatement.ResourceComponent
                        {
                            Type = ModelInfo.FhirTypeNameToResourceType(t)!.Value.ToString(),
                            Profile = $"https://fhir.hl7.org.uk/StructureDefinition/UKCore-{t}",
                            Interaction =
                            [
                                new() { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                                new() { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
                            ],
                        }).ToList(),
                    },
                ],
            };
            return statement.ToJson();
        }

        private const string BareSwaggerYaml = """
            swagger: "2.0"
            info:
              title: Bare API
              version: "1"
            paths:
              /patients:
                get:
                  responses:
                    "200":
                      description: OK
              /patients/{id}:
                get:
                  parameters:
                    - name: id
                      in: path
                      required: true
                      type: string
                  responses:
                    "200":
                      description: OK
            """;
    }

    private Task<CheckFindings> CheckAsync(EvidenceItemKind kind, string path, LinkCheckDetails? specification = null) =>
        documents.Checker.CheckAsync(kind, documents.Server.At(path).ToString(), specification, CancellationToken.None);

    [Fact]
    public async Task The_portals_own_OpenAPI_document_is_read_with_its_operations_and_rules()
    {
        var found = await CheckAsync(EvidenceItemKind.OpenApiSpecification, "/openapi.json");

        Assert.True(found.Outcome is LinkCheckOutcome.Passed or LinkCheckOutcome.Findings, found.Summary);
        Assert.StartsWith("OpenAPI 3.1 \"", found.Summary, StringComparison.Ordinal);
        Assert.Contains(found.Details.Operations, o => o.Method == "GET" && o.Path == "/api/v1/assessments/{assessmentId}/scorecard");
        Assert.True(found.Details.Operations.Count > 20);
        Assert.Contains(found.Details.Facts, f => f.Name == "Security schemes" && f.Value != "none");
        Assert.DoesNotContain(found.Details.Findings, f => f.StartsWith("No versioning", StringComparison.Ordinal));
        Assert.Equal(LinkChecker.Hash(System.Text.Encoding.UTF8.GetBytes(documents.PortalOpenApi)), found.Sha256);
    }

    [Fact]
    public async Task A_bare_swagger_document_in_YAML_gets_findings_a_reviewer_understands()
    {
        var found = await CheckAsync(EvidenceItemKind.OpenApiSpecification, "/bare.yaml");

        Assert.Equal(LinkCheckOutcome.Findings, found.Outcome);
        Assert.StartsWith("OpenAPI 2.0 \"Bare API\" version 1: 2 operations", found.Summary, StringComparison.Ordinal);
        Assert.Contains("Operations without a description: 2 of 2.", found.Details.Findings);
        Assert.Contains("No versioning in paths or servers (such as /v1/).", found.Details.Findings);
        Assert.Contains("No security scheme: the document does not say how callers are identified.", found.Details.Findings);
        Assert.Contains("No 4xx or 5xx responses documented.", found.Details.Findings);
    }

    [Theory]
    [InlineData("/openapi-truncated.json")]
    [InlineData("/openapi-broken.json")]
    [InlineData("/not-openapi.json")]
    public async Task A_broken_or_truncated_OpenAPI_document_fails(string path)
    {
        var found = await CheckAsync(EvidenceItemKind.OpenApiSpecification, path);

        Assert.Equal(LinkCheckOutcome.Failed, found.Outcome);
        Assert.Contains("OpenAPI document", found.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_FHIR_CapabilityStatement_is_read_with_its_resources_interactions_and_UK_Core_profiles()
    {
        var found = await CheckAsync(EvidenceItemKind.FhirCapabilityStatement, "/metadata");

        Assert.Equal(LinkCheckOutcome.Passed, found.Outcome);
        Assert.Equal("FHIR 4.0.1 CapabilityStatement: 3 resources, 6 interactions, 3 UK Core profiles.", found.Summary);
        Assert.Contains(new CheckFact("Resources", "Patient: read, search-type; Observation: read, search-type; Encounter: read, search-type"), found.Details.Facts);
        Assert.Contains(found.Details.Operations, o => o.Method == "Patient" && o.Path == "read");
    }

    [Fact]
    public async Task The_CapabilityStatement_the_FHIR_specification_publishes_is_read_with_every_resource_and_no_UK_Core()
    {
        var found = await CheckAsync(EvidenceItemKind.FhirCapabilityStatement, "/published-metadata");

        // The base statement names every R4 resource; it is no NHS server's, so the UK Core finding is right.
        Assert.Equal(LinkCheckOutcome.Findings, found.Outcome);
        Assert.StartsWith("FHIR 4.0.1 CapabilityStatement: ", found.Summary, StringComparison.Ordinal);
        Assert.Contains(found.Details.Findings, f => f.StartsWith("No UK Core profiles", StringComparison.Ordinal));
        var resources = found.Details.Facts.Single(f => f.Name == "Resources").Value;
        Assert.Contains("Patient: ", resources, StringComparison.Ordinal);
        Assert.Contains("CapabilityStatement: ", resources, StringComparison.Ordinal);
        Assert.True(found.Details.Operations.Select(o => o.Method).Distinct().Count() > 100,
            $"The base statement covers every R4 resource; read {found.Details.Operations.Select(o => o.Method).Distinct().Count()}.");
        Assert.DoesNotContain(found.Details.Findings, f => f.StartsWith("The Firely SDK found", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_truncated_CapabilityStatement_or_another_resource_fails()
    {
        var truncated = await CheckAsync(EvidenceItemKind.FhirCapabilityStatement, "/metadata-truncated");
        var patient = await CheckAsync(EvidenceItemKind.FhirCapabilityStatement, "/Patient/1");

        Assert.Equal(LinkCheckOutcome.Failed, truncated.Outcome);
        Assert.Equal(LinkCheckOutcome.Failed, patient.Outcome);
        Assert.Equal("It is a FHIR Patient, not a CapabilityStatement.", patient.Summary);
    }

    [Fact]
    public async Task Public_documentation_passes_with_its_kind_and_size()
    {
        var found = await CheckAsync(EvidenceItemKind.Documentation, "/docs");

        Assert.Equal(LinkCheckOutcome.Passed, found.Outcome);
        Assert.True(found.Details.IsPublic);
        Assert.StartsWith("Public HTML page, ", found.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/private-docs", "sign-in page")]
    [InlineData("/forbidden-docs", "HTTP 403")]
    public async Task Documentation_behind_a_sign_in_is_not_public(string path, string why)
    {
        var found = await CheckAsync(EvidenceItemKind.Documentation, path);

        Assert.Equal(LinkCheckOutcome.Failed, found.Outcome);
        Assert.False(found.Details.IsPublic);
        Assert.StartsWith("Not public: ", found.Summary, StringComparison.Ordinal);
        Assert.Contains(why, found.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Documentation_that_redirects_inside_the_network_is_refused()
    {
        var found = await CheckAsync(EvidenceItemKind.Documentation, "/docs-to-inside");

        Assert.Equal(LinkCheckOutcome.Failed, found.Outcome);
        Assert.Contains("only fetches public addresses", found.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sandbox_that_answers_401_answers_but_needs_credentials_and_plain_http_is_a_finding()
    {
        var found = await CheckAsync(EvidenceItemKind.TestEnvironment, "/sandbox");

        Assert.Equal(LinkCheckOutcome.Findings, found.Outcome);
        Assert.Equal("The sandbox answers, but needs credentials.", found.Summary);
        Assert.True(found.Details.Answers);
        Assert.Contains("Served over plain http://, not TLS (https://).", found.Details.Findings);
    }

    [Fact]
    public async Task A_sandbox_named_by_the_specification_has_a_harmless_documented_operation_tried()
    {
        var specification = new LinkCheckDetails
        {
            Servers = [documents.Server.Origin],
            Operations = [new("POST", "/orders", null, null), new("GET", "/orders/{id}", null, null, true), new("GET", "/ping", "ping", null)],
        };

        var found = await CheckAsync(EvidenceItemKind.TestEnvironment, "/sandbox-with-spec", specification);

        Assert.Contains(new CheckFact("Documented operation tried", "GET /ping: answered HTTP 200"), found.Details.Facts);
        Assert.Contains("GET /ping", documents.Server.Requests);
        Assert.DoesNotContain(documents.Server.Requests, r => r.StartsWith("POST", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sandbox_on_a_dead_port_does_not_answer()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var services = LinkTestServer.Fetchers($"http://127.0.0.1:{port}");

        var found = await services.GetRequiredService<LinkChecker>().CheckAsync(EvidenceItemKind.TestEnvironment, $"http://127.0.0.1:{port}/", null, CancellationToken.None);

        Assert.Equal(LinkCheckOutcome.Failed, found.Outcome);
        Assert.False(found.Details.Answers);
        Assert.StartsWith("The sandbox does not answer: Could not connect", found.Summary, StringComparison.Ordinal);
    }
}
