using PdfSharp.Fonts;

namespace Portal.Features.Scorecards;

/// <summary>
/// Serves Liberation Sans (SIL Open Font License, metric-compatible with Arial, the NHS typeface) from the portal's
/// own assembly, so a PDF looks the same on every server and never depends on the fonts a machine happens to have.
/// Every family name resolves to it: a document that asks for "Arial" gets its metric twin.
/// </summary>
public sealed class ScorecardFonts : IFontResolver
{
    public const string Family = "Liberation Sans";

    private const string Regular = "LiberationSans-Regular";
    private const string Bold = "LiberationSans-Bold";
    private static readonly Lock Gate = new();

    public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) =>
        // Italic is simulated by slanting: the scorecard uses it for nothing a reader depends on.
        new(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic);

    public byte[] GetFont(string faceName)
    {
        var resource = $"Portal.Fonts.{faceName}.ttf";
        using var stream = typeof(ScorecardFonts).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The font resource '{resource}' is missing from the portal assembly.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    /// <summary>PDFsharp keeps one resolver for the whole process; set it once, before the first document.</summary>
    public static void EnsureInstalled()
    {
        if (GlobalFontSettings.FontResolver is ScorecardFonts)
        {
            return;
        }

        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not ScorecardFonts)
            {
                GlobalFontSettings.FontResolver = new ScorecardFonts();
            }
        }
    }
}
