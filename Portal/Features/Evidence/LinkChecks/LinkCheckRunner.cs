using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Users;
using Portal.Features.Notifications;

namespace Portal.Features.Evidence.LinkChecks;

/// <summary>
/// Runs one queued <see cref="LinkCheck"/>: claims it (one conditional UPDATE, so two instances never both run it),
/// checks the link, stores what was found with any drift against earlier checks, and tells the assessment's procurement
/// officers of new drift in the same save.
/// </summary>
public sealed class LinkCheckRunner(IDbContextFactory<PortalDbContext> contexts, LinkChecker checker, TimeProvider clock)
{
    /// <summary>A claim older than this belongs to an instance that died mid-check; the check is run again.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(10);

    /// <summary>Runs the check if it is still queued and unclaimed (or abandoned); false when someone else has it.</summary>
    public async Task<bool> RunAsync(int checkId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var abandoned = now - AbandonedAfter;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var claimed = await db.LinkChecks
            .Where(c => c.Id == checkId && c.Outcome == LinkCheckOutcome.Pending && (c.StartedAt == null || c.StartedAt < abandoned))
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.StartedAt, now), cancellationToken);
        if (claimed == 0)
        {
            return false;
        }

        var check = await db.LinkChecks.SingleAsync(c => c.Id == checkId, cancellationToken);
        var item = await db.EvidenceItems.AsNoTracking().Where(e => e.Id == check.EvidenceItemId)
            .Select(e => new
            {
                e.Kind, e.Url, e.AssessmentId,
                Withdrawn = db.Assessments.Any(a => a.Id == e.AssessmentId && a.Status == AssessmentStatus.Withdrawn),
            })
            .SingleOrDefaultAsync(cancellationToken);
        CheckFindings found;
        if (item?.Url is null || !LinkChecker.IsCheckable(item.Kind))
        {
            found = new CheckFindings(LinkCheckOutcome.Failed, "This evidence is not a link the portal checks.", new LinkCheckDetails(), null, null, null, null, null);
        }
        else if (item.Withdrawn)
        {
            // Queued before the assessment was withdrawn: closed without fetching anything, and with no drift to tell.
            found = new CheckFindings(LinkCheckOutcome.Failed, NotCheckedWithdrawn, new LinkCheckDetails(), null, null, null, null, null);
        }
        else
        {
            var specification = item.Kind == EvidenceItemKind.TestEnvironment ? await LatestSpecificationAsync(db, item.AssessmentId, cancellationToken) : null;
            found = await checker.CheckAsync(item.Kind, item.Url, specification, cancellationToken);
        }

        var finished = clock.GetUtcNow().UtcDateTime;
        var earlier = db.LinkChecks.AsNoTracking()
            .Where(c => c.EvidenceItemId == check.EvidenceItemId && c.Id != check.Id && c.CheckedAt != null)
            .OrderByDescending(c => c.CheckedAt).ThenByDescending(c => c.Id);
        var previous = await earlier.Select(c => new { c.Drift, c.Outcome, c.HttpStatus }).FirstOrDefaultAsync(cancellationToken);
        // What the link was last known to be: the latest check that got a real answer, not a blip's error page.
        var known = await earlier.Where(NotInconclusive)
            .Select(c => new { c.Outcome, c.Sha256, c.ResultJson, c.CheckedAt }).FirstOrDefaultAsync(cancellationToken);
        var details = found.Details;
        if (item?.Kind == EvidenceItemKind.Documentation && known is { Outcome: LinkCheckOutcome.Passed or LinkCheckOutcome.Findings, Sha256: { } before }
            && found.Sha256 is { } after && before != after && !IsInconclusive(found.Outcome, found.HttpStatus))
        {
            details.Facts.Add(new CheckFact("Content", $"changed since the check on {known.CheckedAt:d MMM yyyy HH:mm} UTC"));
        }

        check.Outcome = found.Outcome;
        check.CheckedAt = finished;
        check.Summary = found.Summary.Length > 1000 ? found.Summary[..999] + "…" : found.Summary;
        check.ResultJson = details.ToJson();
        check.Sha256 = found.Sha256;
        check.ContentType = found.ContentType is { Length: > 150 } type ? type[..150] : found.ContentType;
        check.SizeBytes = found.SizeBytes;
        check.HttpStatus = found.HttpStatus;
        check.FinalUrl = found.FinalUrl is { Length: > 2000 } url ? url[..2000] : found.FinalUrl;
        // A failure that says nothing about the link yet (no answer, or "try later") keeps what the last check said:
        // one blip neither starts drift nor clears it. The same failure on the next check too is believed.
        var blip = IsInconclusive(found.Outcome, found.HttpStatus) && (previous is null || !IsInconclusive(previous.Outcome, previous.HttpStatus));
        check.Drift = item is null || item.Withdrawn
            ? null
            : blip
                ? previous?.Drift
                : Shorten(await DriftAsync(db, item.Kind, item.AssessmentId, check, details,
                    known is null ? null : LinkCheckDetails.FromJson(known.ResultJson), previous?.Drift, cancellationToken), 500);
        // Told when drift begins or becomes a different drift (unreadable, then changed); a later check that finds the
        // same drift (in the same or other words) tells nobody again.
        if (check.Drift is { } drift && DriftKind(drift) != DriftKind(previous?.Drift))
        {
            var assessment = await db.Assessments.AsNoTracking().Where(a => a.Id == check.AssessmentId)
                .Select(a => new
                {
                    a.NhsOrganisationId, a.SystemName,
                    Code = db.EvidenceItems.Where(e => e.Id == check.EvidenceItemId)
                        .SelectMany(e => db.RequirementResponses.Where(r => r.Id == e.RequirementResponseId))
                        .SelectMany(r => db.AssessmentRequirements.Where(q => q.Id == r.AssessmentRequirementId))
                        .Select(q => q.Code).FirstOrDefault(),
                }).SingleAsync(cancellationToken);
            // To the requirement on the review page, where the check's result and the evidence are shown together.
            var link = assessment.Code is { } code
                ? $"/assessments/{check.AssessmentId}/review?requirement={Uri.EscapeDataString(code)}"
                : $"/assessments/{check.AssessmentId}/review";
            await NotificationService.NotifyAsync(db, finished, check.AssessmentId, $"{assessment.SystemName}: {drift}",
                link, assessment.NhsOrganisationId, null, [PortalRoles.ProcurementOfficer], null, cancellationToken,
                NotificationKind.Update, $"linkcheck:drift:{check.Id}");
        }

        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>The assessment's latest OpenAPI check that read a document: the sandbox check tries one of its operations.</summary>
    internal static async Task<LinkCheckDetails?> LatestSpecificationAsync(PortalDbContext db, int assessmentId, CancellationToken cancellationToken)
    {
        var json = await db.LinkChecks.AsNoTracking()
            .Where(c => c.AssessmentId == assessmentId && (c.Outcome == LinkCheckOutcome.Passed || c.Outcome == LinkCheckOutcome.Findings)
                && db.EvidenceItems.Any(e => e.Id == c.EvidenceItemId && e.Kind == EvidenceItemKind.OpenApiSpecification))
            .OrderByDescending(c => c.CheckedAt)
            .Select(c => c.ResultJson)
            .FirstOrDefaultAsync(cancellationToken);
        return json is null ? null : LinkCheckDetails.FromJson(json);
    }

    /// <summary>
    /// A failed check that says nothing yet about the link itself: no HTTP answer at all (a timeout, a refused
    /// connection, a name that did not resolve) or an answer meaning "try later" (408, 429, any 5xx).
    /// </summary>
    internal static bool IsInconclusive(LinkCheckOutcome outcome, int? httpStatus) =>
        outcome == LinkCheckOutcome.Failed && httpStatus is null or 408 or 429 or >= 500;

    private static readonly System.Linq.Expressions.Expression<Func<LinkCheck, bool>> NotInconclusive = c =>
        c.Outcome != LinkCheckOutcome.Failed || (c.HttpStatus != null && c.HttpStatus != 408 && c.HttpStatus != 429 && c.HttpStatus < 500);

    private const string DocumentationNotPublic = "Documentation no longer public.";
    private const string SandboxGone = "Sandbox no longer answers.";
    private const string SpecificationUnreadable = "Specification no longer readable since sign-off";
    private const string SpecificationChanged = "Specification changed since sign-off";

    /// <summary>Which drift a text states (its fixed opening), so a change of wording alone is not news.</summary>
    internal static string? DriftKind(string? drift) =>
        drift is null ? null : new[] { DocumentationNotPublic, SandboxGone, SpecificationUnreadable, SpecificationChanged }
            .FirstOrDefault(kind => drift.StartsWith(kind, StringComparison.Ordinal)) ?? drift;

    /// <summary>What a check of a withdrawn assessment's link says: nothing was fetched.</summary>
    public const string NotCheckedWithdrawn = "Not checked: the assessment was withdrawn.";

    /// <summary>
    /// What is worse now than it was: documentation that was public and is not, a sandbox that answered and does not, a
    /// specification whose content is not what it was when the assessment was signed off (or can no longer be read).
    /// Drift stays while a later check still finds it (documentation still not public after the check that first saw
    /// it) and clears when a check no longer does (public again; back to the signed-off content).
    /// </summary>
    private static async Task<string?> DriftAsync(
        PortalDbContext db, EvidenceItemKind kind, int assessmentId, LinkCheck check, LinkCheckDetails now, LinkCheckDetails? before, string? driftBefore,
        CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case EvidenceItemKind.Documentation when now.IsPublic != true && (before?.IsPublic == true || driftBefore is not null):
                return $"{DocumentationNotPublic} {check.Summary}";
            case EvidenceItemKind.TestEnvironment when now.Answers != true && (before?.Answers == true || driftBefore is not null):
                return $"{SandboxGone} {check.Summary}";
            case EvidenceItemKind.OpenApiSpecification or EvidenceItemKind.FhirCapabilityStatement:
                var signedAt = await db.SignOffs.AsNoTracking()
                    .Where(s => s.AssessmentId == assessmentId && !s.IsVoid
                        && db.Assessments.Any(a => a.Id == assessmentId && (a.Status == AssessmentStatus.SignedOff || a.Status == AssessmentStatus.SignedOffWithConditions)))
                    .OrderByDescending(s => s.SignedAt).Select(s => (DateTime?)s.SignedAt).FirstOrDefaultAsync(cancellationToken);
                if (signedAt is null)
                {
                    return null;
                }

                // What was signed off is the content the last check before sign-off read (a failed read has no content to compare).
                var atSignOff = await db.LinkChecks.AsNoTracking()
                    .Where(c => c.EvidenceItemId == check.EvidenceItemId && c.Id != check.Id && c.CheckedAt <= signedAt && c.Sha256 != null
                        && (c.Outcome == LinkCheckOutcome.Passed || c.Outcome == LinkCheckOutcome.Findings))
                    .OrderByDescending(c => c.CheckedAt).ThenByDescending(c => c.Id).Select(c => c.Sha256).FirstOrDefaultAsync(cancellationToken);
                if (atSignOff is null)
                {
                    return null;
                }

                var on = signedAt.Value.ToString("d MMM yyyy", CultureInfo.InvariantCulture);
                if (check.Outcome is not (LinkCheckOutcome.Passed or LinkCheckOutcome.Findings))
                {
                    return $"{SpecificationUnreadable} on {on}. {check.Summary}";
                }

                return atSignOff != check.Sha256 ? $"{SpecificationChanged} on {on}." : null;
            default:
                return null;
        }
    }

    private static string? Shorten(string? text, int length) => text is { } t && t.Length > length ? t[..(length - 1)] + "…" : text;
}
