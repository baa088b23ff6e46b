using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Reviews;
using Portal.Features.Scorecards;

namespace Portal.Tests.Features.Scorecards;

public sealed class ScorecardCalculatorTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);
    private static readonly ScoringRules Rules = new(3, 1, 75);

    private static ScoringInput Input(
        string code, Obligation obligation, ComplianceClaim? claim, ReviewOutcome? decision, DateOnly? planned = null, DateOnly? expiry = null, string section = "C") =>
        new(code, $"Requirement {code}", section, obligation, claim, decision, planned, expiry);

    [Theory]
    [InlineData(ComplianceClaim.Meets, ReviewOutcome.Accepted, RequirementResult.Met, 1.0)]
    [InlineData(ComplianceClaim.PartiallyMeets, ReviewOutcome.Accepted, RequirementResult.PartlyMet, 0.5)]
    [InlineData(ComplianceClaim.WillMeetByDate, ReviewOutcome.Accepted, RequirementResult.Planned, 0.0)]
    [InlineData(ComplianceClaim.DoesNotMeet, ReviewOutcome.Accepted, RequirementResult.NotMet, 0.0)]
    [InlineData(ComplianceClaim.NotApplicable, ReviewOutcome.Accepted, RequirementResult.NotApplicable, 0.0)]
    [InlineData(ComplianceClaim.Meets, ReviewOutcome.Rejected, RequirementResult.NotMet, 0.0)]
    [InlineData(ComplianceClaim.NotApplicable, ReviewOutcome.Rejected, RequirementResult.NotMet, 0.0)]
    [InlineData(ComplianceClaim.Meets, ReviewOutcome.ClarificationRequested, RequirementResult.AwaitingReview, 0.0)]
    [InlineData(ComplianceClaim.Meets, null, RequirementResult.AwaitingReview, 0.0)]
    [InlineData(null, ReviewOutcome.Accepted, RequirementResult.NotMet, 0.0)]
    public void Each_claim_and_decision_earns_its_share(ComplianceClaim? claim, ReviewOutcome? decision, RequirementResult result, double credit)
    {
        var scored = ScorecardCalculator.Score(Input("C.1", Obligation.Must, claim, decision, Today.AddDays(30)), Rules, Today);

        Assert.Equal(result, scored.Result);
        Assert.Equal((decimal)credit, scored.Credit);
        Assert.False(string.IsNullOrWhiteSpace(scored.Explanation));
    }

    [Fact]
    public void Evidence_past_its_valid_until_date_counts_as_not_met_and_is_flagged()
    {
        var card = ScorecardCalculator.Calculate(
            [Input("C.4", Obligation.Must, ComplianceClaim.Meets, ReviewOutcome.Accepted, expiry: Today.AddDays(-1)),
             Input("C.3", Obligation.Must, ComplianceClaim.Meets, ReviewOutcome.Accepted, expiry: Today)],
            AssessmentRoute.Procure, Rules, Today);

        Assert.Equal(RequirementResult.ExpiredEvidence, card.Requirements[0].Result);
        Assert.Equal(RequirementResult.Met, card.Requirements[1].Result);
        Assert.Equal(["C.4"], card.Expired.Select(r => r.Input.Code));
        Assert.Equal(Rag.Red, card.Rag);
    }

    [Fact]
    public void Scores_are_weighted_sums_that_leave_out_accepted_not_applicable_items()
    {
        // Must weight 3, should weight 1: (3*1 + 3*0.5 + 1*1 + 1*0) / (3 + 3 + 1 + 1) = 5.5 / 8 = 68.75%.
        var card = ScorecardCalculator.Calculate(
            [Input("P.1", Obligation.Must, ComplianceClaim.Meets, ReviewOutcome.Accepted, section: "P"),
             Input("P.2", Obligation.Must, ComplianceClaim.PartiallyMeets, ReviewOutcome.Accepted, section: "P"),
             Input("C.1", Obligation.Should, ComplianceClaim.Meets, ReviewOutcome.Accepted),
             Input("C.2", Obligation.Should, ComplianceClaim.DoesNotMeet, ReviewOutcome.Accepted),
             Input("C.3", Obligation.Must, ComplianceClaim.NotApplicable, ReviewOutcome.Accepted)],
            AssessmentRoute.Procure, Rules, Today);

        Assert.Equal(68.8m, card.OverallPercent);
        Assert.Equal(75m, card.MustPercent);
        Assert.Equal(50m, card.ShouldPercent);
        Assert.Equal(75m, card.Sections.Single(s => s.SectionCode == "P").Percent);
        Assert.Equal(2, card.Sections.Single(s => s.SectionCode == "C").Counted);
    }

    [Fact]
    public void Weights_come_from_the_framework()
    {
        var inputs = new[]
        {
            Input("P.1", Obligation.Must, ComplianceClaim.Meets, ReviewOutcome.Accepted),
            Input("C.1", Obligation.Should, ComplianceClaim.DoesNotMeet, ReviewOutcome.Accepted),
        };

        Assert.Equal(75m, ScorecardCalculator.Calculate(inputs, AssessmentRoute.Procure, new(3, 1, 75), Today).OverallPercent);
        Assert.Equal(50m, ScorecardCalculator.Calculate(inputs, AssessmentRoute.Procure, new(1, 1, 75), Today).OverallPercent);
    }

    public static TheoryData<string, ScoringInput[], AssessmentRoute, Rag, string> RagCases => new()
    {
        { "all met", [Input("P.1", Obligation.Must, ComplianceClaim.Meets, ReviewOutcome.Accepted), Input("C.1", Obligation.Should, ComplianceClaim.Meets, ReviewOutcome.Accepted)], AssessmentRoute.Procure, Rag.Green, "Every \"must\" requirement is met" },
        { "must rejected", [Input("P.1", Obligation.Must, ComplianceClaim.Meets, ReviewOutcome.Rejected)], AssessmentRoute.Procure, Rag.Red, "1 \"must\" requirement is not met" },
        { "must partly met", [Input("P.1", Obligation.Must, ComplianceClaim.PartiallyMeets, ReviewOutcome.Accepted)], AssessmentRoute.Develop, Rag.Red, "not met" },
        { "must planned in time", [Input("P.1", Obligation.Must, ComplianceClaim.WillMeetByDate, ReviewOutcome.Accepted, Today.AddDays(10))], AssessmentRoute.Procure, Rag.Amber, "accepted plan with a date still to come" },
        { "must plan overdue", [Input("P.1", Obligation.Must, ComplianceClaim.WillMeetByDate, ReviewOutcome.Accepted, Today.AddDays(-1))], AssessmentRoute.Procure, Rag.Red, "not met" },
        { "should under threshold", [Input("P.1", Obligation.Must, ComplianceClaim.Meets, ReviewOutcome.Accepted), Input("C.1", Obligation.Should, ComplianceClaim.PartiallyMeets, ReviewOutcome.Accepted)], AssessmentRoute.Procure, Rag.Amber, "\"should\" score of 50% is under 75%" },
        { "should at threshold", [Input("P.1", Obligation.Must, ComplianceClaim.Meets, ReviewOutcome.Accepted), Input("C.1", Obligation.Should, ComplianceClaim.Meets, ReviewOutcome.Accepted), Input("C.2", Obligation.Should, ComplianceClaim.Meets, ReviewOutcome.Accepted), Input("C.3", Obligation.Should, ComplianceClaim.Meets, ReviewOutcome.Accepted), Input("C.4", Obligation.Should, ComplianceClaim.DoesNotMeet, ReviewOutcome.Accepted)], AssessmentRoute.Procure, Rag.Green, "75%" },
        { "upgrade with gaps", [Input("P.1", Obligation.Must, ComplianceClaim.DoesNotMeet, ReviewOutcome.Accepted), Input("C.1", Obligation.Should, ComplianceClaim.PartiallyMeets, ReviewOutcome.Accepted)], AssessmentRoute.Upgrade, Rag.Amber, "2 negotiation points" },
        { "upgrade all met", [Input("P.1", Obligation.Must, ComplianceClaim.Meets, ReviewOutcome.Accepted)], AssessmentRoute.Upgrade, Rag.Green, "Every requirement is met" },
    };

    [Theory]
    [MemberData(nameof(RagCases))]
    public void The_rag_status_follows_the_rules_in_words(string scenario, ScoringInput[] inputs, AssessmentRoute route, Rag rag, string reason)
    {
        var card = ScorecardCalculator.Calculate(inputs, route, Rules, Today);

        Assert.True(rag == card.Rag, $"{scenario}: expected {rag}, got {card.Rag} ({card.RagReason})");
        Assert.Contains(reason, card.RagReason, StringComparison.Ordinal);
    }

    [Fact]
    public void On_the_upgrade_route_unmet_items_are_negotiation_points()
    {
        var card = ScorecardCalculator.Calculate(
            [Input("P.1", Obligation.Must, ComplianceClaim.DoesNotMeet, ReviewOutcome.Accepted)], AssessmentRoute.Upgrade, Rules, Today);

        Assert.True(card.UnmetAreNegotiationPoints);
        Assert.Equal(["P.1"], card.Unmet.Select(r => r.Input.Code));
        Assert.NotEqual(Rag.Red, card.Rag);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData(ReviewOutcome.ClarificationRequested, false)]
    [InlineData(ReviewOutcome.Accepted, true)]
    [InlineData(ReviewOutcome.Rejected, true)]
    public void A_scorecard_is_not_yet_scored_until_a_requirement_is_accepted_or_rejected(ReviewOutcome? decision, bool scored)
    {
        var card = ScorecardCalculator.Calculate(
            [Input("P.1", Obligation.Must, ComplianceClaim.Meets, decision), Input("P.2", Obligation.Must, ComplianceClaim.Meets, null)],
            AssessmentRoute.Procure, Rules, Today);

        Assert.Equal(scored, card.IsScored);
        Assert.Equal(scored ? card.Rag.ToString() : "Not yet scored", card.StatusName);
        Assert.StartsWith(scored ? card.RagReason : "No requirement has been accepted or rejected", card.StatusReason, StringComparison.Ordinal);
    }
}
