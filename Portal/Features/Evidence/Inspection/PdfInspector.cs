using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.IO;

namespace Portal.Features.Evidence.Inspection;

/// <summary>
/// PDFs, read with PDFsharp (not by searching bytes): refuses JavaScript, Launch actions, embedded files, XFA forms and
/// rich media anywhere in the document's objects, PDFs PDFsharp cannot read, data after the last %%EOF, and object
/// streams that would unpack past <see cref="PdfCompressedStreams.DefaultLimitBytes"/> (checked before PDFsharp reads them).
/// </summary>
public static class PdfInspector
{
    private const string PrintToPdf = "save it again without it, for example by printing it to PDF, and upload that";

    /// <summary>Whitespace a writer may leave after %%EOF; anything more is another file joined on.</summary>
    private const int AllowedTrailingWhitespace = 32;

    private static readonly System.Buffers.SearchValues<byte> Whitespace = System.Buffers.SearchValues.Create(" \t\r\n\0\f"u8);
    private static readonly HashSet<string> MediaSubtypes = ["/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"];
    private static readonly HashSet<string> MediaActions = ["/Rendition", "/Movie", "/Sound", "/RichMediaExecute"];

    private enum Finding
    {
        None,
        RichMedia,
        Xfa,
        EmbeddedFile,
        Launch,
        JavaScript,
    }

    public static InspectionVerdict Inspect(Stream content)
    {
        if (!EndsAtEof(content))
        {
            return InspectionVerdict.Refuse($"This PDF has other data after its end (it may be a PDF joined to another file); {PrintToPdf}.");
        }

        if (!PdfCompressedStreams.WithinLimit(content))
        {
            return InspectionVerdict.Refuse($"This PDF's compressed object streams unpack to more than {PdfCompressedStreams.DefaultLimitBytes >> 20} MB, as a \"zip bomb\" does; save it again, for example by printing it to PDF, and upload that.");
        }

        PdfDocument document;
        content.Position = 0;
        try
        {
            document = PdfReader.Open(content, PdfDocumentOpenMode.Import);
        }
        // A parser facing hostile bytes can fail in many ways; every one of them means the file is not a PDF the portal can vouch for.
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return InspectionVerdict.Refuse("This PDF could not be read (it may be damaged or protected by a password); save it again without a password, for example by printing it to PDF, and upload that.");
        }

        using (document)
        {
            var finding = Finding.None;
            var seen = new HashSet<PdfObject>(ReferenceEqualityComparer.Instance);
            foreach (var item in document.Internals.GetAllObjects())
            {
                finding = Max(finding, Walk(item, seen, depth: 0));
            }

            finding = Max(finding, Walk(document.Internals.Catalog, seen, depth: 0));
            return finding switch
            {
                Finding.JavaScript => InspectionVerdict.Refuse("This PDF contains JavaScript; save it again without scripts, for example by printing it to PDF, and upload that."),
                Finding.Launch => InspectionVerdict.Refuse($"This PDF contains an action that starts another program (a Launch action); {PrintToPdf}."),
                Finding.EmbeddedFile => InspectionVerdict.Refuse("This PDF has files embedded in it; upload each document on its own, and save the PDF again without attachments, for example by printing it to PDF."),
                Finding.Xfa => InspectionVerdict.Refuse("This PDF is an XFA form, which can run scripts; save it again as an ordinary PDF, for example by printing it to PDF, and upload that."),
                Finding.RichMedia => InspectionVerdict.Refuse($"This PDF contains embedded media (video, sound, Flash or 3D); {PrintToPdf}."),
                _ => InspectionVerdict.Accept,
            };
        }
    }

    private static Finding Max(Finding a, Finding b) => a > b ? a : b;

    /// <summary>Every dictionary, including those nested directly inside others; indirect objects are reached through the object table.</summary>
    private static Finding Walk(PdfItem? item, HashSet<PdfObject> seen, int depth)
    {
        if (depth > 64 || item is not PdfObject pdfObject || !seen.Add(pdfObject))
        {
            return Finding.None;
        }

        var finding = Finding.None;
        if (pdfObject is PdfDictionary dictionary)
        {
            finding = Classify(dictionary.Elements);
            foreach (var key in dictionary.Elements.Keys)
            {
                finding = Max(finding, Walk(dictionary.Elements[key], seen, depth + 1));
            }
        }
        else if (pdfObject is PdfArray array)
        {
            foreach (var element in array.Elements)
            {
                finding = Max(finding, Walk(element, seen, depth + 1));
            }
        }

        return finding;
    }

    private static Finding Classify(PdfDictionary.DictionaryElements elements)
    {
        var action = Name(elements, "/S");
        var type = Name(elements, "/Type");
        var subtype = Name(elements, "/Subtype");
        if (elements.ContainsKey("/JS") || elements.ContainsKey("/JavaScript") || action == "/JavaScript")
        {
            return Finding.JavaScript;
        }

        if (action == "/Launch" || elements.ContainsKey("/Launch"))
        {
            return Finding.Launch;
        }

        if (elements.ContainsKey("/EF") || elements.ContainsKey("/EmbeddedFiles") || type == "/EmbeddedFile" || subtype == "/FileAttachment" || action is "/GoToE" or "/ImportData")
        {
            return Finding.EmbeddedFile;
        }

        if (elements.ContainsKey("/XFA"))
        {
            return Finding.Xfa;
        }

        return (subtype is not null && MediaSubtypes.Contains(subtype)) || (action is not null && MediaActions.Contains(action)) || elements.ContainsKey("/RichMediaContent")
            ? Finding.RichMedia
            : Finding.None;
    }

    private static string? Name(PdfDictionary.DictionaryElements elements, string key) =>
        elements[key] switch
        {
            PdfName name => name.Value,
            _ => null,
        };

    /// <summary>Whether nothing but a little whitespace follows the last %%EOF.</summary>
    private static bool EndsAtEof(Stream content)
    {
        var marker = "%%EOF"u8;
        var tailLength = (int)Math.Min(content.Length, AllowedTrailingWhitespace + marker.Length);
        var tail = new byte[tailLength];
        content.Position = content.Length - tailLength;
        content.ReadExactly(tail);
        var end = tail.AsSpan().LastIndexOf(marker);
        return end >= 0 && tail.AsSpan(end + marker.Length).IndexOfAnyExcept(Whitespace) < 0;
    }
}
