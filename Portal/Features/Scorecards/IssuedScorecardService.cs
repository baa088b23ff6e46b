using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using PdfSharp.Pdf.IO;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Scorecards;
using Portal.Features.Assessments;
using Portal.Features.Audit;

namespace Portal.Features.Scorecards;

/// <summary>
/// Issues PDF scorecards and verifies them later. Issuing records the verification code (the SHA-256 of the
/// scorecard's JSON content) and the SHA-256 of the PDF file, so a PDF that comes back can be shown to be one the
/// portal made, unaltered, and for which assessment and catalogue version.
/// </summary>
public sealed class IssuedScorecardService(IDbContextFactory<PortalDbContext> contexts, ScorecardService scorecards, TimeProvider clock, Portal.Hosting.PortalAddress address)
{
    public sealed record IssuedPdf(byte[] Content, string FileName, string VerificationCode);

    public sealed record IssuedView(
        int AssessmentId,
        string Reference,
        string SystemName,
        string OrganisationName,
        string SupplierName,
        string FrameworkName,
        string FrameworkVersionLabel,
        string Rag,
        decimal OverallPercent,
        string AssessmentStatus,
        DateTime IssuedAt,
        string? IssuedByName,
        string VerificationCode,
        string? PdfSha256,
        bool CallerCanOpenAssessment)
    {
        /// <summary>
        /// What someone not signed in may learn from a code: only what the PDF itself prints (who issued it and the file's
        /// own hash are not on the PDF, so they are left out).
        /// </summary>
        public IssuedView AsOnThePdf() => this with { IssuedByName = null, PdfSha256 = null };
    }

    public enum Outcome
    {
        /// <summary>The code, or the file byte for byte, is one the portal issued.</summary>
        Genuine,

        /// <summary>The file names a code the portal issued, but its bytes are not the ones issued.</summary>
        Altered,

        /// <summary>Nothing the portal issued matches.</summary>
        NotIssued,

        /// <summary>The input cannot be a code or a PDF.</summary>
        Invalid,
    }

    /// <summary>Someone not signed in: no role, organisation or supplier, so they may open no assessment.</summary>
    private static readonly Caller Nobody = new(0, string.Empty, string.Empty, new HashSet<string>(), null, null, null, null, null);

    public sealed record Verification(Outcome Outcome, string Message, IssuedView? Issued = null);

    /// <summary>
    /// Issues the PDF scorecard: records it as issued in the same transaction as its audit event. A deliberate action
    /// (a button, an API POST), never a side effect of reading: <see cref="PreviewAsync"/> is the read.
    /// </summary>
    public async Task<Outcome<IssuedPdf>> IssueAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        var report = await scorecards.GetWithAnswersAsync(caller, assessmentId, cancellationToken);
        if (report is null)
        {
            return Features.Outcome.NotFound(NoScorecard(assessmentId));
        }

        var content = ScorecardExports.Json(report);
        var code = Sha256(Encoding.UTF8.GetBytes(content));
        var verificationAddress = address.Of(ScorecardPdf.VerificationPath(code),
            "issued scorecard PDFs carry no QR code of their verification address, only how to verify them in the portal");
        var pdf = ScorecardPdf.Render(report, code, verificationAddress);
        var pdfHash = Sha256(pdf);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        db.IssuedScorecards.Add(new IssuedScorecard
        {
            AssessmentId = assessmentId,
            VerificationCode = code,
            PdfSha256 = pdfHash,
            PdfBytes = pdf.LongLength,
            Content = content,
            FrameworkName = report.FrameworkName,
            FrameworkVersionLabel = report.VersionLabel,
            // The column holds a short word; "Unscored" stands for "not yet scored".
            Rag = report.Card.IsScored ? report.Card.Rag.ToString() : "Unscored",
            OverallPercent = report.Card.OverallPercent,
            AssessmentStatus = AssessmentWorkflow.StatusName(report.Status),
            IssuedAt = now,
            IssuedByUserId = caller.UserId,
            IssuedByName = caller.DisplayName,
        });
        AuditTrail.Record(db, caller, now, "ScorecardIssued", "Assessment", assessmentId.ToString(CultureInfo.InvariantCulture),
            $"PDF scorecard issued ({report.Card.StatusName}, {report.Card.OverallPercent:0.#}%), verification code {code}", after: pdfHash, assessmentId: assessmentId);
        if (await db.SaveCommandAsync("The scorecard was not issued because the audit trail was busy. Issue it again.", cancellationToken) is { } refused)
        {
            return refused;
        }

        return Features.Outcome.Done(
            new IssuedPdf(pdf, $"{report.Reference}-scorecard-{report.GeneratedAt:yyyyMMdd-HHmm}.pdf", code),
            $"Scorecard issued with verification code {ScorecardPdf.GroupedCode(code)}.");
    }

    /// <summary>
    /// A preview of the PDF scorecard that records nothing: it carries no verification code, says on every page that it
    /// was not issued, and cannot be verified. Null when the caller may not see the scorecard.
    /// </summary>
    public async Task<IssuedPdf?> PreviewAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        var report = await scorecards.GetWithAnswersAsync(caller, assessmentId, cancellationToken);
        return report is null
            ? null
            : new IssuedPdf(ScorecardPdf.Render(report, verificationCode: null), $"{report.Reference}-scorecard-preview-{report.GeneratedAt:yyyyMMdd-HHmm}.pdf", string.Empty);
    }

    /// <summary>Why there is no scorecard to issue: the same words whether it does not exist or the caller may not see it.</summary>
    public static string NoScorecard(int assessmentId) =>
        $"There is no scorecard for assessment {assessmentId} that you can see (an assessment has one once its route is chosen).";

    /// <summary>Checks a typed verification code. Spaces, dashes and letter case are forgiven, as people copy codes from paper.</summary>
    public async Task<Verification> VerifyCodeAsync(Caller? caller, string? typed, CancellationToken cancellationToken = default)
    {
        var code = new string((typed ?? string.Empty).Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray()).ToLowerInvariant();
        if (code.Length != 64 || !code.All(char.IsAsciiHexDigit))
        {
            return new Verification(Outcome.Invalid, "A verification code is 64 letters and digits (0–9, a–f), as printed at the foot of every page of the scorecard.");
        }

        var issued = await FindAsync(caller, s => s.VerificationCode == code, cancellationToken);
        return issued is null
            ? new Verification(Outcome.NotIssued, "The portal has not issued a scorecard with this code. Check it against the foot of the PDF.")
            : new Verification(Outcome.Genuine, $"This code belongs to a scorecard the portal issued for {issued.Reference}.", issued);
    }

    /// <summary>Checks an uploaded PDF byte for byte against every scorecard the portal issued.</summary>
    public async Task<Verification> VerifyFileAsync(Caller? caller, byte[] file, CancellationToken cancellationToken = default)
    {
        if (file.Length < 5 || !file.AsSpan(0, 5).SequenceEqual("%PDF-"u8))
        {
            return new Verification(Outcome.Invalid, "That file is not a PDF. Choose the scorecard PDF the portal gave you.");
        }

        var hash = Sha256(file);
        var issued = await FindAsync(caller, s => s.PdfSha256 == hash, cancellationToken);
        if (issued is not null)
        {
            return new Verification(Outcome.Genuine, $"This is, byte for byte, a scorecard the portal issued for {issued.Reference}.", issued);
        }

        // Not the bytes the portal issued. If the file still names a code the portal issued, say that it was altered.
        var claimed = ClaimedCode(file);
        var named = claimed is null ? null : await FindAsync(caller, s => s.VerificationCode == claimed, cancellationToken);
        return named is null
            ? new Verification(Outcome.NotIssued, "This PDF does not match any scorecard the portal issued.")
            : new Verification(Outcome.Altered,
                $"This PDF names the verification code of a scorecard the portal issued for {named.Reference}, but its content is not what was issued: it has been changed since. Ask for a fresh copy.",
                named);
    }

    /// <summary>The JSON content a verification code seals, for someone who may see the assessment.</summary>
    public async Task<string?> ContentAsync(Caller caller, string code, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.IssuedScorecards.AsNoTracking()
            .Where(s => s.VerificationCode == code && db.Assessments.VisibleTo(caller).Any(a => a.Id == s.AssessmentId))
            .Select(s => s.Content)
            .SingleOrDefaultAsync(cancellationToken);
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The issued scorecard that matches: signed out (<paramref name="caller"/> null), only what the PDF prints.</summary>
    private async Task<IssuedView?> FindAsync(Caller? caller, System.Linq.Expressions.Expression<Func<IssuedScorecard, bool>> match, CancellationToken cancellationToken)
    {
        if (caller is null)
        {
            var found = await FindAsync(Nobody, match, cancellationToken);
            if (found is null)
            {
                return null;
            }

            // The system, organisation and supplier as sealed when the scorecard was issued (the assessment's may have
            // changed since): a signed-out reader learns what the PDF printed, not what the portal holds now.
            await using var sealedDb = await contexts.CreateDbContextAsync(cancellationToken);
            var content = await sealedDb.IssuedScorecards.AsNoTracking().Where(s => s.VerificationCode == found.VerificationCode)
                .Select(s => s.Content).SingleAsync(cancellationToken);
            using var sealedJson = System.Text.Json.JsonDocument.Parse(content);
            var root = sealedJson.RootElement;
            string Sealed(string name, string fallback) =>
                root.TryGetProperty(name, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String ? value.GetString()! : fallback;
            return found.AsOnThePdf() with
            {
                SystemName = Sealed("system", found.SystemName),
                OrganisationName = Sealed("organisation", found.OrganisationName),
                SupplierName = Sealed("supplier", found.SupplierName),
            };
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var visible = db.Assessments.VisibleTo(caller).Select(a => a.Id);
        // Anyone signed in may verify a scorecard they hold: the code is unguessable, so holding it means holding the
        // PDF, which already says all this. Opening the assessment itself still needs the usual permission.
        return await db.IssuedScorecards.AsNoTracking().Where(match)
            .Join(db.Assessments, s => s.AssessmentId, a => a.Id, (s, a) => new IssuedView(
                a.Id,
                "OAP-" + a.Id.ToString("D5", CultureInfo.InvariantCulture),
                a.SystemName,
                a.NhsOrganisation!.Name,
                a.Supplier!.Name,
                s.FrameworkName,
                s.FrameworkVersionLabel,
                s.Rag,
                s.OverallPercent,
                s.AssessmentStatus,
                s.IssuedAt,
                s.IssuedByName,
                s.VerificationCode,
                s.PdfSha256,
                visible.Contains(a.Id)))
            .FirstOrDefaultAsync(cancellationToken);
    }

    private static string? ClaimedCode(byte[] file)
    {
        try
        {
            using var stream = new MemoryStream(file, writable: false);
            using var document = PdfReader.Open(stream, PdfDocumentOpenMode.Import);
            var code = document.Info.Elements.GetString("/VerificationCode");
            return code.Length == 64 && code.All(char.IsAsciiHexDigit) ? code.ToLowerInvariant() : null;
        }
#pragma warning disable CA1031 // A damaged or foreign PDF is an ordinary answer here ("not issued"), not an error.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }
}
