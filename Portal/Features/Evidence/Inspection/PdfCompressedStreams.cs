using System.IO.Compression;

namespace Portal.Features.Evidence.Inspection;

/// <summary>
/// Checks how far a PDF's object streams and cross-reference streams unpack before PDFsharp reads them. PDFsharp
/// inflates each of those whole into memory when it opens a file, and deflate packs about 1,000 to 1: a 20 MB upload
/// could ask for 20 GB, and a tester's 200 KB file made the portal inflate 200 MB. Only these two kinds matter here:
/// opening a document for inspection does not unpack page contents or images.
/// </summary>
public static class PdfCompressedStreams
{
    /// <summary>Far more than real documents hold: a thousand-page report's object streams are a few megabytes.</summary>
    public const long DefaultLimitBytes = 64L << 20;

    private static readonly byte[][] Markers = ["/ObjStm"u8.ToArray(), "/XRef"u8.ToArray()];

    /// <summary>
    /// Whether the object and cross-reference streams together unpack to no more than <paramref name="limitBytes"/>.
    /// Each stream is inflated through a small buffer and counted, and counting stops at the limit, so nothing
    /// large is ever held. A stream that is not deflate data is left for PDFsharp to judge.
    /// </summary>
    public static bool WithinLimit(Stream content, long limitBytes = DefaultLimitBytes)
    {
        content.Position = 0;
        var bytes = new byte[content.Length];
        content.ReadExactly(bytes);
        content.Position = 0;

        var scratch = new byte[81920];
        long total = 0;
        foreach (var marker in Markers)
        {
            for (var at = IndexOfName(bytes, marker, 0); at >= 0; at = IndexOfName(bytes, marker, at + marker.Length))
            {
                var data = StreamDataAfter(bytes, at + marker.Length);
                if (data < 0)
                {
                    continue;
                }

                try
                {
                    using var inflating = new ZLibStream(new MemoryStream(bytes, data, bytes.Length - data, writable: false), CompressionMode.Decompress);
                    int read;
                    while ((read = inflating.Read(scratch)) > 0)
                    {
                        total += read;
                        if (total > limitBytes)
                        {
                            return false;
                        }
                    }
                }
                catch (InvalidDataException)
                {
                    // Not deflate (another filter, or damaged): PDFsharp reads it or refuses the file.
                }
            }
        }

        return true;
    }

    /// <summary>The next occurrence of a PDF name (such as <c>/ObjStm</c>) that is not the start of a longer name.</summary>
    private static int IndexOfName(byte[] bytes, byte[] name, int from)
    {
        while (from < bytes.Length)
        {
            var found = bytes.AsSpan(from).IndexOf(name);
            if (found < 0)
            {
                return -1;
            }

            var at = from + found;
            var after = at + name.Length;
            if (after >= bytes.Length || !IsRegular(bytes[after]))
            {
                return at;
            }

            from = after;
        }

        return -1;
    }

    /// <summary>Where the data of the stream whose dictionary holds <paramref name="from"/> starts, or -1 if none follows.</summary>
    private static int StreamDataAfter(byte[] bytes, int from)
    {
        var keyword = bytes.AsSpan(from).IndexOf("stream"u8);
        if (keyword < 0)
        {
            return -1;
        }

        var data = from + keyword + "stream".Length;
        if (data < bytes.Length && bytes[data] == '\r')
        {
            data++;
        }

        if (data < bytes.Length && bytes[data] == '\n')
        {
            data++;
        }

        return data < bytes.Length ? data : -1;
    }

    /// <summary>A character that continues a PDF name (not white space or a delimiter).</summary>
    private static bool IsRegular(byte b) => b > 32 && b < 127 && "()<>[]{}/%"u8.IndexOf(b) < 0;
}
