using System.Globalization;
using QRCoder;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Reviews;
using Portal.Features.Assessments;
using Portal.Features.Evidence;
using Portal.Features.Policy;
using Portal.Features.Reviews;
using Portal.Features.SignOffs;

namespace Portal.Features.Scorecards;

/// <summary>
/// The printable scorecard: a summary page (the result, sign-off and section scores), the items that need action,
/// the significant functions, then every requirement with its claim, decision and evidence (links and document
/// hashes). Every page carries the assessment, the time it was made and the verification code.
/// </summary>
public static class ScorecardPdf
{
    /// <summary>The heading of the requirements whose evidence drifted, on the page and in the PDF.</summary>
    public const string DriftTitle = "Evidence drift found by the latest link checks";

    /// <summary>What a preview says where an issued scorecard gives its verification code.</summary>
    public const string PreviewNotice = "Preview, not issued: it has no verification code and cannot be verified. Issue the scorecard in the portal for a copy to share.";

    /// <summary>What an issued scorecard says to do when the portal knows no public address to put in a QR code.</summary>
    public const string VerifyInThePortal = "To check that this scorecard is genuine, sign in to the portal or open its home page, choose \"Verify a scorecard\" (under Scorecards) and enter the verification code above.";

    /// <summary>The side of the printed QR code, quiet zone included, in points (about 37 mm): a phone reads it from a printed page.</summary>
    private const double QrSize = 104;

    /// <summary>The address, below the portal's own, that checks a scorecard by its code: the verify page reads the code from it.</summary>
    public static string VerificationPath(string verificationCode) => $"/scorecards/verify?code={verificationCode}";

    /// <param name="verificationCode">The code of the scorecard being issued; null for a preview, which records nothing and says so on every page.</param>
    /// <param name="verificationAddress">
    /// The full address that verifies it (the portal's public address and <see cref="VerificationPath"/>), printed with
    /// its QR code; null when the portal knows no public address, and then the PDF says how to verify it in the portal.
    /// </param>
    public static byte[] Render(ScorecardService.Report report, string? verificationCode, string? verificationAddress = null)
    {
        var made = report.GeneratedAt.ToString("d MMMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var footer = new[]
        {
            $"{report.Reference} · {report.SystemName} · {report.SupplierName} · made {made}",
            verificationCode is null ? PreviewNotice : $"Verification code {GroupedCode(verificationCode)} (check it under Scorecards > Verify a scorecard)",
        };
        var properties = new Dictionary<string, string> { ["Assessment"] = report.Reference };
        if (verificationCode is not null)
        {
            properties["VerificationCode"] = verificationCode;
        }

        using var pdf = new TaggedPdfWriter(
            $"Open API compliance scorecard: {report.SystemName} ({report.Reference})",
            $"{report.FrameworkName}, version {report.VersionLabel}",
            report.OrganisationName,
            report.GeneratedAt,
            footer,
            properties);

        Summary(pdf, report, made, verificationCode, verificationAddress);
        Actions(pdf, report);
        Functions(pdf, report);
        Requirements(pdf, report);
        return pdf.ToPdf();
    }

    /// <summary>The code in groups of eight, easier to read aloud or compare by eye; the verify page ignores the spaces.</summary>
    public static string GroupedCode(string code) =>
        string.Join(' ', Enumerable.Range(0, (code.Length + 7) / 8).Select(i => code.Substring(i * 8, Math.Min(8, code.Length - (i * 8)))));

    /// <summary>The QR code's modules, quiet zone included. Level M recovers from 15% damage: a fold or a smudge on paper.</summary>
    public static IReadOnlyList<IReadOnlyList<bool>> QrModules(string text)
    {
        using var data = QRCodeGenerator.GenerateQrCode(text, QRCodeGenerator.ECCLevel.M);
        return data.ModuleMatrix.Select(row => (IReadOnlyList<bool>)Enumerable.Range(0, row.Length).Select(i => row[i]).ToArray()).ToList();
    }

    private static void Verification(TaggedPdfWriter pdf, string verificationCode, string? verificationAddress)
    {
        pdf.Heading(2, "Check that it is genuine");
        if (verificationAddress is null)
        {
            pdf.Paragraph(VerifyInThePortal);
            return;
        }

        pdf.ModulesBeside(QrModules(verificationAddress), QrSize, "QR code of the verification address printed beside it",
        [
            ("Scan the QR code with a phone, or open this address in a browser:", pdf.Body),
            (verificationAddress, pdf.Body),
            ($"Or choose \"Verify a scorecard\" in the portal and enter the verification code {GroupedCode(verificationCode)}.", pdf.Body),
            ("It shows which assessment and policy version the scorecard is for, and what it said when it was issued.", pdf.Small),
        ]);
    }

    private static void Summary(TaggedPdfWriter pdf, ScorecardService.Report report, string made, string? verificationCode, string? verificationAddress)
    {
        var card = report.Card;
        pdf.Heading(1, verificationCode is null ? "Open API compliance scorecard: preview, not issued" : "Open API compliance scorecard");
        pdf.Paragraph($"{report.SystemName}, supplied by {report.SupplierName}", pdf.BodyBold);
        pdf.Facts(
        [
            ("Assessment", report.Reference),
            ("NHS organisation", report.OrganisationName),
            ("Supplier", report.SupplierName),
            ("Route", PolicyWording.RouteName(report.Route)),
            ("Assessment status", AssessmentWorkflow.StatusName(report.Status)),
            ("Policy", $"{report.FrameworkName}, version {report.VersionLabel}"),
            ("Made", made),
            ("Verification code", verificationCode ?? "None: " + PreviewNotice),
        ]);
        if (verificationCode is not null)
        {
            Verification(pdf, verificationCode, verificationAddress);
        }

        pdf.Heading(2, "Result");
        pdf.Paragraph($"Status: {card.StatusName}. {card.StatusReason}", pdf.BodyBold);
        pdf.Facts(
        [
            ("Overall score", Percent(card.OverallPercent)),
            ("\"Must\" score", Percent(card.MustPercent)),
            ("\"Should\" score", Percent(card.ShouldPercent)),
            ("Weights", $"must {report.Rules.MustWeight}, should {report.Rules.ShouldWeight}; \"should\" threshold {report.Rules.ShouldThresholdPercent}%"),
            ("Requirements in scope", $"{card.Requirements.Count} ({card.Requirements.Count(r => r.Counted)} counted in the score)"),
            ("Evidence drift", report.DriftSummary),
        ]);

        pdf.Heading(2, "Sign-off");
        if (report.SignOff is { } s)
        {
            var when = s.SignedAt.ToString("d MMMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);
            pdf.Paragraph(s.IsVoid
                ? $"Sign-off void. {SignOffRecord.DecisionText(s.Decision)} by {s.SignedBy} ({s.Role}) on {when} no longer stands: {s.VoidReason}"
                : $"{SignOffRecord.DecisionText(s.Decision)} by {s.SignedBy} ({s.Role}) on {when}.");
            if (s.RedApprovalText is { } red)
            {
                pdf.Paragraph(red);
            }

            pdf.Paragraph($"Seal (SHA-256 of the signed snapshot): {s.Seal}", pdf.Small);
        }
        else
        {
            pdf.Paragraph("Not signed off.");
        }

        if (report.Conditions.Count > 0)
        {
            pdf.Heading(3, "Conditions of the sign-off");
            pdf.Table(["Condition", "Owner", "Due"], [5, 2, 1.3],
                report.Conditions.Select(c => (IReadOnlyList<string>)[c.Text, c.Owner, Date(c.DueDate)]));
        }

        pdf.Heading(2, "Score by section");
        pdf.Table(["Section", "Counted", "Score"], [6, 1.2, 1.2],
            card.Sections.Select(x => (IReadOnlyList<string>)
                [report.SectionTitles.GetValueOrDefault(x.SectionCode, x.SectionCode), x.Counted.ToString(CultureInfo.InvariantCulture), Percent(x.Percent)]));
    }

    private static void Actions(TaggedPdfWriter pdf, ScorecardService.Report report)
    {
        var card = report.Card;
        pdf.Heading(2, $"{card.ShortfallsTitle} ({card.Shortfalls.Count})");
        ResultTable(pdf, card.Shortfalls, card.ShortfallsEmpty);

        pdf.Heading(2, "Plans with dates");
        var plans = card.Plans.ToList();
        if (plans.Count == 0)
        {
            pdf.Paragraph("No requirement is met only by a plan.");
        }
        else
        {
            pdf.Table(["ID", "Requirement", "Planned for", "Plan"], [1, 3.5, 1.4, 4],
                plans.Select(p => (IReadOnlyList<string>)[p.Input.Code, p.Input.Title, p.Input.PlannedDate is { } d ? Date(d) : "no date",
                    report.Answers.GetValueOrDefault(p.Input.Code)?.Plan ?? "–"]));
        }

        pdf.Heading(2, "Evidence past its valid-until date");
        ResultTable(pdf, card.Expired.ToList(), "No evidence has expired.");

        pdf.Heading(2, $"{DriftTitle} ({report.Drift.Count})");
        if (report.Drift.Count == 0)
        {
            pdf.Paragraph(report.DriftSummary);
        }
        else
        {
            pdf.Paragraph("Marked, not scored: the result of each requirement is as it was reviewed.", pdf.Small);
            pdf.Table(["ID", "Requirement", "What the latest check found"], [1, 3.4, 5.6],
                card.Requirements.Where(r => report.Drift.ContainsKey(r.Input.Code)).Select(r => (IReadOnlyList<string>)
                    [r.Input.Code, r.Input.Title, string.Join("\n", report.DriftOf(r.Input.Code).Select(d => d.Marker))]));
        }
    }

    private static void Functions(TaggedPdfWriter pdf, ScorecardService.Report report)
    {
        pdf.Heading(2, "Significant business functions and their APIs");
        if (report.Functions.Count == 0)
        {
            pdf.Paragraph("No significant business functions were named.");
            return;
        }

        pdf.Table(["Function", "API operation", "Documentation"], [3, 3, 4],
            report.Functions.Select(f => (IReadOnlyList<string>)[f.Name, f.ApiOperation ?? "not given", f.DocumentationUrl ?? "not given"]));
    }

    private static void Requirements(TaggedPdfWriter pdf, ScorecardService.Report report)
    {
        pdf.Heading(2, "Every requirement");
        foreach (var r in report.Card.Requirements)
        {
            pdf.Heading(3, $"{r.Input.Code} {r.Input.Title}");
            pdf.Paragraph(string.Join('\n', RequirementLines(r, report.Answers.GetValueOrDefault(r.Input.Code), report.DriftOf(r.Input.Code))), after: 6);
        }
    }

    /// <summary>
    /// What is known of one requirement, a line each, read as one paragraph under its heading. Tagged tables or a
    /// paragraph per piece of evidence cost a structure element (an object in the file) each, which for sixty
    /// requirements doubled the file's size and the time to make it for no gain in meaning.
    /// </summary>
    private static IEnumerable<string> RequirementLines(ScoredRequirement r, ScorecardService.AnswerDetail? answer, IReadOnlyList<ScorecardService.DriftLine> drift)
    {
        yield return $"{r.Input.Obligation} (weight {r.Weight}) · claim: {ClaimName(r.Input.Claim)} · decision: {DecisionName(r.Input.Decision)} · " +
            $"result: {ScorecardService.ResultName(r.Result)}, credit {r.Credit.ToString("0.0", CultureInfo.InvariantCulture)}. {r.Explanation}";
        foreach (var d in drift)
        {
            yield return $"Drift: {d.Marker}";
        }

        if (!string.IsNullOrWhiteSpace(answer?.Narrative))
        {
            yield return $"Supplier's account: {answer.Narrative}";
        }

        if (!string.IsNullOrWhiteSpace(answer?.NotApplicableJustification))
        {
            yield return $"Why it does not apply: {answer.NotApplicableJustification}";
        }

        var evidence = answer?.Evidence ?? [];
        if (evidence.Count == 0)
        {
            yield return "No evidence given.";
        }

        for (var i = 0; i < evidence.Count; i++)
        {
            var e = evidence[i];
            yield return $"Evidence {i + 1}: {e.Title} ({PolicyWording.EvidenceItemKindName(e.Kind)}), {Where(e)}; dated {Date(e.EvidenceDate)}" +
                (e.ValidUntil is { } v ? $", valid until {Date(v)}." : ".");
        }
    }

    private static void ResultTable(TaggedPdfWriter pdf, IReadOnlyList<ScoredRequirement> items, string empty)
    {
        if (items.Count == 0)
        {
            pdf.Paragraph(empty);
            return;
        }

        pdf.Table(["ID", "Requirement", "Result", "Why"], [1, 3.6, 1.4, 4],
            items.Select(r => (IReadOnlyList<string>)[r.Input.Code, r.Input.Title, ScorecardService.ResultName(r.Result), r.Explanation]));
    }

    private static string Where(ScorecardService.EvidenceLine e) =>
        e.Url ?? $"{e.FileName} (SHA-256 {e.Sha256})";

    private static string ClaimName(ComplianceClaim? claim) => claim switch
    {
        ComplianceClaim.Meets => "meets",
        ComplianceClaim.PartiallyMeets => "partially meets",
        ComplianceClaim.DoesNotMeet => "does not meet",
        ComplianceClaim.NotApplicable => "not applicable",
        ComplianceClaim.WillMeetByDate => "will meet by a date",
        _ => "none",
    };

    private static string DecisionName(ReviewOutcome? decision) => decision is { } d ? ReviewItemPanel.OutcomeText(d) : "not reviewed";

    private static string Percent(decimal value) => value.ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string Date(DateOnly date) => date.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
}
