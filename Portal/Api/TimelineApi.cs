using System.ComponentModel;
using Portal.Features.Audit;

namespace Portal.Api;

/// <summary>An assessment's audit trail: NHS staff see every event, the supplier the events on its own answers.</summary>
public static class TimelineApi
{
    public sealed record TimelineEntry(
        [property: Description("The event's position in its tamper-evident audit chain: the assessment's own (events recorded before December 2026 keep their place in the portal's chain).")] long Sequence,
        DateTime OccurredAt,
        string Actor,
        string? Role,
        [property: Description("What happened, for example ResponseSaved or AssessmentSubmitted.")] string Action,
        string Summary,
        string? Before,
        string? After);

    public static void MapTimelineApi(this RouteGroupBuilder api) =>
        api.MapGet("/assessments/{assessmentId}/timeline", TimelineAsync).WithTags(ApiDocumentation.Audit)
            .WithName("GetTimeline").Returns<ItemsPage<TimelineEntry>>().WithSummary("Get an assessment's audit trail")
            .WithDescription("The audit events of an assessment, newest first, a page at a time. NHS staff see every event; the supplier sees the events on its own answers.")
            .InvalidIdProblem().NotFoundProblem();

    private static async Task<IResult> TimelineAsync(
        [Description("The assessment's id.")] int assessmentId,
        [Description("The page number, from 1 (default 1).")] int? page,
        [Description("Items per page, 1 to 100 (default 25).")] int? pageSize,
        HttpContext http,
        TimelineService timeline)
    {
        if (ApiPaging.Check(page, pageSize) is { } invalid)
        {
            return invalid;
        }

        var entries = await timeline.GetAsync(http.Caller(), assessmentId, http.RequestAborted);
        return entries is null
            ? ApiProblem.NotFound($"Assessment {assessmentId}")
            : new ApiJson<ItemsPage<TimelineEntry>>(ApiPaging.Of(
                entries.Select(e => new TimelineEntry(e.Sequence, e.OccurredAt, e.Actor, e.Role, e.Action, e.Summary, e.Before, e.After)).ToList(), page, pageSize));
    }
}
