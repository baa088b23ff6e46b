using System.Globalization;
using CsvHelper;
using Portal.Data.Policy;
using Portal.Data.Policy.Catalogue;

namespace Portal.Features.Policy;

/// <summary>A catalogue version as CSV, one row per requirement, for spreadsheets. Lists are separated by "; ".</summary>
public static class CatalogueCsv
{
    private static readonly string[] Header =
    [
        "framework", "version", "id", "section", "title", "statement", "guidance", "evidence", "obligation", "actors", "source",
        "related", "procure", "develop", "upgrade", "conditions",
    ];

    public static string Write(CatalogueDocument document)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = CsvWriter.Create(text, SpreadsheetText.CsvOptions, leaveOpen: true))
        {
            csv.WriteHeader(Header);
            foreach (var r in document.Requirements)
            {
                csv.WriteRecord(
                [
                    document.Framework.Name,
                    document.Version,
                    r.Id,
                    r.Section,
                    r.Title,
                    r.Statement,
                    r.Guidance,
                    string.Join("; ", CatalogueJson.FlagNames(r.Evidence)),
                    r.Obligation.ToString(),
                    string.Join("; ", CatalogueJson.FlagNames(r.Actors)),
                    r.Source,
                    string.Join("; ", r.Related),
                    Standing(r, AssessmentRoute.Procure),
                    Standing(r, AssessmentRoute.Develop),
                    Standing(r, AssessmentRoute.Upgrade),
                    string.Join("; ", CatalogueJson.FlagNames(r.Conditions)),
                ]);
            }

            csv.Flush();
        }

        return text.ToString();
    }

    private static string Standing(CatalogueRequirement r, AssessmentRoute route) =>
        r.Routes.TryGetValue(route, out var standing) ? standing.ToString() : string.Empty;
}
