using System.Globalization;
using System.IO.Compression;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PdfSharp.UniversalAccessibility;

namespace Portal.Features.Scorecards;

/// <summary>
/// A small flowing layout for tagged, accessible reports: headings, wrapped paragraphs and tables that break across
/// pages (repeating their header row), each page footed with "page x of y". Everything is laid out first and drawn
/// afterwards, so the page count is known when the first footer is drawn and nothing is rendered twice. Headings,
/// paragraphs and tables become structure elements (H1–H3, P, Table/TR/TH/TD); rules, shading, repeated headers and
/// footers are marked as artifacts, so a screen reader reads the content once and in order.
/// </summary>
public sealed class TaggedPdfWriter : IDisposable
{
    private const double Margin = 42;
    private const double FooterHeight = 34;
    private const double CellPadding = 3;

    private static readonly XPdfFontOptions Unicode = new(PdfFontEncoding.Unicode);
    private static readonly XColor NhsBlue = XColor.FromArgb(0, 94, 184);
    private static readonly XColor NhsDarkGrey = XColor.FromArgb(66, 84, 98);
    private static readonly XColor RuleGrey = XColor.FromArgb(174, 183, 189);
    private static readonly XColor HeaderShade = XColor.FromArgb(232, 237, 238);

    private readonly List<Op> _ops = [];
    private readonly Dictionary<(XFont, string), double> _widths = [];
    private readonly XGraphics _measure;
    private readonly string _title;
    private readonly string _subject;
    private readonly string _author;
    private readonly DateTime _createdAt;
    private readonly IReadOnlyList<string> _footer;
    private readonly IReadOnlyDictionary<string, string> _properties;
    private readonly bool _landscape;
    private readonly double _pageWidth;
    private readonly double _pageHeight;
    private double _y;
    private int _pages;

    /// <param name="footer">Lines printed at the foot of every page; "Page x of y" is added to the first.</param>
    /// <param name="properties">Extra document information entries (for example a verification code a reader can find).</param>
    public TaggedPdfWriter(
        string title,
        string subject,
        string author,
        DateTime createdAt,
        IReadOnlyList<string> footer,
        IReadOnlyDictionary<string, string>? properties = null,
        bool landscape = false)
    {
        ScorecardFonts.EnsureInstalled();
        _title = title;
        _subject = subject;
        _author = author;
        _createdAt = createdAt;
        _footer = footer;
        _properties = properties ?? new Dictionary<string, string>();
        _landscape = landscape;
        // A4 in points.
        (_pageWidth, _pageHeight) = landscape ? (841.89, 595.28) : (595.28, 841.89);
        _measure = XGraphics.CreateMeasureContext(new XSize(_pageWidth, _pageHeight), XGraphicsUnit.Point, XPageDirection.Downwards);
        Body = Font(9.5);
        BodyBold = Font(9.5, bold: true);
        Small = Font(7.5);
        StartPage();
    }

    public XFont Body { get; }

    public XFont BodyBold { get; }

    public XFont Small { get; }

    public int PageCount => _pages;

    private double ContentWidth => _pageWidth - (2 * Margin);

    private double ContentBottom => _pageHeight - Margin - FooterHeight;

    /// <summary>
    /// One font per size and weight for the whole process, made once: the same few serve every document (an XFont
    /// holds no document), so no document pays for resolving its typeface again, heading by heading.
    /// </summary>
    public static XFont Font(double size, bool bold = false) =>
        Fonts.GetOrAdd((size, bold), key => new XFont(ScorecardFonts.Family, key.Size, key.Bold ? XFontStyleEx.Bold : XFontStyleEx.Regular, Unicode));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(double Size, bool Bold), XFont> Fonts = new();

    /// <summary>
    /// Each font's advance width of each character below <see cref="MeasuredCharacters"/>, in points, measured once for
    /// the process: a line's width is the sum of its characters' (PDFsharp measures without kerning), so wrapping sixty
    /// requirements' text needs no call into PDFsharp per word. NaN until a character is first measured.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<XFont, double[]> Advances = new();

    private const int MeasuredCharacters = 0x2500;

    private static readonly Lock MeasureGate = new();

    private static readonly XSolidBrush[] Brushes = [new(XColors.Black), new(NhsBlue)];

    public void Heading(int level, string text)
    {
        var (font, tag, before) = level switch
        {
            1 => (Font(17, bold: true), PdfBlockLevelElementTag.Heading1, 0d),
            2 => (Font(13, bold: true), PdfBlockLevelElementTag.Heading2, 12d),
            _ => (Font(10.5, bold: true), PdfBlockLevelElementTag.Heading3, 8d),
        };
        var lines = Wrap(text, font, ContentWidth);
        var lineHeight = LineHeight(font);
        // Keep a heading with at least two lines of what follows it.
        EnsureRoom(before + (lines.Count * lineHeight) + (2 * LineHeight(Body)));
        _y += _y > Margin ? before : 0;
        _ops.Add(new Begin(tag));
        foreach (var line in lines)
        {
            _ops.Add(new Text(line, font, level == 1 ? NhsBlue : XColors.Black, Margin, _y + Ascent(font)));
            _y += lineHeight;
        }

        _ops.Add(new End());
        _y += 3;
    }

    public void Paragraph(string text, XFont? font = null, double after = 4, XColor? colour = null)
    {
        font ??= Body;
        var lineHeight = LineHeight(font);
        _ops.Add(new Begin(PdfBlockLevelElementTag.Paragraph));
        foreach (var line in Wrap(text, font, ContentWidth))
        {
            if (_y + lineHeight > ContentBottom)
            {
                StartPage();
            }

            _ops.Add(new Text(line, font, colour ?? XColors.Black, Margin, _y + Ascent(font)));
            _y += lineHeight;
        }

        _ops.Add(new End());
        _y += after;
    }

    /// <summary>A table whose first row holds column headers; when <paramref name="rowHeaders"/> is set the first cell of each row is a row header.</summary>
    /// <param name="widths">Relative column widths.</param>
    public void Table(IReadOnlyList<string> headers, IReadOnlyList<double> widths, IEnumerable<IReadOnlyList<string>> rows, bool rowHeaders = false)
    {
        var total = widths.Sum();
        var columns = widths.Select(w => ContentWidth * w / total).ToArray();
        var header = Layout(headers, columns, BodyBold);
        _y += 2;
        EnsureRoom(header.Height + LineHeight(Body) + (2 * CellPadding));
        _ops.Add(new Begin(PdfBlockLevelElementTag.Table));
        DrawRow(header, columns, isHeader: true, asArtifact: false, rowHeaders: false);
        foreach (var row in rows)
        {
            var cells = Layout(row, columns, Body);
            if (_y + cells.Height > ContentBottom)
            {
                StartPage();
                // The repeated header helps a sighted reader; a screen reader already has it from the first page.
                DrawRow(header, columns, isHeader: true, asArtifact: true, rowHeaders: false);
            }

            DrawRow(cells, columns, isHeader: false, asArtifact: false, rowHeaders);
        }

        _ops.Add(new End());
        _y += 6;
    }

    /// <summary>
    /// A square figure of modules (a QR code: <paramref name="modules"/>[row][column], true for dark, quiet zone
    /// included) drawn as filled vector squares, crisp at any zoom, with paragraphs beside it; kept on one page. The
    /// figure is tagged with <paramref name="altText"/>, the paragraphs as paragraphs, read after it.
    /// </summary>
    public void ModulesBeside(IReadOnlyList<IReadOnlyList<bool>> modules, double size, string altText, IReadOnlyList<(string Text, XFont Font)> beside)
    {
        const double Gap = 10;
        var textLeft = Margin + size + Gap;
        var wrapped = beside.Select(p => (Lines: Wrap(p.Text, p.Font, ContentWidth - size - Gap), p.Font)).ToList();
        var module = size / modules.Count;
        var textHeight = (4 * module) + wrapped.Sum(p => (p.Lines.Count * LineHeight(p.Font)) + 4);
        EnsureRoom(Math.Max(size, textHeight));
        var top = _y;
        var squares = new List<XRect>();
        for (var row = 0; row < modules.Count; row++)
        {
            // A run of dark modules in a row is one rectangle: fewer operators, the same picture.
            for (var column = 0; column < modules[row].Count; column++)
            {
                if (!modules[row][column])
                {
                    continue;
                }

                var start = column;
                while (column + 1 < modules[row].Count && modules[row][column + 1])
                {
                    column++;
                }

                squares.Add(new XRect(Margin + (start * module), top + (row * module), (column - start + 1) * module, module));
            }
        }

        _ops.Add(new Figure(altText, new XRect(Margin, top, size, size), [.. squares]));
        // The text sits level with the code's dark modules, not with its quiet zone.
        var y = top + (4 * module);
        foreach (var (lines, font) in wrapped)
        {
            _ops.Add(new Begin(PdfBlockLevelElementTag.Paragraph));
            foreach (var line in lines)
            {
                _ops.Add(new Text(line, font, XColors.Black, textLeft, y + Ascent(font)));
                y += LineHeight(font);
            }

            _ops.Add(new End());
            y += 4;
        }

        _y = Math.Max(top + size, y) + 6;
    }

    /// <summary>Label and value pairs, as a two-column table with the labels as row headers.</summary>
    public void Facts(IEnumerable<(string Label, string Value)> facts) =>
        Table(["Item", "Value"], [1, 3], facts.Select(f => (IReadOnlyList<string>)[f.Label, f.Value]), rowHeaders: true);

    public void Dispose() => _measure.Dispose();

    public byte[] ToPdf()
    {
        using var document = new PdfDocument();
        document.Info.Title = _title;
        document.Info.Subject = _subject;
        document.Info.Author = _author;
        document.Info.Creator = "NHS Open API compliance portal";
        document.Info.CreationDate = _createdAt;
        document.Info.ModificationDate = _createdAt;
        foreach (var (key, value) in _properties)
        {
            document.Info.Elements.SetString("/" + key, value);
        }

        // Page content is compressed below with .NET's zlib instead: PDFsharp 6.2's own deflate streams end in a way
        // that strict checkers (qpdf --check) warn about.
        document.Options.CompressContentStreams = false;
        document.PageLayout = PdfPageLayout.SinglePage;
        var ua = UAManager.ForDocument(document);
        ua.SetDocumentLanguage("en-GB");
        var structure = ua.StructureBuilder;

        XGraphics? gfx = null;
        var pageNumber = 0;
        try
        {
            foreach (var op in _ops)
            {
                switch (op)
                {
                    case NewPage:
                        if (gfx is not null)
                        {
                            DrawFooter(gfx, structure, pageNumber);
                            gfx.Dispose();
                        }

                        var page = document.AddPage();
                        page.Size = PageSize.A4;
                        page.Orientation = _landscape ? PageOrientation.Landscape : PageOrientation.Portrait;
                        gfx = XGraphics.FromPdfPage(page);
                        pageNumber++;
                        break;
                    case Begin begin:
                        structure.BeginElement(begin.Tag);
                        break;
                    case BeginArtifact:
                        structure.BeginArtifact();
                        break;
                    case End:
                        structure.End();
                        break;
                    case Text text:
                        gfx!.DrawString(text.Value, text.Font, BrushOf(text.Colour), text.X, text.Baseline);
                        break;
                    case Figure figure:
                        structure.BeginElement(PdfIllustrationElementTag.Figure, figure.AltText, figure.Box);
                        gfx!.DrawRectangles(Brushes[0], figure.Squares);
                        structure.End();
                        break;
                    case Artifact artifact:
                        structure.BeginArtifact();
                        artifact.Draw(gfx!);
                        structure.End();
                        break;
                }
            }

            DrawFooter(gfx!, structure, pageNumber);
        }
        finally
        {
            gfx?.Dispose();
        }

        CompressPageContent(document);
        using var output = new MemoryStream();
        document.Save(output);
        return output.ToArray();
    }

    private static void CompressPageContent(PdfDocument document)
    {
        foreach (var page in document.Pages)
        {
            foreach (var content in page.Contents)
            {
                using var compressed = new MemoryStream();
                using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal))
                {
                    zlib.Write(content.Stream.Value);
                }

                content.Stream.Value = compressed.ToArray();
                content.Elements.SetName("/Filter", "/FlateDecode");
            }
        }
    }

    private void DrawFooter(XGraphics gfx, StructureBuilder structure, int pageNumber)
    {
        structure.BeginArtifact();
        var top = _pageHeight - Margin - FooterHeight + 12;
        gfx.DrawLine(new XPen(RuleGrey, 0.5), Margin, top - 6, _pageWidth - Margin, top - 6);
        var brush = new XSolidBrush(NhsDarkGrey);
        var pageText = string.Create(CultureInfo.InvariantCulture, $"Page {pageNumber} of {_pages}");
        gfx.DrawString(pageText, Small, brush, _pageWidth - Margin - Measure(pageText, Small), top + Ascent(Small));
        for (var i = 0; i < _footer.Count; i++)
        {
            // The first line shares its row with the page number; a long system name is cut short rather than overlap it.
            var room = ContentWidth - (i == 0 ? Measure(pageText, Small) + 12 : 0);
            gfx.DrawString(Fit(_footer[i], Small, room), Small, brush, Margin, top + (i * LineHeight(Small)) + Ascent(Small));
        }

        structure.End();
    }

    private void DrawRow(RowLayout row, double[] columns, bool isHeader, bool asArtifact, bool rowHeaders)
    {
        var top = _y;
        var height = row.Height;
        var right = Margin + columns.Sum();
        _ops.Add(new Artifact(g =>
        {
            if (isHeader)
            {
                g.DrawRectangle(new XSolidBrush(HeaderShade), Margin, top, right - Margin, height);
            }

            g.DrawLine(new XPen(RuleGrey, 0.5), Margin, top + height, right, top + height);
        }));

        // A repeated header is drawn as an artifact: the same text, outside the structure a screen reader follows.
        _ops.Add(asArtifact ? new BeginArtifact() : new Begin(PdfBlockLevelElementTag.TableRow));
        for (var c = 0; c < columns.Length; c++)
        {
            if (!asArtifact)
            {
                _ops.Add(new Begin(isHeader || (rowHeaders && c == 0) ? PdfBlockLevelElementTag.TableHeaderCell : PdfBlockLevelElementTag.TableDataCell));
            }

            var x = Margin + columns.Take(c).Sum() + CellPadding;
            var font = row.Fonts[c];
            for (var l = 0; l < row.Lines[c].Count; l++)
            {
                _ops.Add(new Text(row.Lines[c][l], font, XColors.Black, x, top + CellPadding + (l * LineHeight(font)) + Ascent(font)));
            }

            if (!asArtifact)
            {
                _ops.Add(new End());
            }
        }

        _ops.Add(new End());
        _y += height;
    }

    private RowLayout Layout(IReadOnlyList<string> cells, double[] columns, XFont font)
    {
        var lines = new List<IReadOnlyList<string>>(columns.Length);
        var fonts = new XFont[columns.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            fonts[c] = font;
            lines.Add(Wrap(c < cells.Count ? cells[c] : string.Empty, font, columns[c] - (2 * CellPadding)));
        }

        var height = lines.Max(l => Math.Max(1, l.Count)) * LineHeight(font) + (2 * CellPadding);
        // A row taller than a page cannot be kept whole; it is cut to what fits and says so rather than running off the page.
        var room = ContentBottom - Margin - LineHeight(font) * 3;
        if (height > room)
        {
            var keep = (int)((room - (2 * CellPadding)) / LineHeight(font)) - 1;
            lines = lines.Select(l => l.Count <= keep ? l : (IReadOnlyList<string>)[.. l.Take(keep), "[continues: see the data export]"]).ToList();
            height = lines.Max(l => Math.Max(1, l.Count)) * LineHeight(font) + (2 * CellPadding);
        }

        return new RowLayout(lines, fonts, height);
    }

    private void EnsureRoom(double height)
    {
        if (_y + height > ContentBottom)
        {
            StartPage();
        }
    }

    private void StartPage()
    {
        _ops.Add(new NewPage());
        _pages++;
        _y = Margin;
    }

    private List<string> Wrap(string text, XFont font, double width)
    {
        var result = new List<string>();
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = string.Empty;
            var lineWidth = 0d;
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var wordWidth = Measure(word, font);
                var spaced = line.Length == 0 ? wordWidth : lineWidth + Measure(" ", font) + wordWidth;
                if (spaced <= width)
                {
                    line = line.Length == 0 ? word : line + " " + word;
                    lineWidth = spaced;
                    continue;
                }

                if (line.Length > 0)
                {
                    result.Add(line);
                }

                // Hashes and web addresses have no spaces: break them by character rather than overflow the column.
                (line, lineWidth) = (word, wordWidth);
                while (lineWidth > width && line.Length > 1)
                {
                    var fit = line.Length - 1;
                    while (fit > 1 && Measure(line[..fit], font) > width)
                    {
                        fit--;
                    }

                    result.Add(line[..fit]);
                    line = line[fit..];
                    lineWidth = Measure(line, font);
                }
            }

            result.Add(line);
        }

        return result;
    }

    private string Fit(string text, XFont font, double width)
    {
        if (Measure(text, font) <= width)
        {
            return text;
        }

        var length = text.Length;
        while (length > 1 && _measure.MeasureString(text[..length] + "…", font).Width > width)
        {
            length--;
        }

        return text[..length] + "…";
    }

    private static XSolidBrush BrushOf(XColor colour) =>
        Array.Find(Brushes, b => b.Color == colour) ?? new XSolidBrush(colour);

    private double Measure(string text, XFont font)
    {
        var advances = Advances.GetOrAdd(font, _ => CreateUnmeasured());
        var width = 0d;
        foreach (var c in text)
        {
            if (c >= MeasuredCharacters || char.IsSurrogate(c))
            {
                return MeasureWhole(text, font);
            }

            var advance = Volatile.Read(ref advances[c]);
            if (double.IsNaN(advance))
            {
                advance = MeasureCharacter(c, font, advances);
            }

            width += advance;
        }

        return width;
    }

    private static double[] CreateUnmeasured()
    {
        var advances = new double[MeasuredCharacters];
        Array.Fill(advances, double.NaN);
        return advances;
    }

    private double MeasureCharacter(char c, XFont font, double[] advances)
    {
        // A measuring context is not safe to share between threads; each writer has its own, and the table is only filled.
        var advance = _measure.MeasureString(c.ToString(), font).Width;
        lock (MeasureGate)
        {
            advances[c] = advance;
        }

        return advance;
    }

    private double MeasureWhole(string text, XFont font)
    {
        if (!_widths.TryGetValue((font, text), out var width))
        {
            width = _measure.MeasureString(text, font).Width;
            _widths[(font, text)] = width;
        }

        return width;
    }

    private static double LineHeight(XFont font) => font.Size * 1.3;

    private static double Ascent(XFont font) => font.Size * 0.95;

    private sealed record RowLayout(IReadOnlyList<IReadOnlyList<string>> Lines, XFont[] Fonts, double Height);

    private abstract record Op;

    private sealed record NewPage : Op;

    private sealed record Begin(PdfBlockLevelElementTag Tag) : Op;

    private sealed record BeginArtifact : Op;

    private sealed record End : Op;

    private sealed record Text(string Value, XFont Font, XColor Colour, double X, double Baseline) : Op;

    private sealed record Artifact(Action<XGraphics> Draw) : Op;

    private sealed record Figure(string AltText, XRect Box, XRect[] Squares) : Op;
}
