using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Policy;
using Portal.Features.Assessments;
using Portal.Features.Scorecards;

namespace Portal.Features.Comparisons;

/// <summary>
/// Competing bids for one procurement side by side: each bid's scorecard, worked out by the same
/// <see cref="ScorecardCalculator"/>, and a matrix of results by requirement. Bids are commercially confidential, so
/// only NHS staff of the assessing organisation may compare; a supplier never sees a competitor's bid, not even
/// that there is one. Drafts (not yet sent to a supplier) and withdrawn assessments are left out of the matrix and
/// named as left out, so nobody mistakes a dropped bid for a weak one.
/// </summary>
public sealed class ComparisonService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public sealed record Bid(
        int AssessmentId,
        string Reference,
        string SupplierName,
        string SystemName,
        AssessmentStatus Status,
        AssessmentRoute Route,
        string FrameworkName,
        string VersionLabel,
        ScoringRules Rules,
        Scorecard Card)
    {
        public string Label => $"{SupplierName} ({Reference})";
    }

    public sealed record LeftOutBid(int AssessmentId, string Reference, string SupplierName, string Why);

    /// <summary>A requirement in scope for at least one bid, with each bid's result in bid order; null where out of scope.</summary>
    public sealed record MatrixRow(string Code, string Title, IReadOnlyList<ScoredRequirement?> Results);

    public sealed record Comparison(
        string ProcurementReference,
        string OrganisationName,
        DateTime GeneratedAt,
        IReadOnlyList<Bid> Bids,
        IReadOnlyList<MatrixRow> Rows,
        IReadOnlyList<LeftOutBid> LeftOut);

    /// <summary>How many bids an assessment's procurement has, for a link to compare them; null for anyone who may not compare.</summary>
    public sealed record Procurement(string Reference, int Bids);

    public const string NotInScope = "Not in scope";

    public static string Address(string procurementReference, string? extension = null) =>
        $"/procurements/compare{(extension is null ? string.Empty : "." + extension)}?reference={Uri.EscapeDataString(procurementReference)}";

    public static string ResultText(ScoredRequirement? result) => result is null ? NotInScope : ScorecardService.ResultName(result.Result);

    public async Task<Comparison?> GetAsync(Caller caller, string? procurementReference, CancellationToken cancellationToken = default)
    {
        var reference = procurementReference?.Trim();
        if (string.IsNullOrEmpty(reference) || !AssessmentVisibility.IsNhsStaff(caller))
        {
            return null;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessments = await ScorecardQueries.Headings(db.Assessments.AsNoTracking().VisibleTo(caller)
                .Where(a => a.ProcurementReference == reference).OrderBy(a => a.Id))
            .ToListAsync(cancellationToken);
        if (assessments.Count == 0)
        {
            return null;
        }

        var compared = assessments.Where(a => a.Status is not (AssessmentStatus.Draft or AssessmentStatus.Withdrawn)).ToList();
        var ids = compared.Select(a => a.Id).ToList();
        var inputs = await ScorecardQueries.Inputs(db, db.AssessmentRequirements.AsNoTracking().Where(r => ids.Contains(r.AssessmentId)))
            .ToListAsync(cancellationToken);

        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now.InPortalTime());
        var inputsByBid = inputs.ToLookup(r => r.AssessmentId);
        var bids = compared.Select(a =>
        {
            var card = ScorecardCalculator.Calculate(inputsByBid[a.Id].Select(r => r.Scoring).ToList(), a.Route, a.Rules, today);
            return new Bid(a.Id, $"OAP-{a.Id:D5}", a.Supplier ?? "Supplier not chosen", a.SystemName, a.Status, a.Route, a.Framework, a.Version, a.Rules, card);
        }).ToList();

        var leftOut = assessments.Where(a => !ids.Contains(a.Id))
            .Select(a => new LeftOutBid(a.Id, $"OAP-{a.Id:D5}", a.Supplier ?? "Supplier not chosen",
                a.Status == AssessmentStatus.Withdrawn ? "withdrawn" : "a draft, not yet sent to the supplier"))
            .ToList();
        return new Comparison(reference, assessments[0].Organisation, now, bids, Matrix(bids, inputs), leftOut);
    }

    /// <summary>The procurement an assessment belongs to and how many of its bids can be compared; null when there is nothing to compare or the caller may not.</summary>
    public async Task<Procurement?> FindAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        if (!AssessmentVisibility.IsNhsStaff(caller))
        {
            return null;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var found = await db.Assessments.AsNoTracking().VisibleTo(caller)
            .Where(a => a.Id == assessmentId && a.ProcurementReference != null)
            .Select(a => new
            {
                a.ProcurementReference,
                Bids = db.Assessments.Count(o => o.NhsOrganisationId == a.NhsOrganisationId && o.ProcurementReference == a.ProcurementReference
                    && o.Route != null && o.Status != AssessmentStatus.Draft && o.Status != AssessmentStatus.Withdrawn),
            })
            .SingleOrDefaultAsync(cancellationToken);
        return found is null ? null : new Procurement(found.ProcurementReference!, found.Bids);
    }

    private static List<MatrixRow> Matrix(List<Bid> bids, List<ScorecardQueries.Input> inputs)
    {
        var results = bids.Select(b => b.Card.Requirements.ToDictionary(r => r.Input.Code)).ToList();
        return inputs
            .GroupBy(r => r.Scoring.Code)
            .OrderBy(g => g.Min(r => r.Order)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new MatrixRow(g.Key, g.First().Scoring.Title, results.Select(byCode => byCode.GetValueOrDefault(g.Key)).ToList()))
            .ToList();
    }
}
