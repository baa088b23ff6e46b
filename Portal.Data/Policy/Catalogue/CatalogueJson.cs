using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Portal.Data.Policy.Catalogue;

/// <summary>
/// Writes a catalogue in the file's own shape as JSON, so an export can be re-imported unchanged. The same
/// canonical text gives the version's content hash.
/// </summary>
public static class CatalogueJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Write(CatalogueDocument document)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartObject("framework");
            json.WriteString("key", document.Framework.Key);
            json.WriteString("name", document.Framework.Name);
            json.WriteString("publisher", document.Framework.Publisher);
            json.WriteString("source", document.Framework.Source);
            json.WriteEndObject();
            json.WriteString("version", document.Version);
            json.WriteString("summary", document.Summary);

            json.WriteStartArray("sections");
            foreach (var section in document.Sections)
            {
                json.WriteStartObject();
                json.WriteString("code", section.Code);
                json.WriteString("title", section.Title);
                json.WriteString("source", section.Source);
                json.WriteString("summary", section.Summary);
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("requirements");
            foreach (var requirement in document.Requirements)
            {
                json.WriteStartObject();
                json.WriteString("id", requirement.Id);
                json.WriteString("section", requirement.Section);
                json.WriteString("title", requirement.Title);
                json.WriteString("statement", requirement.Statement);
                json.WriteString("guidance", requirement.Guidance);
                WriteNames(json, "evidence", FlagNames(requirement.Evidence));
                json.WriteString("obligation", requirement.Obligation.ToString());
                WriteNames(json, "actors", FlagNames(requirement.Actors));
                json.WriteString("source", requirement.Source);
                WriteNames(json, "related", requirement.Related);
                json.WriteStartObject("routes");
                foreach (var route in Enum.GetValues<AssessmentRoute>())
                {
                    if (requirement.Routes.TryGetValue(route, out var standing))
                    {
                        json.WriteString(route.ToString(), standing.ToString());
                    }
                }

                json.WriteEndObject();
                WriteNames(json, "conditions", FlagNames(requirement.Conditions));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string ContentHash(CatalogueDocument document) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Write(document))));

    /// <summary>Names of the set flags, in the enum's declared order.</summary>
    public static IReadOnlyList<string> FlagNames<TFlags>(TFlags value)
        where TFlags : struct, Enum
    {
        var bits = Convert.ToUInt64(value, null);
        return Enum.GetValues<TFlags>()
            .Where(flag => Convert.ToUInt64(flag, null) is var f && f != 0 && (bits & f) == f)
            .Select(flag => flag.ToString())
            .ToList();
    }

    private static void WriteNames(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
