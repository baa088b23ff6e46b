using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Reviews;
using Portal.Data.Scorecards;
using Portal.Features.Scorecards;

namespace Portal.Features.Dashboards;

/// <summary>
/// Keeps each assessment's stored score (<see cref="AssessmentScore"/>) in line with its scorecard, so dashboards can
/// count assessments by RAG status with a GROUP BY. RAG comes from the pure <see cref="ScorecardCalculator"/> and
/// cannot be written in SQL, so it is worked out here, by the same calculator from the same
/// <see cref="ScorecardQueries"/> as the scorecard page, and stored. A stored score is recalculated when it is stale (an
/// input changed since: <see cref="StaleScoreMarker"/> notes that in the same save as the change) or when its review
/// date has come (a plan's date or evidence's "valid until" has passed, which changes the result with no save at all).
/// Recalculating apart from the commands keeps them simple and cannot be forgotten by a new one. Reads never
/// recalculate: the <see cref="ScoreRefreshWorker"/> does, promptly after a change and at an interval, and a person can
/// ask for it (<see cref="DashboardService.RecalculateAsync"/>); until then pages show the stored value as updating.
/// </summary>
public static class StoredScores
{
    /// <summary>Assessments recalculated per round trip: bounds memory and keeps the id list well inside SQL parameter limits.</summary>
    private const int BatchSize = 500;

    private static readonly string[] CalculatedColumns =
    [
        nameof(AssessmentScore.Rag), nameof(AssessmentScore.OverallPercent), nameof(AssessmentScore.ReviewOn),
        nameof(AssessmentScore.CalculatedFromStamp), nameof(AssessmentScore.CalculatedAt),
    ];

    public sealed record Summary(RagStatus? Rag, decimal? OverallPercent, DateOnly? ReviewOn);

    private sealed record Due(int Id, AssessmentRoute? Route, Guid? Stamp, int MustWeight, int ShouldWeight, int ShouldThresholdPercent);

    /// <summary>Whether a stored score may no longer be what the scorecard says today (an expression, so queries can use it).</summary>
    public static System.Linq.Expressions.Expression<Func<Assessment, bool>> IsStale(DateOnly today) =>
        a => a.Score == null || a.Score.CalculatedFromStamp != a.Score.InputsStamp || a.Score.ReviewOn <= today;

    /// <summary>What a dashboard counts of one assessment; set by initialiser so that queries can still group and count on it.</summary>
    public sealed class ScoreState
    {
        public AssessmentStatus Status { get; init; }

        public RagStatus? Rag { get; init; }

        /// <summary>The same test as <see cref="IsStale"/>.</summary>
        public bool Stale { get; init; }

        public DateTime? CalculatedAt { get; init; }
    }

    /// <summary>
    /// Each assessment's status, stored RAG, staleness and when its score was calculated, for one GROUP BY to count. The
    /// score is joined once, explicitly: through the navigation, EF joins it again inside every aggregate and makes each
    /// a subquery that reads the organisation's assessments once more per group.
    /// </summary>
    public static IQueryable<ScoreState> States(PortalDbContext db, IQueryable<Assessment> assessments, DateOnly today) =>
        from a in assessments
        join stored in db.AssessmentScores on a.Id equals stored.AssessmentId into scores
        from s in scores.DefaultIfEmpty()
        select new ScoreState
        {
            Status = a.Status,
            Rag = s == null ? null : s.Rag,
            // Word for word IsStale above: the worker recalculates what that finds, the dashboard counts with this.
            Stale = s == null || s.CalculatedFromStamp != s.InputsStamp || s.ReviewOn <= today,
            CalculatedAt = s == null ? null : s.CalculatedAt,
        };

    /// <summary>Recalculates every stale or due score among <paramref name="assessments"/>; returns how many it stored.</summary>
    public static async Task<int> RefreshAsync(PortalDbContext db, IQueryable<Assessment> assessments, DateTime now, CancellationToken cancellationToken) =>
        await RefreshAsync(db, assessments, now, BatchSize, cancellationToken);

    /// <param name="batchSize">Tests make it small to reach several batches with a few assessments.</param>
    internal static async Task<int> RefreshAsync(PortalDbContext db, IQueryable<Assessment> assessments, DateTime now, int batchSize, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(now.InPortalTime());
        var after = 0;
        var stored = 0;
        while (true)
        {
            var due = await assessments
                .Where(IsStale(today))
                .Where(a => a.Id > after)
                .OrderBy(a => a.Id)
                .Take(batchSize)
                .Select(a => new Due(
                    a.Id,
                    a.Route,
                    a.Score == null ? null : a.Score.InputsStamp,
                    a.FrameworkVersion!.PolicyFramework!.MustWeight,
                    a.FrameworkVersion.PolicyFramework.ShouldWeight,
                    a.FrameworkVersion.PolicyFramework.ShouldThresholdPercent))
                .ToListAsync(cancellationToken);
            if (due.Count == 0)
            {
                return stored;
            }

            var ids = due.Select(d => d.Id).ToList();
            var inputs = (await ScorecardQueries.Inputs(db, db.AssessmentRequirements.AsNoTracking().Where(r => ids.Contains(r.AssessmentId)))
                .ToListAsync(cancellationToken)).ToLookup(r => r.AssessmentId, r => r.Scoring);
            foreach (var assessment in due)
            {
                var summary = Summarise(inputs[assessment.Id].ToList(), assessment.Route,
                    new ScoringRules(assessment.MustWeight, assessment.ShouldWeight, assessment.ShouldThresholdPercent), today);
                Store(db, assessment, summary, now);
            }

            var inserting = db.ChangeTracker.Entries<AssessmentScore>().Where(e => e.State == EntityState.Added).Select(e => e.Entity.AssessmentId).ToList();
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another round (the worker on another instance, or a person's "Recalculate scores now") stored the
                // first score of an assessment this batch was inserting one for. Overlapping rounds meet on every batch,
                // so read this batch again each time: what the other stored is no longer due, so every retry makes
                // progress. Any other failure (nothing of ours was inserted by someone else) is not a race: rethrow.
                db.ChangeTracker.Clear();
                if (inserting.Count == 0 || !await db.AssessmentScores.AnyAsync(s => inserting.Contains(s.AssessmentId), cancellationToken))
                {
                    throw;
                }

                continue;
            }

            db.ChangeTracker.Clear();
            stored += due.Count;
            if (due.Count < batchSize)
            {
                return stored;
            }

            after = due[^1].Id;
        }
    }

    /// <summary>
    /// What is stored for one assessment: its scorecard's RAG and overall score, or "not yet scored" while no
    /// requirement has an accepted or rejected decision (every requirement would count as unmet, which says
    /// nothing about the supplier yet), and the day time alone could change it.
    /// </summary>
    public static Summary Summarise(IReadOnlyList<ScoringInput> inputs, AssessmentRoute? route, ScoringRules rules, DateOnly today)
    {
        if (route is not { } scoredRoute || !ScorecardCalculator.IsScored(inputs))
        {
            return new Summary(null, null, null);
        }

        var card = ScorecardCalculator.Calculate(inputs, scoredRoute, rules, today);
        return new Summary(Stored(card.Rag), card.OverallPercent, ReviewOn(inputs, today));
    }

    /// <summary>
    /// The first day after <paramref name="today"/> on which the calculator could give a different answer for the same
    /// inputs: the day after an accepted answer's evidence expires, or after an accepted plan's date. Unaccepted answers
    /// do not depend on the date, and accepting one is a change that makes the score stale anyway.
    /// </summary>
    public static DateOnly? ReviewOn(IEnumerable<ScoringInput> inputs, DateOnly today) =>
        inputs
            .Where(i => i.Decision == ReviewOutcome.Accepted)
            .SelectMany(i => new[] { i.EarliestEvidenceExpiry, i.Claim == ComplianceClaim.WillMeetByDate ? i.PlannedDate : null })
            .Where(d => d >= today)
            .Select(d => (DateOnly?)d!.Value.AddDays(1))
            .Min();

    public static RagStatus Stored(Rag rag) => rag switch
    {
        Rag.Red => RagStatus.Red,
        Rag.Amber => RagStatus.Amber,
        _ => RagStatus.Green,
    };

    private static void Store(PortalDbContext db, Due assessment, Summary summary, DateTime now)
    {
        var score = new AssessmentScore
        {
            AssessmentId = assessment.Id, Rag = summary.Rag, OverallPercent = summary.OverallPercent, ReviewOn = summary.ReviewOn, CalculatedAt = now,
        };
        if (assessment.Stamp is { } stamp)
        {
            // Only the calculated columns are written: the inputs stamp belongs to the writers, so a change saved
            // while this ran leaves the row stale for the next refresh.
            score.CalculatedFromStamp = stamp;
            var entry = db.Attach(score);
            foreach (var column in CalculatedColumns)
            {
                entry.Property(column).IsModified = true;
            }
        }
        else
        {
            score.CalculatedFromStamp = score.InputsStamp;
            db.Add(score);
        }
    }
}
