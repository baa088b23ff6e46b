using System.ComponentModel;
using Portal.Data.Mail;
using Portal.Features.Mail;

namespace Portal.Api;

/// <summary>How your e-mail arrives (immediately, as a daily digest, or not for updates), and, for administrators, mail that failed.</summary>
public static class MailApi
{
    public sealed record MailPreferenceBody(
        [property: Description("Immediate, DailyDigest or Off: how updates and reminders reach you by e-mail. Invitations, overdue items and escalations are always sent at once.")]
        MailDelivery Delivery);

    public sealed record MailItem(
        long Id, string ToAddress, string Subject, MailKind Kind, OutboxStatus Status, int Attempts, DateTime CreatedAt, DateTime NextAttemptAt,
        [property: Description("Why the last attempt failed, as the mail server or GOV.UK Notify said.")] string? LastError, DateTime? SentAt);

    public static void MapMailApi(this RouteGroupBuilder api)
    {
        var account = api.MapGroup("/account/mail-preference").WithTags(ApiDocumentation.Account);
        account.MapGet("", GetPreferenceAsync).WithName("GetMailPreference").Returns<MailPreferenceBody>().WithSummary("How your e-mail arrives")
            .WithDescription("Whether updates and reminders reach you by e-mail at once, as a daily digest, or not at all.");
        account.MapPut("", SetPreferenceAsync).WithName("SetMailPreference").Returns<MailPreferenceBody>().WithSummary("Choose how your e-mail arrives")
            .WithDescription("Sets whether updates and reminders reach you at once, as a daily digest, or not at all. Invitations, overdue items and escalations are always sent.")
            .Accepts<MailPreferenceBody>("application/json")
            .ValidationProblem().TooLargeProblem()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(4 * 1024));

        var mail = api.MapGroup("/administration/mail").WithTags(ApiDocumentation.Administration);
        mail.MapGet("", ListProblemsAsync).WithName("ListMailProblems").Returns<IReadOnlyList<MailItem>>().WithSummary("Mail that failed (administrators)")
            .WithDescription("Mail that failed at least once and is not yet sent, dead letters first, with why. Anyone who is not an administrator gets an empty list.");
        mail.MapPost("/{id}/resend", ResendAsync).WithName("ResendMail").WithSummary("Send a failed mail again (administrators)")
            .WithDescription("Puts a failed or dead-lettered mail back in the outbox to be sent at once. Audited.")
            .Produces(StatusCodes.Status204NoContent)
            .InvalidIdProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem();
    }

    private static async Task<IResult> GetPreferenceAsync(HttpContext http, MailService mail) =>
        new ApiJson<MailPreferenceBody>(new MailPreferenceBody(await mail.GetPreferenceAsync(http.Caller(), http.RequestAborted)));

    private static async Task<IResult> SetPreferenceAsync(MailPreferenceBody body, HttpContext http, MailService mail)
    {
        var outcome = await mail.SetPreferenceAsync(http.Caller(), body.Delivery, http.RequestAborted);
        return outcome.Succeeded ? await GetPreferenceAsync(http, mail) : outcome.ToHttp(http, () => Results.NoContent());
    }

    private static async Task<IResult> ListProblemsAsync(HttpContext http, MailService mail) =>
        new ApiJson<IReadOnlyList<MailItem>>((await mail.ListProblemsAsync(http.Caller(), http.RequestAborted))
            .Select(m => new MailItem(m.Id, m.ToAddress, m.Subject, m.Kind, m.Status, m.Attempts, m.CreatedAt, m.NextAttemptAt, m.LastError, m.SentAt)).ToList());

    private static Task<IResult> ResendAsync([Description("The mail's id, from the list of failed mail.")] long id, HttpContext http, MailService mail) =>
        mail.ResendAsync(http.Caller(), id, http.RequestAborted).ToHttp(http, () => Results.NoContent());
}
