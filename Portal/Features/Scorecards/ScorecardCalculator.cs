using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Reviews;

namespace Portal.Features.Scorecards;

/// <summary>The weights and threshold a framework scores by.</summary>
public sealed record ScoringRules(int MustWeight, int ShouldWeight, int ShouldThresholdPercent)
{
    public static ScoringRules Default { get; } = new(3, 1, 75);

    public int WeightOf(Obligation obligation) => obligation == Obligation.Must ? MustWeight : ShouldWeight;
}

/// <summary>One requirement's answer and decision, as the calculator needs them.</summary>
public sealed record ScoringInput(
    string Code,
    string Title,
    string SectionCode,
    Obligation Obligation,
    ComplianceClaim? Claim,
    ReviewOutcome? Decision,
    DateOnly? PlannedDate,
    DateOnly? EarliestEvidenceExpiry,
    bool PlanAccepted = false);

public enum RequirementResult
{
    Met,
    PartlyMet,
    Planned,
    NotMet,
    ExpiredEvidence,
    AwaitingReview,
    NotApplicable,
}

public enum Rag
{
    Red,
    Amber,
    Green,
}

public sealed record ScoredRequirement(ScoringInput Input, RequirementResult Result, decimal Credit, int Weight, string Explanation)
{
    public bool Counted => Result != RequirementResult.NotApplicable;

    public bool FullyMet => Result == RequirementResult.Met;
}

public sealed record SectionScore(string SectionCode, decimal Percent, int Counted);

public sealed record Scorecard(
    IReadOnlyList<ScoredRequirement> Requirements,
    IReadOnlyList<SectionScore> Sections,
    decimal OverallPercent,
    decimal MustPercent,
    decimal ShouldPercent,
    Rag Rag,
    string RagReason,
    bool UnmetAreNegotiationPoints)
{
    public IEnumerable<ScoredRequirement> Unmet => Requirements.Where(r => r.Counted && !r.FullyMet);

    /// <summary>
    /// The one definition of an unmet "must" requirement, which every surface (page, PDF, exports, comparison, sign-off)
    /// counts and lists: a "must" requirement that is counted (not accepted as not applicable) and not accepted as fully
    /// met. So a rejection, "does not meet", "partially meets", expired evidence, a plan with a date (even one still to
    /// come) and an answer still awaiting review all count: none of them shows today that the "must" is met.
    /// </summary>
    public IReadOnlyList<ScoredRequirement> UnmetMust { get; } =
        Requirements.Where(r => r.Counted && !r.FullyMet && r.Input.Obligation == Obligation.Must).ToList();

    /// <summary>What the list under the status shows: the unmet "must" requirements, or on an upgrade every unmet requirement as a negotiation point.</summary>
    public IReadOnlyList<ScoredRequirement> Shortfalls => UnmetAreNegotiationPoints ? Unmet.ToList() : UnmetMust;

    public string ShortfallsTitle => UnmetAreNegotiationPoints ? "Negotiation points" : UnmetMustTitle;

    public string ShortfallsEmpty => UnmetAreNegotiationPoints ? "Nothing to negotiate: every requirement is met." : "Every \"must\" requirement is met.";

    public const string UnmetMustTitle = "\"Must\" requirements not met";

    /// <summary>A score in words: the percentage once scored, "Not yet scored" before that (as the status says).</summary>
    public string ScoreText(decimal percent) => IsScored ? $"{percent.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)}%" : "Not yet scored";

    public IEnumerable<ScoredRequirement> Plans => Requirements.Where(r => r.Result == RequirementResult.Planned);

    public IEnumerable<ScoredRequirement> Expired => Requirements.Where(r => r.Result == RequirementResult.ExpiredEvidence);

    /// <summary>Whether any requirement has been decided at review; before that the RAG would say nothing about the supplier.</summary>
    public bool IsScored => ScorecardCalculator.IsScored(Requirements.Select(r => r.Input));

    /// <summary>The status in words: the RAG, or "Not yet scored" before any requirement is accepted or rejected.</summary>
    public string StatusName => IsScored ? Rag.ToString() : "Not yet scored";

    public string StatusReason => IsScored
        ? RagReason
        : "No requirement has been accepted or rejected at review yet, so a status would say nothing about the supplier. Until then every requirement counts as not met in the scores.";

    /// <summary>For styling only; the status is always in words too.</summary>
    public string StatusClass => IsScored ? Rag.ToString().ToLowerInvariant() : "unscored";
}

/// <summary>
/// The scoring model, simple enough to check by hand. A requirement's result comes from the review decision and
/// the supplier's claim: an accepted "meets" earns its full weight, an accepted "partially meets" half; a plan to
/// meet it by a date earns nothing yet, full weight once the work is marked done and the officer accepts it, and counts
/// as not met once its date (or the contract date the officer linked it to) passes without that; an accepted
/// "not applicable" is left out; a rejection, "does not meet" or
/// evidence past its "valid until" date earns nothing. Scores are weighted sums over the counted requirements.
/// RAG: Red when a "must" is not met (Amber if it is met by an accepted plan whose date has not passed); Amber when
/// every "must" is met but the "should" score is under the threshold; otherwise Green. On the upgrade route the
/// policy is negotiation guidance, so unmet items are negotiation points and the status is never Red.
/// </summary>
public static class ScorecardCalculator
{
    /// <summary>A scorecard says something about the supplier once at least one requirement is accepted or rejected at review.</summary>
    public static bool IsScored(IEnumerable<ScoringInput> inputs) =>
        inputs.Any(i => i.Decision is ReviewOutcome.Accepted or ReviewOutcome.Rejected);

    public static Scorecard Calculate(IReadOnlyList<ScoringInput> inputs, AssessmentRoute route, ScoringRules rules, DateOnly today)
    {
        var scored = inputs.Select(i => Score(i, rules, today)).ToList();
        var counted = scored.Where(s => s.Counted).ToList();
        var sections = counted.GroupBy(s => s.Input.SectionCode)
            .Select(g => new SectionScore(g.Key, Percent(g), g.Count()))
            .ToList();
        var must = counted.Where(s => s.Input.Obligation == Obligation.Must).ToList();
        var should = counted.Where(s => s.Input.Obligation == Obligation.Should).ToList();
        var (rag, reason) = Status(route, must, should, rules, today);
        return new Scorecard(scored, sections, Percent(counted), Percent(must), Percent(should), rag, reason, route == AssessmentRoute.Upgrade);
    }

    public static ScoredRequirement Score(ScoringInput i, ScoringRules rules, DateOnly today)
    {
        var weight = rules.WeightOf(i.Obligation);
        ScoredRequirement Result(RequirementResult result, decimal credit, string why) => new(i, result, credit, weight, why);

        switch (i.Decision)
        {
            case null:
            case ReviewOutcome.ClarificationRequested:
                return Result(RequirementResult.AwaitingReview, 0m, "Not yet accepted at review, so it earns nothing yet.");
            case ReviewOutcome.Rejected:
                return Result(RequirementResult.NotMet, 0m, "The answer was rejected at review.");
        }

        if (i.Claim == ComplianceClaim.NotApplicable)
        {
            return Result(RequirementResult.NotApplicable, 0m, "Accepted as not applicable, so it is left out of the score.");
        }

        if (i.EarliestEvidenceExpiry is { } expiry && expiry < today)
        {
            return Result(RequirementResult.ExpiredEvidence, 0m, $"Evidence expired on {expiry:d MMMM yyyy}, so it counts as not met.");
        }

        return i.Claim switch
        {
            ComplianceClaim.Meets => Result(RequirementResult.Met, 1m, "Accepted as met: full weight."),
            ComplianceClaim.PartiallyMeets => Result(RequirementResult.PartlyMet, 0.5m, "Accepted as partially met: half weight."),
            ComplianceClaim.WillMeetByDate when i.PlanAccepted => Result(RequirementResult.Met, 1m, "The plan is done and the procurement officer accepted it: full weight."),
            ComplianceClaim.WillMeetByDate when i.PlannedDate < today =>
                Result(RequirementResult.NotMet, 0m, $"Planned for {i.PlannedDate:d MMMM yyyy}, but the date passed without the work accepted as done, so it counts as not met."),
            ComplianceClaim.WillMeetByDate => Result(RequirementResult.Planned, 0m, $"Planned for {i.PlannedDate:d MMMM yyyy}: not met yet."),
            _ => Result(RequirementResult.NotMet, 0m, "The supplier says it does not meet it."),
        };
    }

    private static (Rag, string) Status(AssessmentRoute route, List<ScoredRequirement> must, List<ScoredRequirement> should, ScoringRules rules, DateOnly today)
    {
        var unmetMust = must.Where(s => !s.FullyMet).ToList();
        if (route == AssessmentRoute.Upgrade)
        {
            var points = unmetMust.Count + should.Count(s => !s.FullyMet);
            return points == 0
                ? (Rag.Green, "Every requirement is met.")
                : (Rag.Amber, $"{points} negotiation {(points == 1 ? "point" : "points")} with the supplier: on an upgrade the policy guides negotiation, so these are not failures.");
        }

        // The count in the status line is always the whole list of unmet "must" requirements; only the colour depends
        // on whether all of them are accepted plans with a date still to come.
        var plannedInTime = unmetMust.Count(s => s.Result == RequirementResult.Planned && s.Input.PlannedDate >= today);
        if (unmetMust.Count > plannedInTime)
        {
            return (Rag.Red, $"{UnmetMustWords(unmetMust.Count)}{Breakdown(unmetMust)}.");
        }

        if (plannedInTime > 0)
        {
            return (Rag.Amber, $"{UnmetMustWords(plannedInTime)} yet: {(plannedInTime == 1 ? "it is" : "each is")} met only by an accepted plan with a date still to come.");
        }

        var shouldPercent = Percent(should);
        return shouldPercent < rules.ShouldThresholdPercent
            ? (Rag.Amber, $"Every \"must\" requirement is met, but the \"should\" score of {shouldPercent:0.#}% is under {rules.ShouldThresholdPercent}%.")
            : (Rag.Green, $"Every \"must\" requirement is met and the \"should\" score is {shouldPercent:0.#}%.");
    }

    /// <summary>"1 "must" requirement is not met", "46 "must" requirements are not met": the same words on every surface.</summary>
    public static string UnmetMustWords(int count) =>
        $"{count} \"must\" {(count == 1 ? "requirement is" : "requirements are")} not met";

    /// <summary>Why they are unmet, when there is more than one reason: "(31 not met, 12 awaiting review, 3 planned)".</summary>
    private static string Breakdown(List<ScoredRequirement> unmet)
    {
        var reasons = unmet.GroupBy(s => s.Result).OrderBy(g => g.Key).Select(g => $"{g.Count()} {ReasonWords(g.Key)}").ToList();
        return reasons.Count > 1 ? $" ({string.Join(", ", reasons)})" : string.Empty;
    }

    private static string ReasonWords(RequirementResult result) => result switch
    {
        RequirementResult.PartlyMet => "only partly met",
        RequirementResult.Planned => "planned for a date",
        RequirementResult.ExpiredEvidence => "with expired evidence",
        RequirementResult.AwaitingReview => "awaiting review",
        _ => "rejected or not met",
    };

    private static decimal Percent(IEnumerable<ScoredRequirement> items)
    {
        var list = items.ToList();
        var total = list.Sum(s => s.Weight);
        return total == 0 ? 100m : Math.Round(100m * list.Sum(s => s.Weight * s.Credit) / total, 1);
    }
}
