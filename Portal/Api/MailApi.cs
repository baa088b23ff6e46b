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

    public sealed record ResentMail([property: Description("How many stopped mails were put back to be sent.")] int Resent, string Message);

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
        mail.MapGet("", ListProblemsAsync).WithName("ListMailProblems").Returns<ItemsPage<MailItem>>().WithSummary("Mail that failed (administrators)")
            .WithDescription("Mail that failed at least once and is not yet sent, dead letters first, with why, a page at a time with the total. "
                + "A page past the end is the last page. Anyone who is not an administrator gets an empty list.")
            .ValidationProblem();
        mail.MapGet("/waiting", ListWaitingAsync).WithName("ListMailWaiting").Returns<ItemsPage<MailItem>>().WithSummary("Mail waiting to be sent (administrators)")
            .WithDescription("Mail not yet sent (waiting for the mail worker, being sent, or held for a person's daily digest), newest first, a page at a time with the total. "
                + "Anyone who is not an administrator gets an empty list.")
            .ValidationProblem();
        mail.MapPost("/resend-stopped", ResendStoppedAsync).WithName("ResendStoppedMail").WithSummary("Send every stopped mail again (administrators)")
            .WithDescription("Puts every dead-lettered mail back in the outbox to be sent at once, with a fresh count of attempts: for when a mail server that was down is back. "
                + "Mail waiting, being sent or sent is left alone. Answers how many were put back. Audited.")
            .Returns<ResentMail>()
            .ForbiddenProblem();
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

    private static async Task<IResult> ListProblemsAsync(
        [Description("The page number, from 1 (default 1).")] int? page,
        [Description("Items per page, 1 to 100 (default 25).")] int? pageSize,
        HttpContext http, MailService mail) =>
        ApiPaging.Check(page, pageSize) ?? Page(await mail.ListProblemsAsync(http.Caller(), page ?? 1, pageSize ?? ApiPaging.DefaultPageSize, http.RequestAborted));

    private static async Task<IResult> ListWaitingAsync(
        [Description("The page number, from 1 (default 1).")] int? page,
        [Description("Items per page, 1 to 100 (default 25).")] int? pageSize,
        HttpContext http, MailService mail) =>
        ApiPaging.Check(page, pageSize) ?? Page(await mail.ListWaitingAsync(http.Caller(), page ?? 1, pageSize ?? ApiPaging.DefaultPageSize, http.RequestAborted));

    private static ApiJson<ItemsPage<MailItem>> Page(MailService.MailPage found) => new(new ItemsPage<MailItem>(
        found.Rows.Select(m => new MailItem(m.Id, m.ToAddress, m.Subject, m.Kind, m.Status, m.Attempts, m.CreatedAt, m.NextAttemptAt, m.LastError, m.SentAt)).ToList(),
        found.Page, found.PageSize, found.Total));

    private static async Task<IResult> ResendStoppedAsync(HttpContext http, MailService mail)
    {
        var outcome = await mail.ResendStoppedAsync(http.Caller(), http.RequestAborted);
        return outcome.ToHttp(http, resent => new ApiJson<ResentMail>(new ResentMail(resent, outcome.Message!)));
    }

    private static Task<IResult> ResendAsync([Description("The mail's id, from the list of failed mail.")] long id, HttpContext http, MailService mail) =>
        mail.ResendAsync(http.Caller(), id, http.RequestAborted).ToHttp(http, () => Results.NoContent());
}
