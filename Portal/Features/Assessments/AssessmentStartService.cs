using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Components.Shared;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Policy;
using Portal.Data.Users;
using Portal.Features.Audit;
using Portal.Features.Policy;

namespace Portal.Features.Assessments;

/// <summary>
/// The guided start of an assessment by a procurement officer. Every step saves what was typed straight away, so a
/// draft survives leaving the page or a dropped connection; a step's checks only stop the officer moving on.
/// </summary>
public sealed class AssessmentStartService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public sealed record SystemDetails(
        string? SystemName,
        int? SupplierId,
        string? ProductName,
        string? ProductVersion,
        string? Description,
        string? ProcurementReference,
        DateOnly? ResponseDueDate,
        DateOnly? ContractDate);

    public sealed record FunctionInput(string? Name, string? Description);

    public sealed record ScopeRow(string Code, string Title, string SectionCode, Obligation Obligation, RouteStanding? Standing, string Reason, bool InScope, bool AddedByOfficer, string? ExclusionJustification);

    public sealed record SupplierOption(int Id, string Name);

    public sealed record StartDraft(
        int Id,
        string Reference,
        AssessmentStatus Status,
        string VersionLabel,
        string FrameworkName,
        AssessmentRoute? Route,
        ScopeConditions Conditions,
        bool ConditionsConfirmed,
        SystemDetails System,
        IReadOnlyList<FunctionInput> Functions,
        IReadOnlyList<ScopeRow> Scope,
        bool ScopeReviewed,
        StartStep StepReached,
        bool Confirmed,
        IReadOnlyList<SupplierOption> Suppliers,
        IReadOnlyList<(StartStep Step, string Message)> Outstanding,
        int? ReassessesAssessmentId = null);

    /// <summary>Starts a draft on the current catalogue version; gives back its overview, as the caller now sees it.</summary>
    public async Task<Outcome<AssessmentService.Overview>> CreateDraftAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        if (!IsOfficer(caller))
        {
            return Outcome.Forbidden(OfficersOnly);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var versionId = await PolicyCatalogueService.CurrentVersionIdAsync(db, cancellationToken);
        if (versionId is null)
        {
            return Outcome.Conflict("No version of the policy catalogue is published yet; ask an administrator to publish one.");
        }

        var assessment = new Assessment
        {
            NhsOrganisationId = caller.NhsOrganisationId!.Value,
            CreatedByUserId = caller.UserId,
            FrameworkVersionId = versionId.Value,
            CreatedAt = now,
            UpdatedAt = now,
            StartStepReached = (int)StartStep.Route,
        };
        db.Assessments.Add(assessment);
        if (await SaveNewAsync(db, caller, now, assessment, "AssessmentDraftStarted", () => $"Started a draft assessment {assessment.Reference}.", cancellationToken) is { } refused)
        {
            return refused;
        }

        return Outcome.Done((await AssessmentService.OverviewAsync(db, caller, assessment.Id, clock.PortalToday(), cancellationToken))!);
    }

    /// <summary>
    /// Starts the assessment of a competing bid: a new draft under the same procurement reference with the same
    /// route, conditions, functions and scope decisions, waiting only for the other supplier to be chosen. Gives back
    /// the new draft's id.
    /// </summary>
    public async Task<Outcome<int>> StartCompetingBidAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var loaded = await LoadOwnAsync(db, caller, assessmentId, tracking: false, cancellationToken);
        if (!loaded.Succeeded)
        {
            return loaded.AsRefusal();
        }

        var source = loaded.Value!;

        if (source!.StartConfirmedAt is null || string.IsNullOrEmpty(source.ProcurementReference))
        {
            return Outcome.Conflict("Only a confirmed assessment with a procurement reference can be copied for a competing bid.");
        }

        var copy = new Assessment
        {
            NhsOrganisationId = source.NhsOrganisationId,
            CreatedByUserId = caller.UserId,
            FrameworkVersionId = source.FrameworkVersionId,
            Route = source.Route,
            Conditions = source.Conditions,
            ConditionsConfirmed = source.ConditionsConfirmed,
            SystemName = source.SystemName,
            Description = source.Description,
            ProcurementReference = source.ProcurementReference,
            ResponseDueDate = source.ResponseDueDate,
            ContractDate = source.ContractDate,
            StartStepReached = (int)StartStep.System,
            CreatedAt = now,
            UpdatedAt = now,
            Functions = source.Functions.Select(f => new SignificantFunction { Order = f.Order, Name = f.Name, Description = f.Description }).ToList(),
            Requirements = source.Requirements.Select(r => new AssessmentRequirement
            {
                PolicyRequirementId = r.PolicyRequirementId,
                Code = r.Code,
                Order = r.Order,
                Standing = r.Standing,
                Reason = r.Reason,
                InScope = r.InScope,
                AddedByOfficer = r.AddedByOfficer,
                ExclusionJustification = r.ExclusionJustification,
            }).ToList(),
        };
        db.Assessments.Add(copy);
        if (await SaveNewAsync(db, caller, now, copy, "CompetingBidStarted",
            () => $"Started {copy.Reference} for a competing bid under {copy.ProcurementReference}, copied from {source.Reference}.", cancellationToken) is { } refused)
        {
            return refused;
        }

        return Outcome.Done(copy.Id);
    }

    public async Task<StartDraft?> GetAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!IsOfficer(caller))
        {
            return null;
        }

        var loaded = await LoadOwnAsync(db, caller, assessmentId, tracking: false, cancellationToken);
        if (!loaded.Succeeded)
        {
            return null;
        }

        var assessment = loaded.Value!;

        var version = await db.FrameworkVersions.AsNoTracking().Where(v => v.Id == assessment.FrameworkVersionId)
            .Select(v => new { v.Label, Framework = v.PolicyFramework!.Name }).SingleAsync(cancellationToken);
        var requirements = await db.PolicyRequirements.AsNoTracking()
            .Where(r => r.FrameworkVersionId == assessment.FrameworkVersionId)
            .Select(r => new { r.Code, r.Title, r.SectionCode, r.Obligation })
            .ToDictionaryAsync(r => r.Code, cancellationToken);
        var suppliers = await db.Suppliers.AsNoTracking().OrderBy(s => s.Name).Select(s => new SupplierOption(s.Id, s.Name)).ToListAsync(cancellationToken);
        var today = clock.PortalToday();

        return new StartDraft(
            assessment.Id,
            assessment.Reference,
            assessment.Status,
            version.Label,
            version.Framework,
            assessment.Route,
            assessment.Conditions,
            assessment.ConditionsConfirmed,
            new SystemDetails(assessment.SystemName, assessment.SupplierId, assessment.ProductName, assessment.ProductVersion, assessment.Description,
                assessment.ProcurementReference, assessment.ResponseDueDate, assessment.ContractDate),
            assessment.Functions.OrderBy(f => f.Order).Select(f => new FunctionInput(f.Name, f.Description)).ToList(),
            assessment.Requirements.OrderBy(r => r.Order).Select(r => new ScopeRow(
                r.Code, requirements[r.Code].Title, requirements[r.Code].SectionCode, requirements[r.Code].Obligation,
                r.Standing, r.Reason, r.InScope, r.AddedByOfficer, r.ExclusionJustification)).ToList(),
            assessment.ScopeReviewed,
            (StartStep)Math.Max(assessment.StartStepReached, 1),
            assessment.StartConfirmedAt is not null,
            suppliers,
            AssessmentStartRules.AllProblems(assessment, today),
            assessment.ReassessesAssessmentId);
    }

    public Task<Outcome<StepCheck>> SaveRouteAsync(Caller caller, int assessmentId, AssessmentRoute route, CancellationToken cancellationToken = default) =>
        SaveStepAsync(caller, assessmentId, StartStep.Route, rescope: true, a =>
        {
            if (a.Route != route)
            {
                a.Route = route;
                a.ScopeReviewed = false;
                if (route != AssessmentRoute.Upgrade)
                {
                    // Only the upgrade route reassesses an earlier assessment; nothing is carried forward on another.
                    a.ReassessesAssessmentId = null;
                }
            }
        }, cancellationToken);

    public Task<Outcome<StepCheck>> SaveSystemAsync(Caller caller, int assessmentId, SystemDetails details, CancellationToken cancellationToken = default) =>
        SaveStepAsync(caller, assessmentId, StartStep.System, rescope: false, a =>
        {
            a.SystemName = TypedText.Tidy(details.SystemName, 200) ?? string.Empty;
            if (a.SupplierId != details.SupplierId)
            {
                // A product version belongs to one supplier: another supplier's assessment names none until chosen again,
                // and reassesses none of the first supplier's assessments.
                a.ProductVersionId = null;
                a.ReassessesAssessmentId = null;
            }

            a.SupplierId = details.SupplierId;
            if (a.ProductVersionId is null)
            {
                // With a product version chosen, the product and version shown follow that choice; an autosave of
                // the step's other fields (sent with the text the page had before the choice) must not overwrite them.
                a.ProductName = TypedText.Tidy(details.ProductName, 200);
                a.ProductVersion = TypedText.Tidy(details.ProductVersion, 50);
            }

            a.Description = TypedText.Tidy(details.Description, 4000);
            a.ProcurementReference = TypedText.Tidy(details.ProcurementReference, 100);
            a.ResponseDueDate = details.ResponseDueDate;
            a.ContractDate = details.ContractDate;
        }, cancellationToken);

    public Task<Outcome<StepCheck>> SaveConditionsAsync(Caller caller, int assessmentId, ScopeConditions conditions, CancellationToken cancellationToken = default) =>
        SaveStepAsync(caller, assessmentId, StartStep.Conditions, rescope: true, a =>
        {
            if (a.Conditions != conditions || !a.ConditionsConfirmed)
            {
                a.Conditions = conditions;
                a.ConditionsConfirmed = true;
                a.ScopeReviewed = false;
            }
        }, cancellationToken);

    /// <summary>Replaces the list of significant functions; blank rows are dropped, so a half-typed row costs nothing.</summary>
    public Task<Outcome<StepCheck>> SaveFunctionsAsync(Caller caller, int assessmentId, IReadOnlyList<FunctionInput> functions, CancellationToken cancellationToken = default) =>
        SaveStepAsync(caller, assessmentId, StartStep.Functions, rescope: false, a =>
        {
            var kept = functions.Where(f => !string.IsNullOrWhiteSpace(f.Name)).Take(AssessmentStartRules.MaxFunctions).ToList();
            a.Functions.Clear();
            a.Functions.AddRange(kept.Select((f, i) => new SignificantFunction
            {
                Order = i + 1,
                Name = TypedText.Tidy(f.Name, 200)!,
                Description = TypedText.Tidy(f.Description, 2000),
            }));
        }, cancellationToken);

    /// <summary>
    /// Works out the scope of a draft whose scope was never worked out (one started before scoping followed each change
    /// of route and conditions). A deliberate action the officer asks for; opening the scope step never writes.
    /// </summary>
    public async Task<Outcome> RefreshScopeAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var loaded = await LoadDraftAsync(db, caller, assessmentId, cancellationToken);
        if (!loaded.Succeeded)
        {
            return loaded.AsRefusal();
        }

        var assessment = loaded.Value!;

        if (assessment.Route is null)
        {
            return Outcome.Conflict("Choose the route first.");
        }

        await ApplyScopeAsync(db, assessment, cancellationToken);
        assessment.Touch(clock.GetUtcNow().UtcDateTime);
        return await SaveScopeChangeAsync(db, assessment, cancellationToken);
    }

    /// <summary>
    /// Brings the scope in line with the route and conditions: requirements that apply are listed with the reason;
    /// the officer's earlier exclusions (with their justification) and additions are kept where still relevant.
    /// Part of the save that changed the route or conditions, so the scope never lags behind them.
    /// </summary>
    internal static async Task ApplyScopeAsync(PortalDbContext db, Assessment assessment, CancellationToken cancellationToken)
    {
        if (assessment.Route is not { } route)
        {
            return;
        }

        var catalogue = await db.PolicyRequirements.AsNoTracking()
            .Where(r => r.FrameworkVersionId == assessment.FrameworkVersionId)
            .OrderBy(r => r.Order)
            .ToListAsync(cancellationToken);
        var previous = assessment.Requirements.ToDictionary(r => r.Code, StringComparer.Ordinal);
        var scope = new List<AssessmentRequirement>();
        foreach (var requirement in catalogue)
        {
            var decision = RequirementScoping.Decide(route, assessment.Conditions, requirement.StandingOn(route), requirement.Conditions);
            previous.TryGetValue(requirement.Code, out var earlier);
            if (decision.Applies)
            {
                scope.Add(new AssessmentRequirement
                {
                    PolicyRequirementId = requirement.Id,
                    Code = requirement.Code,
                    Order = requirement.Order,
                    Standing = decision.Standing,
                    Reason = decision.Reason,
                    InScope = earlier?.InScope ?? true,
                    ExclusionJustification = earlier?.InScope == false ? earlier.ExclusionJustification : null,
                });
            }
            else if (earlier is { AddedByOfficer: true })
            {
                scope.Add(new AssessmentRequirement
                {
                    PolicyRequirementId = requirement.Id,
                    Code = requirement.Code,
                    Order = requirement.Order,
                    Standing = earlier.Standing,
                    Reason = earlier.Reason,
                    InScope = true,
                    AddedByOfficer = true,
                });
            }
        }

        db.AssessmentRequirements.RemoveRange(assessment.Requirements);
        assessment.Requirements.Clear();
        assessment.Requirements.AddRange(scope);
    }

    public async Task<Outcome> ExcludeAsync(Caller caller, int assessmentId, string code, string? justification, CancellationToken cancellationToken = default)
    {
        var reason = TypedText.Tidy(justification, 2000);
        if (reason is null || reason.Length < 10)
        {
            return Outcome.Invalid("Explain in a sentence why this requirement does not apply to the system (at least 10 characters).", "justification");
        }

        return await ChangeScopeRowAsync(caller, assessmentId, code, (db, a, row, now) =>
        {
            row.InScope = false;
            row.ExclusionJustification = reason;
            AuditTrail.Record(db, caller, now, "RequirementTakenOutOfScope", nameof(Assessment), a.Reference,
                $"Took {code} out of scope: {reason}", "In scope", "Out of scope", a.Id);
        }, cancellationToken);
    }

    public Task<Outcome> IncludeAsync(Caller caller, int assessmentId, string code, CancellationToken cancellationToken = default) =>
        ChangeScopeRowAsync(caller, assessmentId, code, (db, a, row, now) =>
        {
            row.InScope = true;
            row.ExclusionJustification = null;
            AuditTrail.Record(db, caller, now, "RequirementBroughtIntoScope", nameof(Assessment), a.Reference,
                $"Brought {code} into scope.", "Out of scope", "In scope", a.Id);
        }, cancellationToken);

    /// <summary>Adds a requirement that scoping did not bring in, because the officer wants it answered all the same.</summary>
    public async Task<Outcome> AddRequirementAsync(Caller caller, int assessmentId, string code, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var loaded = await LoadDraftAsync(db, caller, assessmentId, cancellationToken);
        if (!loaded.Succeeded)
        {
            return loaded.AsRefusal();
        }

        var assessment = loaded.Value!;

        var requirement = await db.PolicyRequirements.AsNoTracking()
            .SingleOrDefaultAsync(r => r.FrameworkVersionId == assessment.FrameworkVersionId && r.Code == code.Trim(), cancellationToken);
        if (requirement is null)
        {
            return Outcome.Invalid($"There is no requirement {code} in catalogue version the assessment uses.", "add");
        }

        if (assessment.Requirements.Any(r => r.Code == requirement.Code))
        {
            return Outcome.Invalid($"{requirement.Code} is already in the list.", "add");
        }

        assessment.Requirements.Add(new AssessmentRequirement
        {
            PolicyRequirementId = requirement.Id,
            Code = requirement.Code,
            Order = requirement.Order,
            Standing = assessment.Route is { } route ? requirement.StandingOn(route) ?? RouteStanding.Expectation : RouteStanding.Expectation,
            Reason = "Added by the procurement officer.",
            AddedByOfficer = true,
        });
        assessment.Touch(now);
        AuditTrail.Record(db, caller, now, "RequirementAddedToScope", nameof(Assessment), assessment.Reference,
            $"Added {requirement.Code} to the scope by hand.", assessmentId: assessment.Id);
        return await SaveScopeChangeAsync(db, assessment, cancellationToken);
    }

    public Task<Outcome<StepCheck>> ConfirmScopeAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default) =>
        SaveStepAsync(caller, assessmentId, StartStep.Scope, rescope: false, a => a.ScopeReviewed = a.Requirements.Any(r => r.InScope), cancellationToken);

    /// <summary>Completes the start: every step must be complete; the assessment stays a draft until a supplier is invited.</summary>
    public async Task<Outcome> ConfirmAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var loaded = await LoadDraftAsync(db, caller, assessmentId, cancellationToken);
        if (!loaded.Succeeded)
        {
            return loaded.AsRefusal();
        }

        var assessment = loaded.Value!;

        var problems = AssessmentStartRules.AllProblems(assessment, DateOnly.FromDateTime(now.InPortalTime()));
        if (problems.Count > 0)
        {
            return Outcome.Invalid(string.Join(" ", problems.Select(p => p.Message)), "confirm");
        }

        if (assessment.StartConfirmedAt is null)
        {
            assessment.StartConfirmedAt = now;
            assessment.Touch(now);
            var inScope = assessment.Requirements.Count(r => r.InScope);
            AuditTrail.Record(db, caller, now, "AssessmentStartConfirmed", nameof(Assessment), assessment.Reference,
                $"Confirmed {assessment.Reference} for {assessment.SystemName} ({PolicyWording.RouteName(assessment.Route!.Value).ToLowerInvariant()}) with {Counted.Of(inScope, "requirement")} in scope.",
                after: Counted.Of(inScope, "requirement"), assessmentId: assessment.Id);
            if (await db.SaveCommandAsync(ChangedMeanwhile(assessment), cancellationToken) is { } stale)
            {
                return stale;
            }
        }

        return Outcome.Done($"{assessment.Reference} is confirmed.");
    }

    private async Task<Outcome> ChangeScopeRowAsync(
        Caller caller, int assessmentId, string code, Action<PortalDbContext, Assessment, AssessmentRequirement, DateTime> change, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var loaded = await LoadDraftAsync(db, caller, assessmentId, cancellationToken);
        if (!loaded.Succeeded)
        {
            return loaded.AsRefusal();
        }

        var assessment = loaded.Value!;

        var row = assessment.Requirements.SingleOrDefault(r => r.Code == code);
        if (row is null)
        {
            return Outcome.Invalid($"{code} is not in this assessment's scope list.", "code");
        }

        change(db, assessment, row, now);
        assessment.Touch(now);
        return await SaveScopeChangeAsync(db, assessment, cancellationToken);
    }

    private async Task<Outcome<StepCheck>> SaveStepAsync(
        Caller caller, int assessmentId, StartStep step, bool rescope, Action<Assessment> apply, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var loaded = await LoadDraftAsync(db, caller, assessmentId, cancellationToken);
        if (!loaded.Succeeded)
        {
            return loaded.AsRefusal();
        }

        var assessment = loaded.Value!;

        var before = Snapshot(assessment);
        var scopedBy = (assessment.Route, assessment.Conditions);
        apply(assessment);
        if (rescope && (scopedBy != (assessment.Route, assessment.Conditions) || assessment.Requirements.Count == 0))
        {
            await ApplyScopeAsync(db, assessment, cancellationToken);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var after = Snapshot(assessment);
        if (before != after)
        {
            AuditTrail.Record(db, caller, now, "AssessmentDraftEdited", nameof(Assessment), assessment.Reference,
                $"Edited the {step.ToString().ToLowerInvariant()} step of {assessment.Reference}.", before, after, assessment.Id);
        }

        assessment.Touch(now);
        var problems = AssessmentStartRules.Problems(assessment, step, DateOnly.FromDateTime(now.InPortalTime()));
        if (problems.Count == 0)
        {
            assessment.StartStepReached = Math.Max(assessment.StartStepReached, (int)step + 1);
        }

        if (await db.SaveCommandAsync(ChangedMeanwhile(assessment), cancellationToken) is { } stale)
        {
            return stale;
        }

        return Outcome.Done(new StepCheck(problems));
    }

    private static async Task<Outcome> SaveScopeChangeAsync(PortalDbContext db, Assessment assessment, CancellationToken cancellationToken) =>
        await db.SaveCommandAsync(ChangedMeanwhile(assessment), cancellationToken) is { } stale ? stale : Outcome.Done();

    /// <summary>Saves a new assessment, then its audit event, which quotes the reference the first save gave it.</summary>
    private static async Task<Refusal?> SaveNewAsync(
        PortalDbContext db, Caller caller, DateTime now, Assessment assessment, string auditAction, Func<string> summary, CancellationToken cancellationToken)
    {
        if (await db.SaveCommandAsync("The draft could not be started; try again.", cancellationToken) is { } first)
        {
            return first;
        }

        AuditTrail.Record(db, caller, now, auditAction, nameof(Assessment), assessment.Reference, summary(), assessmentId: assessment.Id);
        if (await db.SaveCommandAsync("The draft could not be started; try again.", cancellationToken) is { } second)
        {
            return second;
        }

        return null;
    }

    private static string ChangedMeanwhile(Assessment assessment) =>
        $"Someone else changed {assessment.Reference} at the same moment. Open it again to see their change, then make yours.";

    /// <summary>What the guided start has recorded, in words, for the audit trail's before and after.</summary>
    private static string Snapshot(Assessment a) => string.Join("; ",
        $"route: {a.Route?.ToString() ?? "none"}",
        $"system: {a.SystemName}",
        $"supplier: {a.SupplierId?.ToString(CultureInfo.InvariantCulture) ?? "none"}",
        $"product: {a.ProductName} {a.ProductVersion}".TrimEnd(),
        $"description: {a.Description}",
        $"procurement reference: {a.ProcurementReference}",
        $"due: {a.ResponseDueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}",
        $"contract: {a.ContractDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}",
        $"conditions: {(a.ConditionsConfirmed ? a.Conditions.ToString() : "not answered")}",
        $"functions: {string.Join(" | ", a.Functions.OrderBy(f => f.Order).Select(f => f.Name + (f.Description is null ? "" : $" ({f.Description})")))}");

    /// <summary>
    /// The caller's own assessment, to read or copy: not found when it does not exist or the caller may not see it;
    /// forbidden when they may see it but are not a procurement officer of the assessing organisation.
    /// </summary>
    private static async Task<Outcome<Assessment>> LoadOwnAsync(PortalDbContext db, Caller caller, int assessmentId, bool tracking, CancellationToken cancellationToken)
    {
        var query = db.Assessments.VisibleTo(caller).Include(a => a.Functions).Include(a => a.Requirements).Where(a => a.Id == assessmentId);
        var assessment = await (tracking ? query : query.AsNoTracking()).AsSplitQuery().SingleOrDefaultAsync(cancellationToken);
        if (assessment is null)
        {
            return AssessmentService.NotFound(assessmentId);
        }

        return AssessmentVisibility.IsOfficerOf(caller, assessment) ? Outcome.Done(assessment) : Outcome.Forbidden(OfficersOnly);
    }

    /// <summary>The caller's own draft, to change; one that has gone on to the supplier is a conflict.</summary>
    private static async Task<Outcome<Assessment>> LoadDraftAsync(PortalDbContext db, Caller caller, int assessmentId, CancellationToken cancellationToken)
    {
        var loaded = await LoadOwnAsync(db, caller, assessmentId, tracking: true, cancellationToken);
        return loaded is { Succeeded: true, Value: { Status: not AssessmentStatus.Draft } assessment }
            ? Outcome.Conflict($"{assessment.Reference} is {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}, no longer a draft, so its start cannot be changed.")
            : loaded;
    }

    private const string OfficersOnly = "Only a procurement officer of the assessing NHS organisation can start and edit assessments.";

    private static bool IsOfficer(Caller caller) => caller.IsInRole(PortalRoles.ProcurementOfficer) && caller.NhsOrganisationId is not null;
}

/// <summary>What a step still needs after its save: the field at fault and why, for each. None means the officer may move on.</summary>
public sealed record StepCheck(IReadOnlyDictionary<string, string> Outstanding)
{
    public bool Complete => Outstanding.Count == 0;
}

/// <summary>How a step page reads a save's outcome: the step's own problems, or the refusal as one problem.</summary>
public static class StepOutcomes
{
    public static IReadOnlyDictionary<string, string> ProblemsOf(CommandOutcome outcome, string field = "draft") => outcome switch
    {
        Outcome<StepCheck> { Succeeded: true, Value: { } check } => check.Outstanding,
        { Succeeded: true } => new Dictionary<string, string>(),
        { Problems.Count: > 0 } => outcome.Problems,
        _ => new Dictionary<string, string> { [field] = outcome.Message ?? "The change was not saved." },
    };
}
