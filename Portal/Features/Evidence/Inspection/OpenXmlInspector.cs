using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;

namespace Portal.Features.Evidence.Inspection;

/// <summary>
/// Word and Excel documents (OOXML): refuses macros, ActiveX controls, embedded OLE objects, DDE fields and links that
/// make Office fetch something from elsewhere when the document opens (such as a remote template). Every XML part is
/// read with an XML parser through the archive's caps.
/// </summary>
public static partial class OpenXmlInspector
{
    private const string SaveAgain = "save it again as an ordinary .docx or .xlsx";

    public static InspectionVerdict Inspect(CappedZip zip)
    {
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName.ToLowerInvariant();
            if (name.EndsWith("vbaproject.bin", StringComparison.Ordinal) || name.EndsWith("vbadata.xml", StringComparison.Ordinal))
            {
                return Macros;
            }

            if (name.Contains("/activex/", StringComparison.Ordinal))
            {
                return ActiveX;
            }

            if (name.Contains("/embeddings/", StringComparison.Ordinal) && name.EndsWith(".bin", StringComparison.Ordinal))
            {
                return OleObject;
            }
        }

        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName;
            var verdict = name == "[Content_Types].xml" ? ContentTypes(zip, entry)
                : name.EndsWith(".rels", StringComparison.OrdinalIgnoreCase) ? Relationships(zip, entry)
                : name.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) ? Part(zip, entry)
                : InspectionVerdict.Accept;
            if (!verdict.Accepted)
            {
                return verdict;
            }
        }

        return InspectionVerdict.Accept;
    }

    private static InspectionVerdict Macros => InspectionVerdict.Refuse($"This document contains macros (VBA), which can run programs; {SaveAgain} (not macro-enabled) and upload that.");

    private static InspectionVerdict ActiveX => InspectionVerdict.Refuse($"This document contains ActiveX controls, which can run programs; remove them, {SaveAgain} and upload that.");

    private static InspectionVerdict OleObject => InspectionVerdict.Refuse($"This document contains an embedded object (OLE) that can hold a program; paste it as a picture instead, {SaveAgain} and upload that.");

    private static InspectionVerdict Dde => InspectionVerdict.Refuse($"This document contains a DDE field or link, which can start another program; remove it, {SaveAgain} and upload that.");

    private static InspectionVerdict ContentTypes(CappedZip zip, ZipArchiveEntry entry)
    {
        using var xml = zip.OpenXml(entry);
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.Element && xml.GetAttribute("ContentType") is { } contentType)
            {
                if (contentType.Contains("macroEnabled", StringComparison.OrdinalIgnoreCase) || contentType.Contains("vbaProject", StringComparison.OrdinalIgnoreCase))
                {
                    return Macros;
                }

                if (contentType.Contains("activeX", StringComparison.OrdinalIgnoreCase))
                {
                    return ActiveX;
                }

                if (contentType.Contains("oleObject", StringComparison.OrdinalIgnoreCase))
                {
                    return OleObject;
                }
            }
        }

        return InspectionVerdict.Accept;
    }

    /// <summary>An external relationship other than a hyperlink is fetched when the document opens (a remote template, picture or object).</summary>
    private static InspectionVerdict Relationships(CappedZip zip, ZipArchiveEntry entry)
    {
        using var xml = zip.OpenXml(entry);
        while (xml.Read())
        {
            if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "Relationship")
            {
                continue;
            }

            var type = xml.GetAttribute("Type") ?? string.Empty;
            if (type.EndsWith("/vbaProject", StringComparison.OrdinalIgnoreCase))
            {
                return Macros;
            }

            if (string.Equals(xml.GetAttribute("TargetMode"), "External", StringComparison.OrdinalIgnoreCase)
                && !type.EndsWith("/hyperlink", StringComparison.OrdinalIgnoreCase))
            {
                var what = type[(type.LastIndexOf('/') + 1)..];
                return InspectionVerdict.Refuse(
                    $"This document links to an outside file that Office fetches when it opens ({(what == "attachedTemplate" ? "a remote template" : what)}: {Shorten(xml.GetAttribute("Target"))}); "
                    + $"remove the link, {SaveAgain} and upload that.");
            }
        }

        return InspectionVerdict.Accept;
    }

    /// <summary>Field instructions (Word) and formulas and links (Excel) that reach for DDE.</summary>
    private static InspectionVerdict Part(CappedZip zip, ZipArchiveEntry entry)
    {
        var instructions = new StringBuilder();
        using var xml = zip.OpenXml(entry);
        xml.Read();
        while (!xml.EOF && instructions.Length < 100_000)
        {
            if (xml.NodeType == XmlNodeType.Element)
            {
                switch (xml.LocalName)
                {
                    case "instrText" when !xml.IsEmptyElement:
                        // Word joins a field's instruction runs with nothing between ("DD" + "EAUTO"). Reading the
                        // content moves to the next node, so the loop does not read again.
                        instructions.Append(xml.ReadElementContentAsString());
                        continue;
                    case "f" when !xml.IsEmptyElement:
                        if (DdeFormula().IsMatch(xml.ReadElementContentAsString()))
                        {
                            return Dde;
                        }

                        continue;
                    case "fldSimple":
                        instructions.Append(' ').Append(xml.GetAttribute("instr", xml.NamespaceURI) ?? xml.GetAttribute("instr")).Append(' ');
                        break;
                    case "ddeLink" or "oleLink":
                        return Dde;
                }
            }

            xml.Read();
        }

        return DdeField().IsMatch(instructions.ToString()) ? Dde : InspectionVerdict.Accept;
    }

    private static string Shorten(string? target) => target is null ? "no address" : target.Length > 80 ? target[..80] + "…" : target;

    [GeneratedRegex(@"\bDDE(AUTO)?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DdeField();

    /// <summary>Excel's DDE formula form: application|topic!item, such as cmd|'/c calc'!A0.</summary>
    [GeneratedRegex(@"[A-Za-z0-9_.]+\s*\|\s*'?[^!]*'?\s*!", RegexOptions.CultureInvariant)]
    private static partial Regex DdeFormula();
}
