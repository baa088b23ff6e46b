using System.Globalization;
using System.Text;
using System.Text.Json;
using Portal.Features.Evidence.Inspection;

namespace Portal.Features.Evidence;

/// <summary>An allowed kind of document: its extensions and the content type it is served with.</summary>
public sealed record DocumentType(string Name, string[] Extensions, string ContentType);

/// <summary>
/// The allow-list of evidence documents, and the check that a file's bytes are what its name claims, so an
/// executable or a web page renamed ".pdf" is refused.
/// </summary>
public static class DocumentTypes
{
    public static readonly DocumentType Pdf = new("PDF", [".pdf"], "application/pdf");
    public static readonly DocumentType Docx = new("Word document", [".docx"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    public static readonly DocumentType Xlsx = new("Excel workbook", [".xlsx"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    public static readonly DocumentType Odt = new("OpenDocument text", [".odt"], "application/vnd.oasis.opendocument.text");
    public static readonly DocumentType Ods = new("OpenDocument spreadsheet", [".ods"], "application/vnd.oasis.opendocument.spreadsheet");
    public static readonly DocumentType Png = new("PNG image", [".png"], "image/png");
    public static readonly DocumentType Jpeg = new("JPEG image", [".jpg", ".jpeg"], "image/jpeg");
    public static readonly DocumentType Text = new("text file", [".txt"], "text/plain; charset=utf-8");
    public static readonly DocumentType Csv = new("CSV file", [".csv"], "text/csv; charset=utf-8");
    public static readonly DocumentType Json = new("JSON file", [".json"], "application/json");
    public static readonly DocumentType Yaml = new("YAML file", [".yaml", ".yml"], "application/yaml");

    public static readonly IReadOnlyList<DocumentType> All = [Pdf, Docx, Xlsx, Odt, Ods, Png, Jpeg, Text, Csv, Json, Yaml];

    public static string AllowedExtensions => string.Join(", ", All.SelectMany(t => t.Extensions).Select(e => e.TrimStart('.').ToUpperInvariant()).Distinct());

    public static DocumentType? ForFileName(string fileName)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        return All.FirstOrDefault(t => t.Extensions.Contains(extension));
    }

    /// <summary>Whether the content really is the type its name claims; reads the stream from the start.</summary>
    private const int MimetypeBytes = 100;

    public static bool ContentMatches(DocumentType type, Stream content)
    {
        content.Position = 0;
        try
        {
            if (type == Pdf)
            {
                return StartsWith(content, "%PDF-"u8);
            }

            if (type == Png)
            {
                return StartsWith(content, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
            }

            if (type == Jpeg)
            {
                return StartsWith(content, [0xFF, 0xD8, 0xFF]);
            }

            if (type == Docx)
            {
                return ZipHas(content, zip => zip.Entry("[Content_Types].xml") is not null && zip.Entry("word/document.xml") is not null);
            }

            if (type == Xlsx)
            {
                return ZipHas(content, zip => zip.Entry("[Content_Types].xml") is not null && zip.Entry("xl/workbook.xml") is not null);
            }

            if (type == Odt || type == Ods)
            {
                var mime = type == Odt ? "application/vnd.oasis.opendocument.text" : "application/vnd.oasis.opendocument.spreadsheet";
                // The mimetype entry is a few dozen bytes; reading only that many keeps an entry that inflates to gigabytes harmless.
                return ZipHas(content, zip => zip.Entry("mimetype") is { } entry && Encoding.ASCII.GetString(zip.ReadStart(entry, MimetypeBytes)).Trim() == mime);
            }

            var text = ReadText(content);
            if (text is null)
            {
                return false;
            }

            if (type == Json)
            {
                using var _ = JsonDocument.Parse(text);
            }

            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or IOException or ArchiveLimitException)
        {
            return false;
        }
        finally
        {
            content.Position = 0;
        }
    }

    /// <summary>
    /// A file name safe to show and to send back: no folders, no control characters, and no invisible formatting or
    /// bidirectional characters (a right-to-left override makes "evil\u202Eexe.txt" look like "eviltxt.exe"), so the
    /// extension shown is the real one; at most 120 characters.
    /// </summary>
    public static string CleanFileName(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        var visible = new StringBuilder();
        foreach (var rune in name.EnumerateRunes())
        {
            if (!IsHidden(rune) && !(rune.IsBmp && (Path.GetInvalidFileNameChars().Contains((char)rune.Value) || rune.Value is '<' or '>' or '"' or '\'')))
            {
                visible.Append(rune.ToString());
            }
        }

        var cleaned = visible.ToString().Trim().TrimStart('.');
        if (cleaned.Length > 120)
        {
            var extension = Path.GetExtension(cleaned);
            cleaned = cleaned[..(120 - extension.Length)] + extension;
        }

        return cleaned.Length == 0 ? "document" : cleaned;
    }

    /// <summary>Control characters, line and paragraph separators, and format characters (Cf: bidirectional controls, zero-width characters, soft hyphens).</summary>
    private static bool IsHidden(Rune rune) =>
        Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
        // Fillers that show as blank space but are letters or marks by category.
        || rune.Value is 0x034F or 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0xFFFC or 0xFFFD;

    private static bool StartsWith(Stream content, ReadOnlySpan<byte> signature)
    {
        Span<byte> head = stackalloc byte[signature.Length];
        return content.ReadAtLeast(head, signature.Length, throwOnEndOfStream: false) == signature.Length && head.SequenceEqual(signature);
    }

    /// <summary>
    /// Whether the archive passes <paramref name="test"/>; an archive past the <see cref="ArchiveLimits"/> is not judged
    /// here but by <see cref="DocumentInspector"/>, which says why it is refused.
    /// </summary>
    private static bool ZipHas(Stream content, Func<CappedZip, bool> test)
    {
        if (!StartsWith(content, "PK\u0003\u0004"u8))
        {
            return false;
        }

        var (zip, _) = CappedZip.Open(content, ArchiveLimits.Default);
        if (zip is null)
        {
            return true;
        }

        using (zip)
        {
            return test(zip);
        }
    }

    /// <summary>UTF-8 text with no NUL or other control characters than tab and line ends; null otherwise.</summary>
    private static string? ReadText(Stream content)
    {
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return null;
        }

        return text.Any(c => char.IsControl(c) && c is not ('\t' or '\r' or '\n' or '\uFEFF')) ? null : text;
    }
}
