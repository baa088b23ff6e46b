using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Features;
using Portal.Features.Scorecards;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Tokens;

namespace Portal.Tests.Features.Scorecards;

/// <summary>
/// The PDF scorecard read back as a reader would: PdfPig extracts its text, qpdf checks its structure, and the
/// verification service recognises it (and only it).
/// </summary>
public sealed class ScorecardPdfTests : IAsyncLifetime
{
    private const string RedApprovalReason = "Listing the API publicly is a condition of the contract.";
    private const string SpecHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private Caller _supplier = default!;
    private Caller _ccio = default!;
    private int _id;
    private IssuedScorecardService.IssuedPdf _issued = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
        var journey = new TestJourney(_database);
        _id = await journey.SubmittedAsync(_officer, _supplier);
        await AddEvidenceAsync("C.3");
        await journey.Reviews.StartAsync(_officer, _id);
        var codes = await journey.CodesAsync(_id);
        await journey.Reviews.DecideAsync(_officer, _id, codes.Where(c => c != "P.3").ToList(), ReviewOutcome.Accepted, null, TestVersions.Any);
        await journey.Reviews.DecideAsync(_officer, _id, ["P.3"], ReviewOutcome.Rejected, "The API is not listed anywhere public.", TestVersions.Any);
        Assert.True((await journey.Reviews.SendForSignOffAsync(_officer, _id)).Succeeded);
        var signed = await journey.SignOffs.DecideAsync(_ccio, _id, new(SignOffService.Choice.ApproveWithConditions, true, "HL-2026-031", null, null,
            [new("Publish the interface change log", "Acme integration lead", TimeProvider.System.PortalToday().AddDays(90))],
            RedAcknowledged: true, RedApprovalReason: RedApprovalReason), TestVersions.Any);
        Assert.True(signed.Succeeded, signed.Message);
        var issued = await Issuing.IssueAsync(_officer, _id);
        Assert.True(issued.Succeeded, issued.Message);
        _issued = issued.Value!;
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private IssuedScorecardService Issuing => new(_database, new ScorecardService(_database, TimeProvider.System), TimeProvider.System, TestPortalAddress.Of());

    [Fact]
    public async Task The_pdf_names_every_requirement_its_result_the_sign_off_and_the_verification_code()
    {
        var codes = await new TestJourney(_database).CodesAsync(_id);

        using var pdf = PdfDocument.Open(_issued.Content);
        var text = string.Join("\n", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        var squeezed = Regex.Replace(text, @"\s+", string.Empty);

        Assert.All(codes, code => Assert.Contains($"{code} ", text, StringComparison.Ordinal));
        Assert.Contains("Not met", text, StringComparison.Ordinal);
        Assert.Contains("Status: Red", text, StringComparison.Ordinal);
        Assert.Contains("Approved with conditions by Dr Chris Morgan", text, StringComparison.Ordinal);
        Assert.Contains("Publish the interface change log", text, StringComparison.Ordinal);
        Assert.Contains($"Approved although the status was Red, because: {RedApprovalReason}", text, StringComparison.Ordinal);
        Assert.Contains("\"Must\" requirements not met (1)", text, StringComparison.Ordinal);
        Assert.Contains(_issued.VerificationCode, squeezed, StringComparison.Ordinal);
        Assert.Contains(SpecHash, squeezed, StringComparison.Ordinal);
        Assert.Contains("https://developer.acme.example/errors", squeezed, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_page_is_footed_with_its_number_the_assessment_and_the_code()
    {
        using var pdf = PdfDocument.Open(_issued.Content);
        var pages = pdf.GetPages().ToList();

        Assert.True(pages.Count > 2, $"Expected a multi-page scorecard, got {pages.Count} page(s).");
        Assert.All(pages, page =>
        {
            var text = string.Join(" ", page.GetWords().Select(w => w.Text));
            Assert.Contains($"Page {page.Number} of {pages.Count}", text, StringComparison.Ordinal);
            Assert.Contains($"OAP-{_id:D5}", text, StringComparison.Ordinal);
            Assert.Contains(ScorecardPdf.GroupedCode(_issued.VerificationCode), text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_very_long_system_name_is_cut_short_in_the_footer_rather_than_overlap_the_page_number()
    {
        var report = (await new ScorecardService(_database, TimeProvider.System).GetWithAnswersAsync(_officer, _id))!;
        var longName = string.Join(' ', Enumerable.Repeat("Integrated electronic patient record and bed management platform", 3));

        using var pdf = PdfDocument.Open(ScorecardPdf.Render(report with { SystemName = longName }, _issued.VerificationCode));
        var page = pdf.GetPage(1);
        var pageNumber = page.GetWords().Last(w => w.Text == "Page");
        var footerLine = page.GetWords().Where(w => Math.Abs(w.BoundingBox.Bottom - pageNumber.BoundingBox.Bottom) < 1 && w.BoundingBox.Left < pageNumber.BoundingBox.Left).ToList();

        Assert.EndsWith("…", footerLine.Last().Text, StringComparison.Ordinal);
        Assert.True(footerLine.Max(w => w.BoundingBox.Right) < pageNumber.BoundingBox.Left, "The footer runs into the page number.");
    }

    [Fact]
    public async Task The_issued_pdf_carries_a_qr_code_of_its_verification_address_with_the_address_beside_it()
    {
        var address = $"{TestPortalAddress.Default}/scorecards/verify?code={_issued.VerificationCode}";

        var decoded = await PdfQrCodes.ReadAsync(_issued.Content, keepAs: "scorecard-issued.pdf");

        Assert.Equal(address, decoded);
        using var pdf = PdfDocument.Open(_issued.Content);
        var firstPage = string.Join(" ", pdf.GetPage(1).GetWords().Select(w => w.Text));
        Assert.Contains(address, Regex.Replace(firstPage, @"\s+", string.Empty), StringComparison.Ordinal);
        Assert.Contains($"enter the verification code {ScorecardPdf.GroupedCode(_issued.VerificationCode)}", firstPage, StringComparison.Ordinal);
        // The QR code is a figure a screen reader announces by its alternative text, not unlabelled graphics.
        var raw = Encoding.Latin1.GetString(_issued.Content);
        Assert.Matches(@"/S\s*/Figure", raw);
        Assert.Contains("(QR code of the verification address printed beside it)", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_preview_carries_no_qr_code_and_no_verification_address()
    {
        var preview = await Issuing.PreviewAsync(_supplier, _id);

        Assert.Null(await PdfQrCodes.ReadAsync(preview!.Content, keepAs: "scorecard-preview.pdf"));
        using var pdf = PdfDocument.Open(preview.Content);
        Assert.DoesNotContain("/scorecards/verify", string.Join(string.Empty, pdf.GetPage(1).GetWords().Select(w => w.Text)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_public_address_an_issued_pdf_has_no_qr_code_and_says_how_to_verify_it_in_the_portal()
    {
        var report = (await new ScorecardService(_database, TimeProvider.System).GetWithAnswersAsync(_officer, _id))!;

        var rendered = ScorecardPdf.Render(report, _issued.VerificationCode, verificationAddress: null);

        Assert.Null(await PdfQrCodes.ReadAsync(rendered, keepAs: "scorecard-no-address.pdf"));
        using var pdf = PdfDocument.Open(rendered);
        var firstPage = string.Join(" ", pdf.GetPage(1).GetWords().Select(w => w.Text));
        Assert.Contains(ScorecardPdf.VerifyInThePortal, firstPage, StringComparison.Ordinal);
        Assert.DoesNotContain("/scorecards/verify", firstPage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_pdf_is_tagged_with_a_title_and_language_for_assistive_technology()
    {
        using var pdf = PdfDocument.Open(_issued.Content);
        var catalog = pdf.Structure.Catalog.CatalogDictionary;

        Assert.StartsWith("Open API compliance scorecard: Patient administration system", pdf.Information.Title, StringComparison.Ordinal);
        Assert.True(catalog.ContainsKey(NameToken.StructTreeRoot), "The PDF has no structure tree.");
        Assert.True(catalog.ContainsKey(NameToken.MarkInfo), "The PDF is not marked as tagged.");
        Assert.Equal("en-GB", Assert.IsType<StringToken>(catalog.Data[NameToken.Lang.Data]).Data);
    }

    [Fact]
    public async Task The_verification_code_is_the_sha256_of_the_content_the_portal_keeps()
    {
        var content = await Issuing.ContentAsync(_officer, _issued.VerificationCode);

        Assert.NotNull(content);
        Assert.Equal(_issued.VerificationCode, IssuedScorecardService.Sha256(Encoding.UTF8.GetBytes(content)));
        Assert.Null(await Issuing.ContentAsync(await TestCallers.ForAsync(_database, TestCallers.OtherSupplier), _issued.VerificationCode));
    }

    [Fact]
    public async Task Qpdf_finds_the_pdf_structurally_sound()
    {
        var path = Path.Combine(_database.Directory, "scorecard.pdf");
        await File.WriteAllBytesAsync(path, _issued.Content);
        using var qpdf = Process.Start(new ProcessStartInfo("qpdf", ["--check", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await qpdf.StandardOutput.ReadToEndAsync() + await qpdf.StandardError.ReadToEndAsync();
        await qpdf.WaitForExitAsync();

        Assert.True(qpdf.ExitCode == 0, $"qpdf --check exited {qpdf.ExitCode}:\n{output}");
        Assert.Contains("No syntax or stream encoding errors found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_issued_pdf_verifies_as_genuine_for_its_assessment_and_version()
    {
        var result = await Issuing.VerifyFileAsync(_officer, _issued.Content);

        Assert.Equal(IssuedScorecardService.Outcome.Genuine, result.Outcome);
        Assert.Equal(_id, result.Issued!.AssessmentId);
        Assert.Equal("2014-05", result.Issued.FrameworkVersionLabel);
        Assert.Equal("Red", result.Issued.Rag);
        Assert.True(result.Issued.CallerCanOpenAssessment);
    }

    [Fact]
    public async Task A_copy_with_one_byte_changed_is_reported_as_altered_and_never_as_genuine()
    {
        var altered = (byte[])_issued.Content.Clone();
        // Change a digit of the assessment reference in the document information: still a readable PDF, no longer the one issued.
        var at = altered.AsSpan().IndexOf("OAP-0"u8) + 4;
        altered[at] = (byte)(altered[at] == (byte)'9' ? '8' : '9');

        var result = await Issuing.VerifyFileAsync(_officer, altered);

        Assert.Equal(IssuedScorecardService.Outcome.Altered, result.Outcome);
        Assert.Contains("has been changed", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_copy_is_not_recognised()
    {
        var damaged = (byte[])_issued.Content.Clone();
        damaged[damaged.Length / 2] ^= 0xFF;

        var result = await Issuing.VerifyFileAsync(_officer, damaged);

        Assert.NotEqual(IssuedScorecardService.Outcome.Genuine, result.Outcome);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_typed_code_verifies_whatever_its_spacing_and_case(bool grouped)
    {
        var typed = grouped ? ScorecardPdf.GroupedCode(_issued.VerificationCode).ToUpperInvariant() : _issued.VerificationCode;

        var result = await Issuing.VerifyCodeAsync(await TestCallers.ForAsync(_database, TestCallers.OtherSupplier), typed);

        Assert.Equal(IssuedScorecardService.Outcome.Genuine, result.Outcome);
        Assert.False(result.Issued!.CallerCanOpenAssessment);
    }

    [Theory]
    [InlineData("not a code", IssuedScorecardService.Outcome.Invalid)]
    [InlineData("", IssuedScorecardService.Outcome.Invalid)]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", IssuedScorecardService.Outcome.NotIssued)]
    public async Task A_code_the_portal_did_not_issue_is_refused_with_a_reason(string typed, IssuedScorecardService.Outcome expected)
    {
        var result = await Issuing.VerifyCodeAsync(_officer, typed);

        Assert.Equal(expected, result.Outcome);
        Assert.Null(result.Issued);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    [Fact]
    public async Task A_file_that_is_not_a_pdf_is_refused_with_a_reason()
    {
        var result = await Issuing.VerifyFileAsync(_officer, SampleDocuments.Png());

        Assert.Equal(IssuedScorecardService.Outcome.Invalid, result.Outcome);
    }

    [Fact]
    public async Task Issuing_is_recorded_with_its_hashes_and_audited_in_the_same_transaction()
    {
        await using var db = _database.CreateDbContext();
        var issued = await db.IssuedScorecards.SingleAsync(s => s.AssessmentId == _id);
        var audit = await db.AuditEvents.SingleAsync(e => e.AssessmentId == _id && e.Action == "ScorecardIssued");

        Assert.Equal(_issued.VerificationCode, issued.VerificationCode);
        Assert.Equal(IssuedScorecardService.Sha256(_issued.Content), issued.PdfSha256);
        Assert.Equal(issued.PdfSha256, audit.After);
        Assert.Equal("Olivia Hart", issued.IssuedByName);
    }

    [Fact]
    public async Task Nobody_outside_the_assessment_can_have_its_pdf_issued()
    {
        var bySupplier = await Issuing.IssueAsync(await TestCallers.ForAsync(_database, TestCallers.OtherSupplier), _id);
        var byOfficer = await Issuing.IssueAsync(await TestCallers.ForAsync(_database, TestCallers.OtherOfficer), _id);
        var missing = await Issuing.IssueAsync(_officer, 9999);

        Assert.Equal(OutcomeKind.NotFound, bySupplier.Kind);
        Assert.Equal(OutcomeKind.NotFound, byOfficer.Kind);
        Assert.Equal(missing.Message, bySupplier.Message!.Replace($"{_id}", "9999", StringComparison.Ordinal));
        Assert.Null(await Issuing.PreviewAsync(await TestCallers.ForAsync(_database, TestCallers.OtherSupplier), _id));
        await using var db = _database.CreateDbContext();
        Assert.Equal(1, await db.IssuedScorecards.CountAsync(s => s.AssessmentId == _id));
    }

    [Fact]
    public async Task A_preview_records_nothing_has_no_verification_code_and_says_so_on_every_page()
    {
        await using var before = _database.CreateDbContext();
        var issued = await before.IssuedScorecards.CountAsync();
        var events = await before.AuditEvents.CountAsync();

        var preview = await Issuing.PreviewAsync(_supplier, _id);

        Assert.NotNull(preview);
        using var pdf = PdfDocument.Open(preview.Content);
        Assert.All(pdf.GetPages(), page => Assert.Contains("Preview, not issued", string.Join(" ", page.GetWords().Select(w => w.Text)), StringComparison.Ordinal));
        Assert.Contains("preview, not issued", string.Join(" ", pdf.GetPage(1).GetWords().Select(w => w.Text)), StringComparison.Ordinal);
        Assert.Contains("-scorecard-preview-", preview.FileName, StringComparison.Ordinal);
        Assert.Equal(IssuedScorecardService.Outcome.NotIssued, (await Issuing.VerifyFileAsync(_supplier, preview.Content)).Outcome);
        await using var after = _database.CreateDbContext();
        Assert.Equal(issued, await after.IssuedScorecards.CountAsync());
        Assert.Equal(events, await after.AuditEvents.CountAsync());
    }

    private async Task AddEvidenceAsync(string code)
    {
        await using var db = _database.CreateDbContext();
        var response = await db.RequirementResponses.Include(r => r.Evidence)
            .SingleAsync(r => r.AssessmentId == _id && db.AssessmentRequirements.Any(x => x.Id == r.AssessmentRequirementId && x.Code == code));
        response.Evidence.Add(new EvidenceItem
        {
            AssessmentId = _id, Kind = EvidenceItemKind.Documentation, Title = "Error catalogue", Url = "https://developer.acme.example/errors",
            EvidenceDate = new DateOnly(2026, 1, 1), AddedAt = DateTime.UtcNow,
        });
        response.Evidence.Add(new EvidenceItem
        {
            AssessmentId = _id, Kind = EvidenceItemKind.OpenApiSpecification, Title = "API specification", StoredName = "stored.pdf", FileName = "spec.pdf",
            ContentType = "application/pdf", SizeBytes = 1234, Sha256 = SpecHash, EvidenceDate = new DateOnly(2026, 1, 1), AddedAt = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
    }
}
