using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Portal.Api;

/// <summary>Worked examples in the OpenAPI document for the operations a newcomer uses first.</summary>
public static class ApiExamples
{
    private static readonly Dictionary<string, string> RequestBodies = new(StringComparer.Ordinal)
    {
        ["SaveResponse"] = """
            { "claim": "Meets", "narrative": "Every function is exposed through our FHIR R4 API; see the published reference." }
            """,
        ["AddEvidenceLink"] = """
            { "kind": "Documentation", "title": "API reference", "url": "https://developer.example-supplier.co.uk/api", "evidenceDate": "2026-11-01", "validUntil": "2027-11-01" }
            """,
        ["RecordReviewDecisions"] = """
            { "requirements": ["P.1", "P.3"], "outcome": "Accepted" }
            """,
    };

    private static readonly Dictionary<string, string> Responses = new(StringComparer.Ordinal)
    {
        ["GetMe"] = """
            { "userId": 3, "name": "Sam Okafor", "email": "sam.okafor@acme-clinical.example", "role": "SupplierAccountManager",
              "organisation": null, "supplier": { "id": 1, "name": "Acme Clinical Systems Ltd" }, "scope": "ReadWrite" }
            """,
        ["ListAssessments"] = """
            { "items": [ { "id": 1, "reference": "OAP-00001", "systemName": "Patient administration system", "supplier": "Acme Clinical Systems Ltd",
                           "organisation": "Demo Valley NHS Foundation Trust", "status": "AwaitingSupplier", "route": "Procure",
                           "responseDueDate": "2026-12-15", "procurementReference": "PR-2026-001", "inScope": 48, "answered": 12,
                           "rag": null, "nextDue": "2026-12-15" } ],
              "page": 1, "pageSize": 25, "total": 1 }
            """,
    };

    public static void Add(OpenApiOperation operation)
    {
        if (operation.OperationId is not { } id)
        {
            return;
        }

        if (RequestBodies.TryGetValue(id, out var request) && operation.RequestBody?.Content is { } content
            && content.TryGetValue("application/json", out var requestMedia))
        {
            requestMedia.Example = JsonNode.Parse(request);
        }

        if (Responses.TryGetValue(id, out var response) && operation.Responses?.TryGetValue("200", out var ok) == true
            && ok.Content?.TryGetValue("application/json", out var responseMedia) == true)
        {
            responseMedia.Example = JsonNode.Parse(response);
        }
    }
}
