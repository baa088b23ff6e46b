using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Portal.Features.Evidence.Inspection;

/// <summary>
/// Text evidence (TXT, CSV, JSON, YAML) that is really something else: a web page or SVG (markup a browser would run),
/// JavaScript, spreadsheet formulas in a CSV, or YAML tags that make some programs build objects. A "&lt;" in prose
/// is fine; a tag a browser would act on is not.
/// </summary>
public static partial class TextInspector
{
    private const int MaxYamlEvents = 500_000;

    private static readonly HashSet<string> StandardYamlTags =
    [
        "str", "int", "float", "bool", "null", "map", "seq", "binary", "timestamp", "set", "omap", "pairs", "merge", "value",
    ];

    public static InspectionVerdict Inspect(DocumentType type, Stream content)
    {
        content.Position = 0;
        string text;
        using (var reader = new StreamReader(content, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, leaveOpen: true))
        {
            text = reader.ReadToEnd();
        }

        var kind = type.Name;
        if (Markup().IsMatch(text))
        {
            return InspectionVerdict.Refuse($"This {kind} contains web page markup (HTML or SVG), which a browser would run; upload the document as a PDF instead.");
        }

        if (Script().IsMatch(text))
        {
            return InspectionVerdict.Refuse($"This {kind} contains JavaScript or another script; upload the document as a PDF instead.");
        }

        if (type == DocumentTypes.Csv && Formula().IsMatch(text))
        {
            return InspectionVerdict.Refuse("This CSV file contains spreadsheet formulas (cells starting with =, +, - or @ that call a function or another program); save it again with values only and upload that.");
        }

        return type == DocumentTypes.Yaml ? Yaml(text) : InspectionVerdict.Accept;
    }

    private static InspectionVerdict Yaml(string text)
    {
        try
        {
            var parser = new Parser(new StringReader(text));
            var events = 0;
            while (parser.MoveNext())
            {
                if (++events > MaxYamlEvents)
                {
                    return InspectionVerdict.Refuse($"This YAML file has more than {MaxYamlEvents} items; split it or upload it as a PDF.");
                }

                if (parser.Current is NodeEvent { Tag: { IsEmpty: false } tag } && !IsStandard(tag.Value))
                {
                    return InspectionVerdict.Refuse($"This YAML file uses the type tag {tag.Value}, which makes some programs build objects or run code; remove the tag and upload it again.");
                }
            }
        }
        catch (YamlException ex)
        {
            return InspectionVerdict.Refuse($"This YAML file cannot be read as YAML ({ex.Start}); correct it and upload it again.");
        }
        // YamlDotNet's scanner reports some malformed input this way rather than as a YamlException.
        catch (InvalidOperationException)
        {
            return InspectionVerdict.Refuse("This YAML file cannot be read as YAML; correct it and upload it again.");
        }

        return InspectionVerdict.Accept;
    }

    /// <summary>Local tags ("!Ref") belong to the file's own application; global ones must be YAML's standard types.</summary>
    private static bool IsStandard(string tag) =>
        !tag.StartsWith("tag:", StringComparison.Ordinal) || (tag.StartsWith("tag:yaml.org,2002:", StringComparison.Ordinal) && StandardYamlTags.Contains(tag["tag:yaml.org,2002:".Length..]));

    /// <summary>An opening tag of an element a browser acts on (not "a &lt; b" or "&lt;placeholder&gt;").</summary>
    [GeneratedRegex(@"<\s*(?:script|html|head|body|svg|iframe|frame|frameset|object|embed|applet|style|link|meta|base|form|img|video|audio|math|template|!doctype\s+html|\?xml[^>]*>\s*<\s*svg)\b|<\s*a\s+href\s*=|<[a-z][a-z0-9-]*\s[^<>]*\bon[a-z]+\s*=",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Markup();

    [GeneratedRegex(@"\b(?:java|vb)script\s*:|data:text/html|\bdocument\s*\.\s*(?:cookie|write|location|domain)\b|\bwindow\s*\.\s*(?:location|open|eval)\b|\beval\s*\(|\bnew\s+Function\s*\(|\bActiveXObject\b|\bWScript\s*\.|\bfromCharCode\s*\(|\bXMLHttpRequest\b|\bimportScripts\s*\(",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Script();

    /// <summary>A field that starts with a formula calling a function or reaching another program (DDE: cmd|'/c calc'!A0).</summary>
    [GeneratedRegex(@"(?:^|[,;\t])\s*""?\s*[=+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*[(|]", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Formula();
}
