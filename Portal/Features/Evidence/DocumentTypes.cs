using System.IO.Compression;
using System.Text;
using System.Text.Json;

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
                return ZipHas(content, archive => archive.GetEntry("[Content_Types].xml") is not null && archive.GetEntry("word/document.xml") is not null);
            }

            if (type == Xlsx)
            {
                return ZipHas(content, archive => archive.GetEntry("[Content_Types].xml") is not null && archive.GetEntry("xl/workbook.xml") is not null);
            }

            if (type == Odt || type == Ods)
            {
                var mime = type == Odt ? "application/vnd.oasis.opendocument.text" : "application/vnd.oasis.opendocument.spreadsheet";
                return ZipHas(content, archive => archive.GetEntry("mimetype") is { } entry && ReadAll(entry) == mime);
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
        catch (Exception ex) when (ex is InvalidDataException or JsonException or IOException)
        {
            return false;
        }
        finally
        {
            content.Position = 0;
        }
    }

    /// <summary>A file name safe to show and to send back: no folders, no control characters, at most 120 characters.</summary>
    public static string CleanFileName(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        var cleaned = new string(name.Where(c => !char.IsControl(c) && !Path.GetInvalidFileNameChars().Contains(c) && c is not ('<' or '>' or '"' or '\'')).ToArray()).Trim().TrimStart('.');
        if (cleaned.Length > 120)
        {
            var extension = Path.GetExtension(cleaned);
            cleaned = cleaned[..(120 - extension.Length)] + extension;
        }

        return cleaned.Length == 0 ? "document" : cleaned;
    }

    private static bool StartsWith(Stream content, ReadOnlySpan<byte> signature)
    {
        Span<byte> head = stackalloc byte[signature.Length];
        return content.ReadAtLeast(head, signature.Length, throwOnEndOfStream: false) == signature.Length && head.SequenceEqual(signature);
    }

    private static bool ZipHas(Stream content, Func<ZipArchive, bool> test)
    {
        if (!StartsWith(content, "PK\u0003\u0004"u8))
        {
            return false;
        }

        content.Position = 0;
        using var archive = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
        return test(archive);
    }

    private static string ReadAll(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open(), Encoding.ASCII);
        return reader.ReadToEnd().Trim();
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
