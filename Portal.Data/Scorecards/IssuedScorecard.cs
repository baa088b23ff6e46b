namespace Portal.Data.Scorecards;

/// <summary>
/// The record of a PDF scorecard the portal handed out, so anyone holding the PDF (or its verification code) can
/// check later that it is genuine and unaltered. The verification code is the SHA-256 of the scorecard's content
/// (its JSON export at the moment of issue); the PDF's own SHA-256 proves the file was not changed byte for byte.
/// </summary>
public class IssuedScorecard
{
    public int Id { get; set; }

    public int AssessmentId { get; set; }

    /// <summary>SHA-256 (lower-case hex) of the scorecard content as issued: the UTF-8 bytes of its JSON export.</summary>
    public required string VerificationCode { get; set; }

    /// <summary>SHA-256 (lower-case hex) of the PDF file exactly as the portal issued it.</summary>
    public required string PdfSha256 { get; set; }

    public long PdfBytes { get; set; }

    /// <summary>The JSON the verification code seals, kept so anyone may recompute the code and see what was issued.</summary>
    public required string Content { get; set; }

    public required string FrameworkName { get; set; }

    public required string FrameworkVersionLabel { get; set; }

    /// <summary>What the scorecard said when it was issued, so a verifier sees it without opening the assessment.</summary>
    public required string Rag { get; set; }

    public decimal OverallPercent { get; set; }

    public required string AssessmentStatus { get; set; }

    public DateTime IssuedAt { get; set; }

    public int IssuedByUserId { get; set; }

    public required string IssuedByName { get; set; }
}
