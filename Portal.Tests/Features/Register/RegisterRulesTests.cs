using Portal.Data.SignOffs;
using Portal.Features.Register;

namespace Portal.Tests.Features.Register;

public sealed class RegisterRulesTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);

    [Fact]
    public void An_outright_sign_off_with_no_open_plan_meets_the_policy() =>
        Assert.Equal("Meets the policy", RegisterRules.Decide(SignOffDecision.Approved, false, null, Today).Text);

    [Fact]
    public void Open_plans_are_shown_by_the_latest_date() =>
        Assert.Equal("Meets with a work-off plan to 1 March 2027", RegisterRules.Decide(SignOffDecision.Approved, false, new(2027, 3, 1), Today).Text);

    [Fact]
    public void A_plan_past_its_date_says_it_is_overdue() =>
        Assert.Equal("Meets with a work-off plan to 1 November 2026 (overdue)", RegisterRules.Decide(SignOffDecision.Approved, false, new(2026, 11, 1), Today).Text);

    [Fact]
    public void Conditions_come_before_plans() =>
        Assert.Equal(RegisterStatusKind.SignedOffWithConditions, RegisterRules.Decide(SignOffDecision.ApprovedWithConditions, true, new(2027, 3, 1), Today).Kind);

    [Fact]
    public void A_red_approval_never_says_it_meets_the_policy() =>
        Assert.Equal(RegisterStatusKind.SignedOffWithUnmetMust, RegisterRules.Decide(SignOffDecision.Approved, true, null, Today).Kind);

    [Fact]
    public void A_rejection_is_never_a_register_status() =>
        Assert.Throws<ArgumentException>(() => RegisterRules.Decide(SignOffDecision.Rejected, false, null, Today));
}
