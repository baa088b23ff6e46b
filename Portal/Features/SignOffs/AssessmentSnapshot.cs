using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features.SignOffs;

/// <summary>
/// The canonical text of what a sign-off vouches for: the catalogue version, every in-scope answer, its
/// evidence (with document hashes), the review decisions and the significant functions, in a fixed order.
/// Its SHA-256 is the sign-off's seal, so anyone can recompute it and see whether anything has changed.
/// </summary>
public static class AssessmentSnapshot
{
    /// <summary>
    /// What the sign-off reviewer decided and saw: the decision, the scorecard's status and its unmet "must"
    /// requirements, and the reason for approving a Red assessment. Sealed with the assessment, so none of it can be
    /// changed afterwards without the seal showing it.
    /// </summary>
    public sealed record Statement(string Decision, string Status, string StatusReason, IReadOnlyList<string> UnmetMust, string? RedApprovalReason);

    /// <summary>The assessment alone, as it stands now; a sign-off's snapshot is this with its statement added at the end.</summary>
    public static Task<string> BuildAsync(PortalDbContext db, int assessmentId, CancellationToken cancellationToken) =>
        BuildAsync(db, assessmentId, null, cancellationToken);

    public static async Task<string> BuildAsync(PortalDbContext db, int assessmentId, Statement? statement, CancellationToken cancellationToken)
    {
        var assessment = await db.Assessments.AsNoTracking()
            .Where(a => a.Id == assessmentId)
            .Select(a => new { a.Id, a.SystemName, a.Route, a.Conditions, Version = a.FrameworkVersion!.Label, a.FrameworkVersion.ContentHash })
            .SingleAsync(cancellationToken);
        var requirements = await db.AssessmentRequirements.AsNoTracking()
            .Where(r => r.AssessmentId == assessmentId && r.InScope).OrderBy(r => r.Order).Select(r => new { r.Id, r.Code }).ToListAsync(cancellationToken);
        var responses = await db.RequirementResponses.AsNoTracking().Include(r => r.Evidence)
            .Where(r => r.AssessmentId == assessmentId).ToDictionaryAsync(r => r.AssessmentRequirementId, cancellationToken);
        var decisions = await db.ReviewDecisions.AsNoTracking()
            .Where(d => d.AssessmentId == assessmentId).ToDictionaryAsync(d => d.AssessmentRequirementId, cancellationToken);
        var functions = await db.SignificantFunctions.AsNoTracking()
            .Where(f => f.AssessmentId == assessmentId).OrderBy(f => f.Order).ToListAsync(cancellationToken);

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("assessment", $"OAP-{assessment.Id:D5}");
            json.WriteString("system", assessment.SystemName);
            json.WriteString("route", assessment.Route?.ToString());
            json.WriteString("conditions", assessment.Conditions.ToString());
            json.WriteString("catalogueVersion", assessment.Version);
            json.WriteString("catalogueHash", assessment.ContentHash);
            json.WriteStartArray("requirements");
            foreach (var requirement in requirements)
            {
                responses.TryGetValue(requirement.Id, out var response);
                decisions.TryGetValue(requirement.Id, out var decision);
                json.WriteStartObject();
                json.WriteString("id", requirement.Code);
                json.WriteString("claim", response?.Claim?.ToString());
                json.WriteString("narrative", response?.Narrative);
                json.WriteString("notApplicableJustification", response?.NotApplicableJustification);
                json.WriteString("plannedDate", response?.PlannedDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                json.WriteString("plan", response?.Plan);
                json.WriteStartArray("evidence");
                foreach (var item in (response?.Evidence ?? []).OrderBy(e => e.Id))
                {
                    json.WriteStartObject();
                    json.WriteString("kind", item.Kind.ToString());
                    json.WriteString("title", item.Title);
                    json.WriteString("url", item.Url);
                    json.WriteString("sha256", item.Sha256);
                    json.WriteString("validUntil", item.ValidUntil?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteString("decision", decision?.Outcome.ToString());
                json.WriteString("decisionNote", decision?.Note);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("functions");
            foreach (var function in functions)
            {
                json.WriteStartObject();
                json.WriteString("name", function.Name);
                json.WriteString("apiOperation", function.ApiOperation);
                json.WriteString("documentationUrl", function.DocumentationUrl);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (statement is not null)
            {
                json.WriteStartObject("signOff");
                json.WriteString("decision", statement.Decision);
                json.WriteString("status", statement.Status);
                json.WriteString("statusReason", statement.StatusReason);
                json.WriteStartArray("unmetMust");
                foreach (var code in statement.UnmetMust)
                {
                    json.WriteStringValue(code);
                }

                json.WriteEndArray();
                json.WriteString("redApprovalReason", statement.RedApprovalReason);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string Seal(string snapshot) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(snapshot)));
}
