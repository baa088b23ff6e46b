using System.ComponentModel;
using Portal.Features.Notifications;

namespace Portal.Api;

/// <summary>Your notifications: what changed on the assessments you work on, and marking them read.</summary>
public static class NotificationsApi
{
    public sealed record NotificationItem(
        long Id, string Text,
        [property: Description("The portal page to act on it, relative to the portal's address.")] string Link,
        DateTime CreatedAt, bool IsRead);

    public sealed record ReadBody([property: Description("The notifications you have seen, by id.")] IReadOnlyList<long> Ids);

    public sealed record MarkedRead([property: Description("How many were unread and are now read.")] int Marked);

    public static void MapNotificationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/notifications").WithTags(ApiDocumentation.Notifications);
        group.MapGet("/", ListAsync).WithName("ListNotifications").Returns<IReadOnlyList<NotificationItem>>().WithSummary("List your notifications")
            .WithDescription("Your notifications, newest first, as the portal's notifications page shows them.");
        group.MapPost("/read", MarkReadAsync).WithName("MarkNotificationsRead").Returns<MarkedRead>().WithSummary("Mark notifications read")
            .WithDescription("Marks the notifications you have seen as read. Ids of notifications that are not yours, or already read, change nothing.")
            .Accepts<ReadBody>("application/json")
            .ValidationProblem().TooLargeProblem()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(64 * 1024));
    }

    private static async Task<IResult> ListAsync(HttpContext http, NotificationService notifications) =>
        new ApiJson<IReadOnlyList<NotificationItem>>((await notifications.ListAsync(http.Caller(), http.RequestAborted))
            .Select(n => new NotificationItem(n.Id, n.Text, n.Link, n.CreatedAt, n.IsRead)).ToList());

    private static Task<IResult> MarkReadAsync(ReadBody body, HttpContext http, NotificationService notifications) =>
        notifications.MarkReadAsync(http.Caller(), body.Ids ?? [], http.RequestAborted).ToHttp(http, count => new ApiJson<MarkedRead>(new MarkedRead(count)));
}
