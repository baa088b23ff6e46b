using Portal.Data.Assessments;
using Portal.Data.Users;
using Portal.Features.Assessments;

namespace Portal.Tests.Features.Assessments;

public sealed class AssessmentWorkflowTests
{
    private const string Officer = PortalRoles.ProcurementOfficer;
    private const string Supplier = PortalRoles.SupplierAccountManager;
    private const string Ccio = PortalRoles.CcioReviewer;
    private const string Admin = PortalRoles.Administrator;

    /// <summary>Every transition that exists, with the one role that may make it.</summary>
    public static TheoryData<AssessmentStatus, WorkflowAction, string, AssessmentStatus> Allowed => new()
    {
        { AssessmentStatus.Draft, WorkflowAction.InviteSupplier, Officer, AssessmentStatus.AwaitingSupplier },
        { AssessmentStatus.AwaitingSupplier, WorkflowAction.Submit, Supplier, AssessmentStatus.Submitted },
        { AssessmentStatus.ClarificationRequested, WorkflowAction.Submit, Supplier, AssessmentStatus.Submitted },
        { AssessmentStatus.Submitted, WorkflowAction.StartReview, Officer, AssessmentStatus.UnderReview },
        { AssessmentStatus.UnderReview, WorkflowAction.RequestClarification, Officer, AssessmentStatus.ClarificationRequested },
        { AssessmentStatus.UnderReview, WorkflowAction.SendForSignOff, Officer, AssessmentStatus.AwaitingSignOff },
        { AssessmentStatus.AwaitingSignOff, WorkflowAction.SignOff, Ccio, AssessmentStatus.SignedOff },
        { AssessmentStatus.AwaitingSignOff, WorkflowAction.SignOffWithConditions, Ccio, AssessmentStatus.SignedOffWithConditions },
        { AssessmentStatus.AwaitingSignOff, WorkflowAction.Reject, Ccio, AssessmentStatus.Rejected },
        { AssessmentStatus.AwaitingSignOff, WorkflowAction.ReturnToReviewer, Ccio, AssessmentStatus.UnderReview },
        { AssessmentStatus.SignedOff, WorkflowAction.VoidSignOff, Supplier, AssessmentStatus.UnderReview },
        { AssessmentStatus.SignedOff, WorkflowAction.VoidSignOff, Officer, AssessmentStatus.UnderReview },
        { AssessmentStatus.SignedOffWithConditions, WorkflowAction.VoidSignOff, Supplier, AssessmentStatus.UnderReview },
        { AssessmentStatus.SignedOffWithConditions, WorkflowAction.VoidSignOff, Officer, AssessmentStatus.UnderReview },
        { AssessmentStatus.Draft, WorkflowAction.Withdraw, Officer, AssessmentStatus.Withdrawn },
        { AssessmentStatus.AwaitingSupplier, WorkflowAction.Withdraw, Officer, AssessmentStatus.Withdrawn },
        { AssessmentStatus.Submitted, WorkflowAction.Withdraw, Officer, AssessmentStatus.Withdrawn },
        { AssessmentStatus.UnderReview, WorkflowAction.Withdraw, Officer, AssessmentStatus.Withdrawn },
        { AssessmentStatus.ClarificationRequested, WorkflowAction.Withdraw, Officer, AssessmentStatus.Withdrawn },
        { AssessmentStatus.AwaitingSignOff, WorkflowAction.Withdraw, Officer, AssessmentStatus.Withdrawn },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void The_right_role_makes_each_transition(AssessmentStatus from, WorkflowAction action, string role, AssessmentStatus to)
    {
        var decision = AssessmentWorkflow.Decide(from, action, new HashSet<string> { role });

        Assert.True(decision.Allowed, decision.Refusal);
        Assert.Equal(to, decision.To);
    }

    [Fact]
    public void Every_other_combination_of_status_action_and_role_is_refused_with_a_message()
    {
        var allowed = Allowed.Select(row => ((AssessmentStatus)row[0], (WorkflowAction)row[1], (string)row[2])).ToHashSet();
        var checkedCount = 0;
        foreach (var from in Enum.GetValues<AssessmentStatus>())
        {
            foreach (var action in Enum.GetValues<WorkflowAction>())
            {
                foreach (var role in new[] { Officer, Supplier, Ccio, Admin })
                {
                    if (allowed.Contains((from, action, role)))
                    {
                        continue;
                    }

                    var decision = AssessmentWorkflow.Decide(from, action, new HashSet<string> { role });

                    Assert.False(decision.Allowed, $"{role} may {action} from {from}, which the workflow should refuse.");
                    Assert.False(string.IsNullOrWhiteSpace(decision.Refusal));
                    checkedCount++;
                }
            }
        }

        Assert.Equal((10 * 11 * 4) - 20, checkedCount);
    }

    [Fact]
    public void A_refusal_names_who_may_act_when_the_transition_exists()
    {
        var decision = AssessmentWorkflow.Decide(AssessmentStatus.AwaitingSignOff, WorkflowAction.SignOff, new HashSet<string> { Officer });

        Assert.Equal("Only a CCIO sign-off reviewer can sign off this assessment.", decision.Refusal);
    }

    [Fact]
    public void A_refusal_says_when_the_status_does_not_allow_the_action()
    {
        var decision = AssessmentWorkflow.Decide(AssessmentStatus.Withdrawn, WorkflowAction.Submit, new HashSet<string> { Supplier });

        Assert.Equal("You cannot submit an assessment that is withdrawn.", decision.Refusal);
    }

    [Fact]
    public void Closed_assessments_offer_no_actions()
    {
        foreach (var status in new[] { AssessmentStatus.Rejected, AssessmentStatus.Withdrawn })
        {
            Assert.Empty(AssessmentWorkflow.ActionsFor(status, new HashSet<string> { Officer, Supplier, Ccio, Admin }));
        }
    }
}
