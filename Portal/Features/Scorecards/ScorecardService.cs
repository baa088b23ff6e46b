using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.SignOffs;
using Portal.Features.Assessments;

namespace Portal.Features.Scorecards;

/// <summary>An assessment's scorecard for anyone who may see the assessment: NHS staff of the organisation and the supplier.</summary>
public sealed class ScorecardService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public sealed record SignOffBlock(SignOffDecision Decision, string SignedBy, string Role, DateTime SignedAt, string Seal, bool IsVoid, string? VoidReason, string? RedApprovalReason)
    {
        /// <summary>The reason a Red assessment was approved, in the words every surface uses.</summary>
        public string? RedApprovalText => RedApprovalReason is null ? null : $"Approved although the status was Red, because: {RedApprovalReason}";
    }

    public sealed record FunctionLine(string Name, string? ApiOperation, string? DocumentationUrl);

    public sealed record ConditionLine(string Text, string Owner, DateOnly DueDate);

    public sealed record EvidenceLine(EvidenceItemKind Kind, string Title, string? Url, string? FileName, string? Sha256, DateOnly EvidenceDate, DateOnly? ValidUntil);

    /// <summary>Drift the latest check of one evidence link found: what got worse, on which evidence, and when that check ran (UTC).</summary>
    public sealed record DriftLine(string EvidenceTitle, EvidenceItemKind Kind, string Text, DateTime CheckedAt)
    {
        /// <summary>The marker in words, as every surface shows it.</summary>
        public string Marker => $"{Text.TrimEnd()} (evidence \"{EvidenceTitle}\", checked {CheckedAt.InPortalTime().ToString("d MMM yyyy", CultureInfo.InvariantCulture)})";
    }

    /// <summary>What the supplier gave for one requirement; only the PDF needs it, so it is loaded on request.</summary>
    public sealed record AnswerDetail(string? Narrative, string? NotApplicableJustification, string? Plan, IReadOnlyList<EvidenceLine> Evidence);

    public sealed record Report(
        int AssessmentId,
        string Reference,
        string SystemName,
        string OrganisationName,
        string SupplierName,
        AssessmentRoute Route,
        AssessmentStatus Status,
        string FrameworkName,
        string VersionLabel,
        DateTime GeneratedAt,
        ScoringRules Rules,
        IReadOnlyDictionary<string, string> SectionTitles,
        IReadOnlyList<FunctionLine> Functions,
        SignOffBlock? SignOff,
        IReadOnlyList<ConditionLine> Conditions,
        IReadOnlyDictionary<string, AnswerDetail> Answers,
        Scorecard Card,
        IReadOnlyDictionary<string, IReadOnlyList<DriftLine>> Drift)
    {
        /// <summary>The drift markers of one requirement's evidence; none when its latest checks found none.</summary>
        public IReadOnlyList<DriftLine> DriftOf(string code) => Drift.GetValueOrDefault(code) ?? [];

        /// <summary>How many requirements have evidence with drift, in words: the scorecard summary on every surface.</summary>
        public string DriftSummary => DriftWords(Drift.Count);
    }

    /// <summary>"None found by the latest link checks", "1 requirement has evidence whose latest link check found drift", ...</summary>
    public static string DriftWords(int requirements) => requirements switch
    {
        0 => "None found by the latest link checks.",
        1 => "1 requirement has evidence whose latest link check found drift.",
        _ => $"{requirements} requirements have evidence whose latest link check found drift.",
    };

    /// <summary>The scorecard, or null when the caller may not see the assessment (or its start is unfinished).</summary>
    public Task<Report?> GetAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default) =>
        GetAsync(caller, assessmentId, withAnswers: false, cancellationToken);

    /// <summary>The scorecard with each requirement's narrative and evidence (two more queries), as the PDF shows them.</summary>
    public Task<Report?> GetWithAnswersAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default) =>
        GetAsync(caller, assessmentId, withAnswers: true, cancellationToken);

    private async Task<Report?> GetAsync(Caller caller, int assessmentId, bool withAnswers, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var a = await ScorecardQueries.Headings(db.Assessments.AsNoTracking().VisibleTo(caller).Where(x => x.Id == assessmentId))
            .SingleOrDefaultAsync(cancellationToken);
        if (a is null)
        {
            return null;
        }

        var inputs = await ScorecardQueries.Inputs(db, db.AssessmentRequirements.AsNoTracking().Where(r => r.AssessmentId == assessmentId))
            .ToListAsync(cancellationToken);
        var sections = await db.PolicySections.AsNoTracking()
            .Where(s => s.FrameworkVersionId == a.FrameworkVersionId)
            .OrderBy(s => s.Order)
            .ToDictionaryAsync(s => s.Code, s => s.Title, cancellationToken);
        var functions = await db.SignificantFunctions.AsNoTracking()
            .Where(f => f.AssessmentId == assessmentId).OrderBy(f => f.Order)
            .Select(f => new FunctionLine(f.Name, f.ApiOperation, f.DocumentationUrl))
            .ToListAsync(cancellationToken);
        var signOff = await db.SignOffs.AsNoTracking()
            .Where(s => s.AssessmentId == assessmentId).OrderByDescending(s => s.SignedAt)
            .Select(s => new SignOffBlock(s.Decision, s.SignedByName, s.SignedByRole, s.SignedAt, s.Seal, s.IsVoid, s.VoidReason, s.RedApprovalReason))
            .FirstOrDefaultAsync(cancellationToken);
        // Conditions stand only while the sign-off that set them stands.
        var conditions = await db.SignOffs.AsNoTracking()
            .Where(s => s.AssessmentId == assessmentId)
            .OrderByDescending(s => s.SignedAt).Take(1)
            .Where(s => !s.IsVoid)
            .SelectMany(s => s.Conditions)
            .OrderBy(c => c.DueDate).ThenBy(c => c.Id)
            .Select(c => new ConditionLine(c.Text, c.Owner, c.DueDate))
            .ToListAsync(cancellationToken);
        var answers = withAnswers ? await AnswersAsync(db, assessmentId, cancellationToken) : new Dictionary<string, AnswerDetail>();
        var drift = await ScorecardQueries.Drift(db, assessmentId).ToListAsync(cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        var card = ScorecardCalculator.Calculate(inputs.ConvertAll(r => r.Scoring), a.Route, a.Rules, DateOnly.FromDateTime(now.InPortalTime()));
        return new Report(a.Id, $"OAP-{a.Id:D5}", a.SystemName, a.Organisation, a.Supplier!, a.Route, a.Status, a.Framework, a.Version, now, a.Rules,
            sections, functions, signOff, conditions, answers, card, DriftByRequirement(drift, card));
    }

    /// <summary>Drift markers by requirement, for the requirements in scope only (the ones the scorecard lists).</summary>
    private static Dictionary<string, IReadOnlyList<DriftLine>> DriftByRequirement(List<ScorecardQueries.DriftRow> rows, Scorecard card)
    {
        var inScope = card.Requirements.Select(r => r.Input.Code).ToHashSet(StringComparer.Ordinal);
        return rows.Where(d => inScope.Contains(d.Code))
            .GroupBy(d => d.Code, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<DriftLine>)g.OrderBy(d => d.EvidenceTitle, StringComparer.Ordinal)
                .Select(d => new DriftLine(d.EvidenceTitle, d.Kind, d.Text, d.CheckedAt)).ToList(), StringComparer.Ordinal);
    }

    private static async Task<Dictionary<string, AnswerDetail>> AnswersAsync(PortalDbContext db, int assessmentId, CancellationToken cancellationToken)
    {
        var responses = await db.RequirementResponses.AsNoTracking()
            .Where(r => r.AssessmentId == assessmentId)
            .Select(r => new
            {
                r.Id,
                Code = db.AssessmentRequirements.Where(x => x.Id == r.AssessmentRequirementId).Select(x => x.Code).First(),
                r.Narrative,
                r.NotApplicableJustification,
                r.Plan,
            })
            .ToListAsync(cancellationToken);
        var evidence = (await db.EvidenceItems.AsNoTracking()
                .Where(e => e.AssessmentId == assessmentId)
                .OrderBy(e => e.AddedAt).ThenBy(e => e.Id)
                .Select(e => new { e.RequirementResponseId, Line = new EvidenceLine(e.Kind, e.Title, e.Url, e.FileName, e.Sha256, e.EvidenceDate, e.ValidUntil) })
                .ToListAsync(cancellationToken))
            .ToLookup(e => e.RequirementResponseId, e => e.Line);
        return responses.ToDictionary(
            r => r.Code,
            r => new AnswerDetail(r.Narrative, r.NotApplicableJustification, r.Plan, evidence[r.Id].ToList()));
    }

    public static string ResultName(RequirementResult result) => result switch
    {
        RequirementResult.Met => "Met",
        RequirementResult.PartlyMet => "Partly met",
        RequirementResult.Planned => "Planned",
        RequirementResult.NotMet => "Not met",
        RequirementResult.ExpiredEvidence => "Evidence expired",
        RequirementResult.AwaitingReview => "Awaiting review",
        _ => "Not applicable",
    };
}
