using System.IO.Compression;
using System.Xml;

namespace Portal.Features.Evidence.Inspection;

/// <summary>
/// OpenDocument text and spreadsheets (ODF): refuses Basic macros and scripts, whether stored as parts (Basic/, Scripts/),
/// listed in the manifest, or bound to events in the content. Every XML part is read with an XML parser through the caps.
/// </summary>
public static class OpenDocumentInspector
{
    private const string ScriptNamespace = "urn:oasis:names:tc:opendocument:xmlns:script:1.0";
    private const string OfficeNamespace = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";

    private static InspectionVerdict Macros => InspectionVerdict.Refuse(
        "This document contains macros or scripts, which can run programs; remove them (Tools > Macros > Organise Macros), save it again and upload that.");

    public static InspectionVerdict Inspect(CappedZip zip)
    {
        if (zip.Entries.Any(e => IsScriptPath(e.FullName)))
        {
            return Macros;
        }

        foreach (var entry in zip.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)))
        {
            if (!Part(zip, entry).Accepted)
            {
                return Macros;
            }
        }

        return InspectionVerdict.Accept;
    }

    private static bool IsScriptPath(string path) =>
        path.StartsWith("Basic/", StringComparison.OrdinalIgnoreCase) || path.StartsWith("Scripts/", StringComparison.OrdinalIgnoreCase);

    private static InspectionVerdict Part(CappedZip zip, ZipArchiveEntry entry)
    {
        using var xml = zip.OpenXml(entry);
        while (xml.Read())
        {
            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            // The manifest lists every part with its media type; a script library or macro part is refused by either.
            if (xml.LocalName == "file-entry"
                && ((xml.GetAttribute("manifest:full-path") ?? string.Empty) is var path && IsScriptPath(path)
                    || (xml.GetAttribute("manifest:media-type") ?? string.Empty).Contains("script", StringComparison.OrdinalIgnoreCase)))
            {
                return Macros;
            }

            if (xml.NamespaceURI == ScriptNamespace
                || (xml.NamespaceURI == OfficeNamespace && xml.LocalName == "script"))
            {
                return Macros;
            }

            if (xml.HasAttributes)
            {
                while (xml.MoveToNextAttribute())
                {
                    if (xml.Value.StartsWith("vnd.sun.star.script:", StringComparison.OrdinalIgnoreCase) || xml.Value.StartsWith("macro:", StringComparison.OrdinalIgnoreCase))
                    {
                        return Macros;
                    }
                }

                xml.MoveToElement();
            }
        }

        return InspectionVerdict.Accept;
    }
}
