using Portal.Features.Reassessments;

namespace Portal.Tests.Features.Reassessments;

public sealed class CarryForwardRulesTests
{
    private static readonly DateTime SignedAt = new(2026, 3, 3, 10, 0, 0, DateTimeKind.Utc);
    private static readonly DateOnly Today = new(2026, 12, 2);

    private static EvidenceFact Link(string? atSignOff = "aa", string? now = "aa", DateOnly? until = null, string? drift = null) =>
        new("API specification", false, SignedAt.AddDays(-10), until, atSignOff, now, drift);

    private static EvidenceFact Document(DateTime added, DateOnly? until = null) => new("Penetration test report", true, added, until);

    private static CarryForwardDecision Decide(bool answered = true, bool reworded = false, params EvidenceFact[] evidence) =>
        CarryForwardRules.Decide(new RequirementFacts("P.1", answered, reworded, evidence), SignedAt, Today);

    [Fact]
    public void A_requirement_not_answered_before_is_new_whatever_else_is_true()
    {
        foreach (var reworded in new[] { false, true })
        {
            var decision = Decide(answered: false, reworded: reworded, Document(SignedAt.AddDays(1), Today.AddDays(-1)));

            Assert.Equal((CarryForwardKind.New, 0), (decision.Kind, decision.Reasons.Count));
        }
    }

    [Fact]
    public void A_document_the_store_cannot_give_back_intact_reopens_saying_to_upload_it_again_and_an_intact_one_carries_forward()
    {
        var lost = Decide(evidence: Document(SignedAt.AddDays(-3)) with { Unreadable = true });
        var intact = Decide(evidence: Document(SignedAt.AddDays(-3)));

        Assert.Equal(CarryForwardKind.Reopen, lost.Kind);
        Assert.Equal("Evidence missing: the document \u201cPenetration test report\u201d could not be read intact from the signed-off assessment, so it was not carried forward. Upload it again.",
            Assert.Single(lost.Reasons));
        Assert.Equal(CarryForwardKind.CarryForward, intact.Kind);
    }

    [Fact]
    public void A_plan_whose_date_has_passed_without_being_closed_reopens_and_one_still_ahead_carries_forward()
    {
        var passed = CarryForwardRules.Decide(new RequirementFacts("P.3", true, false, Today.AddDays(-1), []), SignedAt, Today);
        var ahead = CarryForwardRules.Decide(new RequirementFacts("P.3", true, false, null, []), SignedAt, Today);

        Assert.Equal(CarryForwardKind.Reopen, passed.Kind);
        Assert.StartsWith("The plan to meet it by ", Assert.Single(passed.Reasons), StringComparison.Ordinal);
        Assert.Equal(CarryForwardKind.CarryForward, ahead.Kind);
    }

    [Fact]
    public void An_answer_with_no_evidence_and_the_same_wording_carries_forward()
    {
        var decision = Decide();

        Assert.Equal(CarryForwardKind.CarryForward, decision.Kind);
        Assert.Empty(decision.Reasons);
        Assert.Null(decision.ReasonText);
    }

    [Fact]
    public void Unchanged_unexpired_evidence_carries_forward()
    {
        var decision = Decide(true, false, Link(), Document(SignedAt.AddDays(-1), Today), Document(SignedAt, Today.AddYears(1)));

        Assert.Equal(CarryForwardKind.CarryForward, decision.Kind);
    }

    [Fact]
    public void Reworded_requirement_reopens()
    {
        var decision = Decide(reworded: true);

        Assert.Equal(CarryForwardKind.Reopen, decision.Kind);
        Assert.Equal("The catalogue's wording of this requirement changed since the last assessment.", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void A_link_whose_content_hash_differs_from_the_one_at_sign_off_reopens()
    {
        var decision = Decide(true, false, Link("aa", "bb"));

        Assert.Equal(CarryForwardKind.Reopen, decision.Kind);
        Assert.Equal("Evidence changed: the content at \u201cAPI specification\u201d is not what was checked at sign-off.", Assert.Single(decision.Reasons));
    }

    [Theory]
    [InlineData("AA", "aa")]
    [InlineData(null, "bb")]
    [InlineData("aa", null)]
    [InlineData(null, null)]
    public void A_link_with_the_same_hash_in_another_case_or_without_a_hash_to_compare_carries_forward(string? atSignOff, string? now)
    {
        Assert.Equal(CarryForwardKind.CarryForward, Decide(true, false, Link(atSignOff, now)).Kind);
    }

    [Fact]
    public void A_link_the_checks_found_drifting_reopens_with_what_they_found()
    {
        var decision = Decide(true, false, Link(drift: "Documentation no longer public. 404 Not Found."));

        Assert.Equal(CarryForwardKind.Reopen, decision.Kind);
        Assert.Equal("Evidence changed: \u201cAPI specification\u201d: Documentation no longer public. 404 Not Found.", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void A_changed_hash_is_given_once_even_when_the_checks_also_report_drift()
    {
        var decision = Decide(true, false, Link("aa", "bb", drift: "Specification changed since sign-off on 3 Mar 2026."));

        Assert.Single(decision.Reasons);
    }

    [Fact]
    public void A_document_added_after_sign_off_reopens_and_one_added_at_or_before_it_does_not()
    {
        var after = Decide(true, false, Document(SignedAt.AddSeconds(1)));
        var at = Decide(true, false, Document(SignedAt));

        Assert.Equal(CarryForwardKind.Reopen, after.Kind);
        Assert.Equal("Evidence changed: \u201cPenetration test report\u201d was uploaded on 3 March 2026, after sign-off.", Assert.Single(after.Reasons));
        Assert.Equal(CarryForwardKind.CarryForward, at.Kind);
    }

    [Fact]
    public void Evidence_valid_until_yesterday_reopens_and_until_today_does_not()
    {
        var expired = Decide(true, false, Document(SignedAt.AddDays(-5), Today.AddDays(-1)));
        var lastDay = Decide(true, false, Document(SignedAt.AddDays(-5), Today));

        Assert.Equal(CarryForwardKind.Reopen, expired.Kind);
        Assert.Equal("Evidence expired: \u201cPenetration test report\u201d was valid until 1 December 2026.", Assert.Single(expired.Reasons));
        Assert.Equal(CarryForwardKind.CarryForward, lastDay.Kind);
    }

    [Fact]
    public void Every_reason_is_given_when_several_apply()
    {
        var decision = Decide(true, true, Link("aa", "bb", Today.AddDays(-3)), Document(SignedAt.AddDays(2)));

        Assert.Equal(CarryForwardKind.Reopen, decision.Kind);
        Assert.Equal(4, decision.Reasons.Count);
        Assert.StartsWith("The catalogue's wording", decision.Reasons[0]);
        Assert.Contains("not what was checked at sign-off", decision.Reasons[1]);
        Assert.StartsWith("Evidence expired", decision.Reasons[2]);
        Assert.Contains("after sign-off", decision.Reasons[3]);
        Assert.Equal(string.Join(" ", decision.Reasons), decision.ReasonText);
    }

    [Fact]
    public void Every_combination_of_facts_reopens_exactly_when_one_of_them_changed()
    {
        foreach (var answered in new[] { false, true })
        foreach (var reworded in new[] { false, true })
        foreach (var hashChanged in new[] { false, true })
        foreach (var drift in new[] { false, true })
        foreach (var addedAfter in new[] { false, true })
        foreach (var expired in new[] { false, true })
        {
            var link = Link("aa", hashChanged ? "bb" : "aa", expired ? Today.AddDays(-1) : null, drift ? "Sandbox no longer answers." : null);
            var document = Document(addedAfter ? SignedAt.AddHours(1) : SignedAt.AddHours(-1));

            var decision = Decide(answered, reworded, link, document);

            var expected = !answered ? CarryForwardKind.New
                : reworded || hashChanged || drift || addedAfter || expired ? CarryForwardKind.Reopen
                : CarryForwardKind.CarryForward;
            Assert.True(expected == decision.Kind, $"answered {answered}, reworded {reworded}, hash {hashChanged}, drift {drift}, added after {addedAfter}, expired {expired}: {decision.Kind}");
            Assert.Equal(decision.Kind == CarryForwardKind.Reopen, decision.Reasons.Count > 0);
        }
    }

    [Fact]
    public void Provenance_names_the_assessment_and_its_sign_off_day()
    {
        Assert.Equal("from OAP-00012, signed off 3 March 2026", CarryForwardRules.Provenance("OAP-00012", SignedAt));
        Assert.Equal("from OAP-00012", CarryForwardRules.Provenance("OAP-00012", null));
    }
}
