using System.ComponentModel;
using Portal.Features.Assessments;

namespace Portal.Api;

/// <summary>Supplier invitations: an officer invites a supplier's account manager, who accepts and can then answer.</summary>
public static class InvitationsApi
{
    public sealed record InviteBody(
        [property: Description("The supplier account manager's e-mail address; the invitation can only be accepted by someone signed in with it.")] string? Email);

    public sealed record InvitationSent(
        [property: Description("The invitation's id.")] int Id,
        string Email,
        [property: Description("The single-use link the supplier opens to accept; it is shown once, here.")] string Link);

    public sealed record PendingInvitation(
        [property: Description("The invitation's id, to accept it by.")] int Id,
        int AssessmentId, string Reference, string SystemName, string OrganisationName, string SupplierName, DateOnly? ResponseDueDate);

    public sealed record AcceptBody(
        [property: Description("The invitation's id, from GET /api/v1/invitations (invitations to your own e-mail address).")] int? InvitationId = null,
        [property: Description("Or the token from the invitation link (the part after /invitations/).")] string? Token = null);

    public sealed record Accepted([property: Description("The assessment you can now answer.")] int AssessmentId);

    public static void MapInvitationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags(ApiDocumentation.Invitations);
        group.MapPost("/assessments/{assessmentId}/invitations", InviteAsync).WithName("InviteSupplier").WithSummary("Invite a supplier (procurement officers)")
            .WithDescription("Invites the supplier's account manager to answer the assessment: the assessment then waits for the supplier. "
                + "Answers the invitation with its single-use link.")
            .Accepts<InviteBody>("application/json")
            .Produces<InvitationSent>(StatusCodes.Status201Created)
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(16 * 1024));
        group.MapGet("/invitations", PendingAsync).WithName("ListPendingInvitations").Returns<IReadOnlyList<PendingInvitation>>()
            .WithSummary("List your pending invitations (supplier account managers)")
            .WithDescription("The invitations to your e-mail address that are still waiting to be accepted. Empty for everyone else.");
        group.MapPost("/invitations/accept", AcceptAsync).WithName("AcceptInvitation").Returns<Accepted>().WithSummary("Accept an invitation (supplier account managers)")
            .WithDescription("Accepts an invitation, by its id (one sent to your e-mail address) or by the token in its link, and links you to the supplier. "
                + "Answers with the assessment you can now answer. An invitation that was used, withdrawn or replaced gets 409.")
            .Accepts<AcceptBody>("application/json")
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(16 * 1024));
    }

    private static Task<IResult> InviteAsync([Description("The assessment's id.")] int assessmentId, InviteBody body, HttpContext http, InvitationService invitations) =>
        invitations.InviteAsync(http.Caller(), assessmentId, body.Email, http.RequestAborted).ToHttp(http, sent =>
            new ApiJson<InvitationSent>(new InvitationSent(sent.Id, sent.Email, sent.Link), statusCode: StatusCodes.Status201Created,
                location: $"{ApiSetup.Prefix}/assessments/{assessmentId}"));

    private static async Task<IResult> PendingAsync(HttpContext http, InvitationService invitations) =>
        new ApiJson<IReadOnlyList<PendingInvitation>>((await invitations.PendingForAsync(http.Caller(), http.RequestAborted))
            .Select(i => new PendingInvitation(i.Id, i.AssessmentId, i.Reference, i.SystemName, i.OrganisationName, i.SupplierName, i.ResponseDueDate)).ToList());

    private static Task<IResult> AcceptAsync(AcceptBody body, HttpContext http, InvitationService invitations) =>
        invitations.AcceptAsync(http.Caller(), body.Token, body.InvitationId, http.RequestAborted)
            .ToHttp(http, assessmentId => new ApiJson<Accepted>(new Accepted(assessmentId)));
}
