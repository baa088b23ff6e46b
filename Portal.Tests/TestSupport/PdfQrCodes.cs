using System.Diagnostics;
using System.Globalization;
using System.Text;
using ZXing;
using ZXing.Common;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Reads a QR code off a PDF page as a phone would see the paper: poppler's pdftoppm (a renderer other than the one
/// that drew it) turns the page into a grey image at 150 dpi, and ZXing decodes it.
/// </summary>
public static class PdfQrCodes
{
    /// <summary>The text of the QR code on page <paramref name="page"/>, or null when none can be read there.</summary>
    /// <param name="keepAs">With PORTAL_SCREENSHOTS set to a folder, the PDF is kept there under this name to look at.</param>
    public static async Task<string?> ReadAsync(byte[] pdf, int page = 1, string? keepAs = null)
    {
        if (keepAs is not null && Environment.GetEnvironmentVariable("PORTAL_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, keepAs), pdf);
        }

        var directory = Directory.CreateTempSubdirectory("portal-qr-");
        try
        {
            var input = Path.Combine(directory.FullName, "scorecard.pdf");
            await File.WriteAllBytesAsync(input, pdf);
            var output = Path.Combine(directory.FullName, "page");
            var number = page.ToString(CultureInfo.InvariantCulture);
            using var pdftoppm = Process.Start(new ProcessStartInfo("pdftoppm", ["-r", "150", "-gray", "-f", number, "-l", number, "-singlefile", input, output])
            {
                RedirectStandardError = true,
            })!;
            var errors = await pdftoppm.StandardError.ReadToEndAsync();
            await pdftoppm.WaitForExitAsync();
            Assert.True(pdftoppm.ExitCode == 0, $"pdftoppm exited {pdftoppm.ExitCode}: {errors}");

            var (pixels, width, height) = ReadPgm(await File.ReadAllBytesAsync(output + ".pgm"));
            var reader = new BarcodeReaderGeneric
            {
                Options = new DecodingOptions { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true },
            };
            return reader.Decode(new RGBLuminanceSource(pixels, width, height, RGBLuminanceSource.BitmapFormat.Gray8))?.Text;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>A binary PGM (P5, 8 bits): a short text header, then one byte per pixel.</summary>
    private static (byte[] Pixels, int Width, int Height) ReadPgm(byte[] file)
    {
        var at = 0;
        string Token()
        {
            while (char.IsWhiteSpace((char)file[at]))
            {
                at++;
            }

            var start = at;
            while (!char.IsWhiteSpace((char)file[at]))
            {
                at++;
            }

            return Encoding.ASCII.GetString(file, start, at - start);
        }

        Assert.Equal("P5", Token());
        var width = int.Parse(Token(), CultureInfo.InvariantCulture);
        var height = int.Parse(Token(), CultureInfo.InvariantCulture);
        Assert.Equal("255", Token());
        // One whitespace byte ends the header.
        at++;
        Assert.Equal(width * height, file.Length - at);
        return (file[at..], width, height);
    }
}
