using System.ComponentModel;
using Portal.Data.SignOffs;
using Portal.Features;
using Portal.Features.SignOffs;

namespace Portal.Api;

/// <summary>
/// Closing what a sign-off left open: sign-off conditions and accepted "will meet by a date" plans. The owner marks one
/// done with evidence; a procurement officer accepts it or sends it back. The feature service decides who may.
/// </summary>
public static class FollowUpsApi
{
    public sealed record FollowUp(
        [property: Description("Condition or Plan.")] FollowUpKind Kind,
        [property: Description("The condition's or plan's id, for the commands below.")] int Id,
        string What, string Owner,
        [property: Description("When it is due: a condition's due date, a plan's date or the contract date the officer linked it to.")] DateOnly? DueOn,
        [property: Description("Open, MarkedDone (waiting for the procurement officer) or Accepted.")] ClosureState State,
        [property: Description("Past its due date without being accepted as done.")] bool Overdue,
        [property: Description("What the owner says was done.")] string? Note,
        [property: Description("A web address or document reference the owner gave as evidence.")] string? Link,
        DateTime? MarkedDoneAt, string? MarkedDoneBy, DateTime? DecidedAt, string? DecidedBy,
        [property: Description("Why the procurement officer sent it back, while it is open again.")] string? SentBackReason,
        [property: Description("Whether you may mark it done now.")] bool CanMarkDone,
        [property: Description("Whether you may accept it or send it back now.")] bool CanDecide,
        [property: Description("Whether a plan is due on the assessment's contract date (linked by a procurement officer) rather than on its own date.")] bool DueOnContractDate,
        [property: Description("A plan's own date, whether or not it is linked to the contract date.")] DateOnly? PlannedOn,
        [property: Description("Whether you (a procurement officer) may link the plan to the contract date or unlink it now.")] bool CanLinkToContractDate);

    public sealed record FollowUpList(int AssessmentId, string Reference, IReadOnlyList<FollowUp> Items,
        [property: Description("Whether you (a procurement officer) may reopen the sign-off because a follow-up is overdue.")] bool CanReopenSignOff,
        [property: Description("The assessment's contract date, which a plan may be linked to; null when it has none.")] DateOnly? ContractDate);

    public sealed record DoneBody(
        [property: Description("What was done, at least 10 characters.")] string? Note,
        [property: Description("Optional: a web address (https://...) or a document reference.")] string? Link = null);

    public sealed record ContractDateBody([property: Description("True to make the plan due on the assessment's contract date; false to use the plan's own date.")] bool Linked);

    public sealed record ReopenBody([property: Description("Why the sign-off is reopened, for the audit trail and the CCIO.")] string? Reason);

    public sealed record SendBackBody([property: Description("Why it is sent back and what is still needed, at least 10 characters.")] string? Reason);

    public static void MapFollowUpsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/assessments/{assessmentId}/follow-ups").WithTags(ApiDocumentation.SignOffs);
        group.MapGet("", ListAsync).WithName("ListFollowUps").Returns<FollowUpList>().WithSummary("List the sign-off conditions and accepted plans")
            .WithDescription("NHS staff of the organisation see every condition and plan; the supplier sees its plans and the conditions it owns.")
            .InvalidIdProblem().NotFoundProblem();
        foreach (var (kind, path) in new[] { (FollowUpKind.Condition, "conditions"), (FollowUpKind.Plan, "plans") })
        {
            var noun = kind == FollowUpKind.Condition ? "sign-off condition" : "accepted plan";
            group.MapPost($"/{path}/{{id}}/done", ([Description("The assessment's id.")] int assessmentId, [Description("The condition's or plan's id, from the list of follow-ups.")] int id, DoneBody body, HttpContext http, FollowUpService followUps) =>
                    RunAsync(http, followUps, assessmentId, followUps.MarkDoneAsync(http.Caller(), assessmentId, kind, id, new(body.Note, body.Link), http.RequestAborted)))
                .WithName($"Mark{kind}Done").Returns<FollowUpList>()
                .WithSummary($"Mark a {noun} done ({(kind == FollowUpKind.Condition ? "its owner" : "the supplier")})")
                .WithDescription($"Marks the {noun} done with a note and an optional link or document reference; a procurement officer then accepts it or sends it back. Answers the follow-ups as they now are.")
                .Accepts<DoneBody>("application/json")
                .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().TooLargeProblem()
                .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(16 * 1024));
            group.MapPost($"/{path}/{{id}}/accept", ([Description("The assessment's id.")] int assessmentId, [Description("The condition's or plan's id, from the list of follow-ups.")] int id, HttpContext http, FollowUpService followUps) =>
                    RunAsync(http, followUps, assessmentId, followUps.AcceptAsync(http.Caller(), assessmentId, kind, id, http.RequestAborted)))
                .WithName($"Accept{kind}").Returns<FollowUpList>()
                .WithSummary($"Accept a {noun} as done (procurement officers)")
                .WithDescription(kind == FollowUpKind.Plan
                    ? "Accepts the work the supplier marked done: the requirement then counts as met on the scorecard."
                    : "Accepts what the owner marked done: the condition is closed, and the CCIO sees the record on the sign-off.")
                .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
            group.MapPost($"/{path}/{{id}}/send-back", ([Description("The assessment's id.")] int assessmentId, [Description("The condition's or plan's id, from the list of follow-ups.")] int id, SendBackBody body, HttpContext http, FollowUpService followUps) =>
                    RunAsync(http, followUps, assessmentId, followUps.SendBackAsync(http.Caller(), assessmentId, kind, id, body.Reason, http.RequestAborted)))
                .WithName($"SendBack{kind}").Returns<FollowUpList>()
                .WithSummary($"Send a {noun} back with a reason (procurement officers)")
                .WithDescription("Sends back what the owner marked done, saying why: it is open again for its owner.")
                .Accepts<SendBackBody>("application/json")
                .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().TooLargeProblem()
                .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(16 * 1024));
        }

        group.MapPut("/plans/{id}/contract-date", ([Description("The assessment's id.")] int assessmentId, [Description("The plan's id, from the list of follow-ups.")] int id, ContractDateBody body, HttpContext http, FollowUpService followUps) =>
                RunAsync(http, followUps, assessmentId, followUps.LinkPlanToContractDateAsync(http.Caller(), assessmentId, id, body.Linked, http.RequestAborted)))
            .WithName("LinkPlanToContractDate").Returns<FollowUpList>()
            .WithSummary("Link a plan's deadline to the contract date (procurement officers)")
            .WithDescription("Makes the accepted plan due on the assessment's contract date (or, with linked false, on the plan's own date); reminders and the scorecard follow it.")
            .Accepts<ContractDateBody>("application/json")
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().TooLargeProblem()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(4 * 1024));
        group.MapPost("/reopen-sign-off", ([Description("The assessment's id.")] int assessmentId, ReopenBody body, HttpContext http, FollowUpService followUps) =>
                RunAsync(http, followUps, assessmentId, followUps.ReopenSignOffAsync(http.Caller(), assessmentId, body.Reason, http.RequestAborted)))
            .WithName("ReopenSignOff").Returns<FollowUpList>()
            .WithSummary("Reopen the sign-off because a condition or plan is overdue (procurement officers)")
            .WithDescription("Voids the sign-off (its sealed record stays and still verifies) and returns the assessment to review, when a condition or plan is past its date.")
            .Accepts<ReopenBody>("application/json")
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().TooLargeProblem()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(16 * 1024));
    }

    private static Task<IResult> ListAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, FollowUpService followUps) =>
        followUps.ListAsync(http.Caller(), assessmentId, http.RequestAborted).ToHttp(http, list => new ApiJson<FollowUpList>(Map(list)));

    private static async Task<IResult> RunAsync(HttpContext http, FollowUpService followUps, int assessmentId, Task<Outcome> command)
    {
        var outcome = await command;
        return outcome.Succeeded
            ? await ListAsync(assessmentId, http, followUps)
            : outcome.ToHttp(http, () => Results.NoContent());
    }

    private static FollowUpList Map(FollowUpService.FollowUps list) => new(list.AssessmentId, list.Reference,
        list.Items.Select(i => new FollowUp(i.Kind, i.Id, i.What, i.Owner, i.DueOn, i.State, i.IsOverdue, i.Note, i.Link, i.MarkedAt, i.MarkedBy,
            i.DecidedAt, i.DecidedBy, i.SentBackReason, i.CanMarkDone, i.CanDecide, i.DueOnContractDate, i.PlannedOn, i.CanLinkToContractDate)).ToList(),
        list.CanReopenSignOff, list.ContractDate);
}
