using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Reviews;
using Portal.Data.Scorecards;
using Portal.Features.Dashboards;
using Portal.Features.Scorecards;

namespace Portal.Tests.Features.Dashboards;

public sealed class StoredScoresTests
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    private static ScoringInput Input(ComplianceClaim claim, ReviewOutcome? decision, DateOnly? planned = null, DateOnly? expiry = null, Obligation obligation = Obligation.Must) =>
        new("P.3", "Publish the API", "P", obligation, claim, decision, planned, expiry);

    [Fact]
    public void The_review_date_is_the_day_after_the_earliest_accepted_expiry_or_plan_date_still_to_come()
    {
        ScoringInput[] inputs =
        [
            Input(ComplianceClaim.Meets, ReviewOutcome.Accepted, expiry: Today.AddDays(9)),
            Input(ComplianceClaim.WillMeetByDate, ReviewOutcome.Accepted, planned: Today.AddDays(4)),
            Input(ComplianceClaim.Meets, ReviewOutcome.Accepted, expiry: Today.AddDays(-3)),
        ];

        Assert.Equal(Today.AddDays(5), StoredScores.ReviewOn(inputs, Today));
    }

    [Fact]
    public void Evidence_that_expires_today_is_reviewed_tomorrow_when_it_first_counts_as_expired()
    {
        Assert.Equal(Today.AddDays(1), StoredScores.ReviewOn([Input(ComplianceClaim.Meets, ReviewOutcome.Accepted, expiry: Today)], Today));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(ReviewOutcome.ClarificationRequested)]
    [InlineData(ReviewOutcome.Rejected)]
    public void Dates_on_answers_not_accepted_need_no_review_because_accepting_them_is_a_change(ReviewOutcome? decision)
    {
        Assert.Null(StoredScores.ReviewOn([Input(ComplianceClaim.WillMeetByDate, decision, planned: Today.AddDays(4), expiry: Today.AddDays(2))], Today));
    }

    [Fact]
    public void An_assessment_with_only_clarification_requests_is_not_yet_scored()
    {
        var summary = StoredScores.Summarise([Input(ComplianceClaim.Meets, ReviewOutcome.ClarificationRequested), Input(ComplianceClaim.Meets, null)],
            AssessmentRoute.Procure, ScoringRules.Default, Today);

        Assert.Equal(new StoredScores.Summary(null, null, null), summary);
    }

    [Fact]
    public void One_rejected_must_is_enough_to_score_the_assessment_red()
    {
        var summary = StoredScores.Summarise([Input(ComplianceClaim.Meets, ReviewOutcome.Rejected), Input(ComplianceClaim.Meets, null)],
            AssessmentRoute.Procure, ScoringRules.Default, Today);

        Assert.Equal(RagStatus.Red, summary.Rag);
        Assert.Equal(0m, summary.OverallPercent);
    }
}
