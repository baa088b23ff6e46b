namespace Portal.Features.Evidence.Inspection;

/// <summary>
/// Looks inside a document whose bytes already match its type (<see cref="DocumentTypes.ContentMatches"/>) for content
/// that could act on the person who opens it, and returns a verdict with a reason the supplier can act on.
/// </summary>
public static class DocumentInspector
{
    public static InspectionVerdict Inspect(DocumentType type, Stream content) => Inspect(type, content, ArchiveLimits.Default);

    public static InspectionVerdict Inspect(DocumentType type, Stream content, ArchiveLimits limits)
    {
        try
        {
            if (type == DocumentTypes.Pdf)
            {
                return PdfInspector.Inspect(content);
            }

            if (type == DocumentTypes.Png)
            {
                return ImageInspector.InspectPng(content);
            }

            if (type == DocumentTypes.Jpeg)
            {
                return ImageInspector.InspectJpeg(content);
            }

            if (type == DocumentTypes.Docx || type == DocumentTypes.Xlsx || type == DocumentTypes.Odt || type == DocumentTypes.Ods)
            {
                var (zip, refusal) = CappedZip.Open(content, limits);
                if (zip is null)
                {
                    return InspectionVerdict.Refuse(refusal!);
                }

                using (zip)
                {
                    return type == DocumentTypes.Odt || type == DocumentTypes.Ods ? OpenDocumentInspector.Inspect(zip) : OpenXmlInspector.Inspect(zip);
                }
            }

            return TextInspector.Inspect(type, content);
        }
        catch (ArchiveLimitException ex)
        {
            return InspectionVerdict.Refuse(ex.Message);
        }
        catch (Exception ex) when (ex is System.Xml.XmlException or InvalidDataException or System.Text.DecoderFallbackException or EndOfStreamException)
        {
            return InspectionVerdict.Refuse($"This {type.Name} is damaged or not in the usual form; save it again from the program that made it and upload that.");
        }
        finally
        {
            content.Position = 0;
        }
    }
}
