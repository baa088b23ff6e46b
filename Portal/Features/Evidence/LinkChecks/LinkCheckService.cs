using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Features.Assessments;

namespace Portal.Features.Evidence.LinkChecks;

/// <summary>One check of an evidence link as people and the API see it.</summary>
public sealed record LinkCheckView(
    int Id, int EvidenceItemId, LinkCheckOutcome Outcome, string Reason, DateTime RequestedAt, DateTime? CheckedAt, string? Summary,
    LinkCheckDetails Details, string? Sha256, string? ContentType, long? SizeBytes, int? HttpStatus, string? FinalUrl, string? Drift);

/// <summary>Whether a significant function's stated API operation is in the supplier's checked specification.</summary>
public sealed record FunctionMatch(bool Found, string Text);

/// <summary>A significant function, the operation the supplier stated for it, and whether the checked specification has it (null: nothing to match yet).</summary>
public sealed record FunctionMatchView(int FunctionId, string Name, string? ApiOperation, FunctionMatch? Match);

/// <summary>
/// The checks of an assessment's evidence links: who may read them (anyone who may see the assessment), "Check again"
/// (the supplier's account managers and the assessing organisation's staff, at most once per
/// <see cref="LinkCheckOptions.CheckAgainMinutes"/> per link), and significant functions matched to the specification.
/// </summary>
public sealed class LinkCheckService(
    IDbContextFactory<PortalDbContext> contexts, LinkCheckRunner runner, IOptions<LinkCheckOptions> options, TimeProvider clock)
{
    /// <summary>The latest check of each of <paramref name="evidenceIds"/> in the assessment; none for an assessment the caller may not see.</summary>
    public async Task<IReadOnlyDictionary<int, LinkCheckView>> ListLatestAsync(
        Caller caller, int assessmentId, IReadOnlyCollection<int> evidenceIds, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (evidenceIds.Count == 0 || !await db.Assessments.VisibleTo(caller).AnyAsync(a => a.Id == assessmentId, cancellationToken))
        {
            return new Dictionary<int, LinkCheckView>();
        }

        var rows = await db.LinkChecks.AsNoTracking()
            .Where(c => c.AssessmentId == assessmentId && evidenceIds.Contains(c.EvidenceItemId)
                && c.Id == db.LinkChecks.Where(o => o.EvidenceItemId == c.EvidenceItemId).OrderByDescending(o => o.RequestedAt).ThenByDescending(o => o.Id).Select(o => o.Id).First())
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(c => c.EvidenceItemId, View);
    }

    /// <summary>Every check of one evidence link, newest first (at most 100).</summary>
    public async Task<Outcome<IReadOnlyList<LinkCheckView>>> ListHistoryAsync(Caller caller, int assessmentId, int evidenceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await VisibleItemAsync(db, caller, assessmentId, evidenceId, cancellationToken))
        {
            return Outcome.NotFound("There is no such evidence in an assessment you can see.");
        }

        var rows = await db.LinkChecks.AsNoTracking().Where(c => c.EvidenceItemId == evidenceId)
            .OrderByDescending(c => c.RequestedAt).ThenByDescending(c => c.Id).Take(100).ToListAsync(cancellationToken);
        return Outcome.Done<IReadOnlyList<LinkCheckView>>(rows.Select(View).ToList());
    }

    /// <summary>Checks one link now, for a person waiting on the answer; refused while a check of it is queued or was asked for lately.</summary>
    public async Task<Outcome<LinkCheckView>> CheckAgainAsync(Caller caller, int assessmentId, int evidenceId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var item = await db.EvidenceItems.AsNoTracking()
            .Where(e => e.Id == evidenceId && e.AssessmentId == assessmentId && db.Assessments.VisibleTo(caller).Any(a => a.Id == assessmentId))
            .Select(e => new { e.Kind, e.Url }).SingleOrDefaultAsync(cancellationToken);
        if (item is null)
        {
            return Outcome.NotFound("There is no such evidence in an assessment you can see.");
        }

        if (item.Url is null || !LinkChecker.IsCheckable(item.Kind))
        {
            return Outcome.Invalid("Only links to an OpenAPI specification, a FHIR CapabilityStatement, documentation or a sandbox are checked.");
        }

        var recent = now - options.Value.CheckAgainAfter;
        var last = await db.LinkChecks.AsNoTracking().Where(c => c.EvidenceItemId == evidenceId)
            .OrderByDescending(c => c.RequestedAt).Select(c => new { c.RequestedAt, c.Outcome }).FirstOrDefaultAsync(cancellationToken);
        if (last is not null && (last.Outcome == LinkCheckOutcome.Pending || last.RequestedAt > recent))
        {
            var next = last.RequestedAt + options.Value.CheckAgainAfter;
            return Outcome.Conflict(last.Outcome == LinkCheckOutcome.Pending
                ? "This link is being checked now; its result will show here when it is done."
                : $"This link was checked moments ago; it can be checked again after {next:HH:mm} UTC.");
        }

        var check = new LinkCheck
        {
            EvidenceItemId = evidenceId, AssessmentId = assessmentId, Outcome = LinkCheckOutcome.Pending, Reason = "Requested", RequestedAt = now,
            RequestedByUserId = caller.UserId,
        };
        db.LinkChecks.Add(check);
        await db.SaveChangesAsync(cancellationToken);
        await runner.RunAsync(check.Id, cancellationToken);
        await using var read = await contexts.CreateDbContextAsync(cancellationToken);
        var done = await read.LinkChecks.AsNoTracking().SingleAsync(c => c.Id == check.Id, cancellationToken);
        return Outcome.Done(View(done), done.Outcome == LinkCheckOutcome.Pending ? "The check is queued." : "Checked.");
    }

    /// <summary>
    /// Each significant function's stated API operation looked up in the assessment's latest successful OpenAPI and FHIR
    /// checks: by method and path (<c>GET /Patient/{id}</c>), operationId, or FHIR resource and interaction (<c>Patient read</c>).
    /// Functions with no operation stated, or an assessment with no checked specification yet, have no match.
    /// </summary>
    public async Task<IReadOnlyList<FunctionMatchView>> ListFunctionMatchesAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Assessments.VisibleTo(caller).AnyAsync(a => a.Id == assessmentId, cancellationToken))
        {
            return [];
        }

        var functions = await db.SignificantFunctions.AsNoTracking().Where(f => f.AssessmentId == assessmentId).OrderBy(f => f.Order)
            .Select(f => new { f.Id, f.Name, f.ApiOperation }).ToListAsync(cancellationToken);
        var specifications = await db.LinkChecks.AsNoTracking()
            .Where(c => c.AssessmentId == assessmentId && (c.Outcome == LinkCheckOutcome.Passed || c.Outcome == LinkCheckOutcome.Findings)
                && db.EvidenceItems.Any(e => e.Id == c.EvidenceItemId && (e.Kind == EvidenceItemKind.OpenApiSpecification || e.Kind == EvidenceItemKind.FhirCapabilityStatement))
                && c.Id == db.LinkChecks.Where(o => o.EvidenceItemId == c.EvidenceItemId && (o.Outcome == LinkCheckOutcome.Passed || o.Outcome == LinkCheckOutcome.Findings))
                    .OrderByDescending(o => o.CheckedAt).ThenByDescending(o => o.Id).Select(o => o.Id).First())
            .Select(c => c.ResultJson).ToListAsync(cancellationToken);
        var details = specifications.Select(LinkCheckDetails.FromJson).ToList();
        return functions.Select(f => new FunctionMatchView(f.Id, f.Name, f.ApiOperation,
            details.Count == 0 || string.IsNullOrWhiteSpace(f.ApiOperation) ? null : FunctionOperations.Match(f.ApiOperation, details))).ToList();
    }

    private static Task<bool> VisibleItemAsync(PortalDbContext db, Caller caller, int assessmentId, int evidenceId, CancellationToken cancellationToken) =>
        db.EvidenceItems.AnyAsync(e => e.Id == evidenceId && e.AssessmentId == assessmentId && db.Assessments.VisibleTo(caller).Any(a => a.Id == assessmentId), cancellationToken);

    private static LinkCheckView View(LinkCheck c) => new(
        c.Id, c.EvidenceItemId, c.Outcome, c.Reason, c.RequestedAt, c.CheckedAt, c.Summary, LinkCheckDetails.FromJson(c.ResultJson), c.Sha256, c.ContentType,
        c.SizeBytes, c.HttpStatus, c.FinalUrl, c.Drift);
}

/// <summary>Finds a function's stated operation among a specification's operations: a rule with no I/O.</summary>
public static class FunctionOperations
{
    public static FunctionMatch Match(string stated, IReadOnlyList<LinkCheckDetails> specifications)
    {
        var text = stated.Trim();
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var specification in specifications)
        {
            var fhir = specification.SpecificationKind == "fhir";
            foreach (var operation in specification.Operations)
            {
                var found = fhir
                    ? words.Length == 2 && string.Equals(words[0], operation.Method, StringComparison.OrdinalIgnoreCase)
                        && string.Equals(words[1], operation.Path, StringComparison.OrdinalIgnoreCase)
                    : (words.Length == 2 && string.Equals(words[0], operation.Method, StringComparison.OrdinalIgnoreCase) && SamePath(words[1], operation.Path))
                        || (words.Length == 1 && string.Equals(text, operation.OperationId, StringComparison.Ordinal));
                if (found)
                {
                    var where = fhir ? "the FHIR CapabilityStatement" : "the OpenAPI specification";
                    return new FunctionMatch(true, $"Found in {where}: {operation.Method} {operation.Path}{(string.IsNullOrWhiteSpace(operation.Summary) || fhir ? "" : $" ({operation.Summary})")}.");
                }
            }
        }

        return new FunctionMatch(false, "Not found in the supplier's checked OpenAPI specification or FHIR CapabilityStatement.");
    }

    /// <summary>Same path, whatever the parameters are called (<c>/Patient/{id}</c> is <c>/Patient/{patientId}</c>); a stated path may include the server's base path.</summary>
    private static bool SamePath(string stated, string path)
    {
        var a = Template(stated);
        var b = Template(path);
        return a == b || (b.StartsWith('/') && a.EndsWith(b, StringComparison.Ordinal));
    }

    private static string Template(string path)
    {
        var query = path.IndexOf('?', StringComparison.Ordinal);
        var trimmed = (query >= 0 ? path[..query] : path).TrimEnd('/');
        return string.Join('/', trimmed.Split('/').Select(s => s.StartsWith('{') && s.EndsWith('}') ? "{}" : s.ToLowerInvariant()));
    }
}
