using Portal.Features.Evidence.LinkChecks;

namespace Portal.Tests.Features.Evidence.LinkChecks;

public sealed class FunctionOperationsTests
{
    private static readonly LinkCheckDetails OpenApi = new()
    {
        SpecificationKind = "openapi",
        Operations = [new("GET", "/Patient/{patientId}", "getPatient", "Read a patient"), new("POST", "/Encounter/$allocate-bed", "allocateBed", null)],
    };

    private static readonly LinkCheckDetails Fhir = new()
    {
        SpecificationKind = "fhir",
        Operations = [new("Patient", "read", null, "Patient read"), new("Observation", "search-type", null, "Observation search-type")],
    };

    [Theory]
    [InlineData("GET /Patient/{id}", true)]
    [InlineData("get /patient/{id}", true)]
    [InlineData("GET /fhir/R4/Patient/{id}", true)]
    [InlineData("getPatient", true)]
    [InlineData("POST /Encounter/$allocate-bed", true)]
    [InlineData("Patient read", true)]
    [InlineData("observation search-type", true)]
    [InlineData("DELETE /Patient/{id}", false)]
    [InlineData("GET /Patients/{id}", false)]
    [InlineData("GET /Patient", false)]
    [InlineData("Patient delete", false)]
    [InlineData("getpatient", false)]
    public void A_stated_operation_is_found_by_method_and_path_operation_id_or_FHIR_interaction(string stated, bool found)
    {
        var match = FunctionOperations.Match(stated, [OpenApi, Fhir]);

        Assert.Equal(found, match.Found);
    }

    [Fact]
    public void A_found_operation_names_where_and_its_summary()
    {
        Assert.Equal("Found in the OpenAPI specification: GET /Patient/{patientId} (Read a patient).", FunctionOperations.Match("GET /Patient/{id}", [OpenApi]).Text);
    }
}
