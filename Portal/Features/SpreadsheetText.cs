using CsvHelper;

namespace Portal.Features;

/// <summary>
/// Text that a spreadsheet shows as text, never runs: a cell that starts with =, +, -, @, tab or CR is a formula to
/// Excel and LibreOffice (and "=cmd|' /c calc'!A0" starts a program), so every CSV and XLSX export puts an apostrophe
/// in front of such free text, as OWASP recommends. Numbers are written as numbers and keep their sign.
/// </summary>
public static class SpreadsheetText
{
    public const char Escape = '\'';

    private const string FormulaStarts = "=+-@\t\r";

    /// <summary>The options of every CSV export: the writer escapes formula starts in text fields itself.</summary>
    public static CsvWriterOptions CsvOptions => new()
    {
        Injection = CsvInjection.Escape,
        InjectionCharacters = FormulaStarts,
        InjectionEscape = Escape,
    };

    public static bool StartsLikeFormula(string text) => text.Length > 0 && FormulaStarts.Contains(text[0], StringComparison.Ordinal);

    /// <summary>The text for a workbook cell.</summary>
    public static string Inert(string text) => StartsLikeFormula(text) ? Escape + text : text;
}
