using System.Text;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Evidence;

public sealed class DocumentTypesTests
{
    public static TheoryData<string, byte[], bool> Files => new()
    {
        { "report.pdf", SampleDocuments.Pdf(), true },
        { "setup.pdf", SampleDocuments.Executable(), false },
        { "page.pdf", SampleDocuments.Html(), false },
        { "design.docx", SampleDocuments.Docx(), true },
        { "design.xlsx", SampleDocuments.Docx(), false },
        { "renamed.docx", SampleDocuments.Pdf(), false },
        { "diagram.png", SampleDocuments.Png(), true },
        { "diagram.jpg", SampleDocuments.Png(), false },
        { "notes.txt", Encoding.UTF8.GetBytes("Plain notes\r\nwith two lines\t and a tab"), true },
        { "binary.txt", SampleDocuments.Executable(), false },
        { "openapi.json", Encoding.UTF8.GetBytes("{\"openapi\": \"3.1.0\"}"), true },
        { "broken.json", Encoding.UTF8.GetBytes("{\"openapi\": "), false },
        { "openapi.yaml", Encoding.UTF8.GetBytes("openapi: 3.1.0\ninfo:\n  title: API\n"), true },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void A_document_is_accepted_only_when_its_bytes_match_its_name(string fileName, byte[] content, bool accepted)
    {
        var type = DocumentTypes.ForFileName(fileName)!;
        using var stream = new MemoryStream(content);

        Assert.Equal(accepted, DocumentTypes.ContentMatches(type, stream));
        Assert.Equal(0, stream.Position);
    }

    [Theory]
    [InlineData("virus.exe")]
    [InlineData("page.html")]
    [InlineData("script.js")]
    [InlineData("noextension")]
    public void A_type_outside_the_allow_list_is_not_recognised(string fileName)
    {
        Assert.Null(DocumentTypes.ForFileName(fileName));
    }

    [Theory]
    [InlineData("../../etc/passwd.txt", "passwd.txt")]
    [InlineData("C:\\Users\\me\\report.pdf", "report.pdf")]
    [InlineData("<b>quarterly</b>.pdf", "b.pdf")]
    [InlineData("report \"final\" <v2>.pdf", "report final v2.pdf")]
    [InlineData("\u0001\u0002.pdf", "pdf")]
    [InlineData("", "document")]
    [InlineData("evil\u202Eexe.txt", "evilexe.txt")]
    [InlineData("invoice\u202Efdp.exe.pdf", "invoicefdp.exe.pdf")]
    [InlineData("report\u2066\u2067\u2068\u2069\u202A\u202B\u202C\u202D.pdf", "report.pdf")]
    [InlineData("marks\u200E\u200F\u061C.pdf", "marks.pdf")]
    [InlineData("zero\u200Bwidth\u200C\u200D\u2060\uFEFF.pdf", "zerowidth.pdf")]
    [InlineData("soft\u00ADhyphen.pdf", "softhyphen.pdf")]
    [InlineData("tag\U000E0041\U000E0042.pdf", "tag.pdf")]
    [InlineData("line\u2028break\u2029.pdf", "linebreak.pdf")]
    [InlineData("tab\tand\u007Fdelete\u0085.pdf", "tabanddelete.pdf")]
    [InlineData("\u202E\u200B.pdf", "pdf")]
    [InlineData("Résumé – naïve café.pdf", "Résumé – naïve café.pdf")]
    public void File_names_are_cleaned_before_they_are_kept_or_shown(string given, string expected)
    {
        Assert.Equal(expected, DocumentTypes.CleanFileName(given));
    }

    [Fact]
    public void The_type_of_a_name_with_a_right_to_left_override_is_its_real_extension()
    {
        Assert.Equal(DocumentTypes.Text, DocumentTypes.ForFileName(DocumentTypes.CleanFileName("evil\u202Eexe.txt")));
        Assert.Null(DocumentTypes.ForFileName(DocumentTypes.CleanFileName("photo\u202Egnp.exe")));
    }
}
