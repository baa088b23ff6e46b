using System.Buffers.Binary;

namespace Portal.Features.Evidence.Inspection;

/// <summary>
/// PNG and JPEG images, walked chunk by chunk and segment by segment to their real end (PNG's IEND, JPEG's EOI), so an
/// image with a web page or a program joined after it is refused.
/// </summary>
public static class ImageInspector
{
    private const string ExportAgain = "export it again from the program that made it, and upload that";

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static InspectionVerdict InspectPng(Stream content)
    {
        var bytes = ReadAll(content);
        if (!bytes.AsSpan().StartsWith(PngSignature))
        {
            return Damaged("PNG");
        }

        var position = PngSignature.Length;
        var first = true;
        while (position + 12 <= bytes.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(position));
            var type = System.Text.Encoding.ASCII.GetString(bytes, position + 4, 4);
            if (length > int.MaxValue || position + 12 + (long)length > bytes.Length || (first && type != "IHDR"))
            {
                return Damaged("PNG");
            }

            position += 12 + (int)length;
            first = false;
            if (type == "IEND")
            {
                return position == bytes.Length ? InspectionVerdict.Accept : After("PNG");
            }
        }

        return Damaged("PNG");
    }

    public static InspectionVerdict InspectJpeg(Stream content)
    {
        var bytes = ReadAll(content);
        if (bytes.Length < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8)
        {
            return Damaged("JPEG");
        }

        var position = 2;
        while (position < bytes.Length)
        {
            if (bytes[position] != 0xFF)
            {
                return Damaged("JPEG");
            }

            while (position < bytes.Length && bytes[position] == 0xFF)
            {
                position++;
            }

            if (position >= bytes.Length)
            {
                break;
            }

            var marker = bytes[position++];
            if (marker == 0xD9)
            {
                return position == bytes.Length ? InspectionVerdict.Accept : After("JPEG");
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                continue;
            }

            if (position + 2 > bytes.Length)
            {
                break;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(position));
            if (length < 2 || position + length > bytes.Length)
            {
                return Damaged("JPEG");
            }

            position += length;
            if (marker == 0xDA)
            {
                position = EndOfScan(bytes, position);
            }
        }

        return Damaged("JPEG");
    }

    /// <summary>The entropy-coded data after a start of scan runs to the next marker that is not a stuffed byte or a restart.</summary>
    private static int EndOfScan(byte[] bytes, int position)
    {
        while (position + 1 < bytes.Length)
        {
            if (bytes[position] == 0xFF && bytes[position + 1] is not (0x00 or 0xFF or (>= 0xD0 and <= 0xD7)))
            {
                return position;
            }

            position++;
        }

        return bytes.Length;
    }

    private static InspectionVerdict Damaged(string kind) => InspectionVerdict.Refuse($"This {kind} image is incomplete or damaged; {ExportAgain}.");

    private static InspectionVerdict After(string kind) =>
        InspectionVerdict.Refuse($"This {kind} image has other data after its end (it may hide a web page or a program); {ExportAgain}.");

    private static byte[] ReadAll(Stream content)
    {
        content.Position = 0;
        var bytes = new byte[content.Length];
        content.ReadExactly(bytes);
        return bytes;
    }
}
