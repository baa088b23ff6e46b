using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Data.SignOffs;

namespace Portal.Data.Scorecards;

/// <summary>
/// Marks an assessment's stored score stale, in the same save, whenever something the scorecard is worked out from
/// changes: a claim or plan date, evidence or its "valid until", a review decision, the scope or the route; and
/// whenever something the organisation's dashboard lists (<see cref="Dashboards.OrganisationDashboard"/>) are worked out
/// from changes: the assessment's status, response due date, system or supplier, evidence titles, sign-offs and their
/// conditions. The score worker then recalculates the score and, after it, the organisation's lists. It
/// watches the change tracker rather than the feature services, so a new way of changing these cannot forget it.
/// A new assessment gets its (stale) score row here too. Once such a save is committed, it raises the
/// <see cref="StaleScoreSignal"/> (when there is one) so the score worker refreshes promptly; reads never refresh.
/// </summary>
/// <remarks>
/// Bulk <c>ExecuteUpdate</c>/<c>ExecuteDelete</c> calls bypass the change tracker; one that changes scoring inputs
/// must give the affected scores a new <see cref="AssessmentScore.InputsStamp"/> itself. So must anything that changes
/// a framework's weights or threshold, which no part of the portal does today.
/// </remarks>
public sealed class StaleScoreMarker(StaleScoreSignal? signal = null) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    /// <summary>Contexts whose save marked scores stale and has not been committed yet; weak, so a context dropped mid-save is not kept.</summary>
    private readonly ConditionalWeakTable<DbContext, object> _marked = [];

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is PortalDbContext db && await MarkAsync(db, cancellationToken) && signal is not null)
        {
            _marked.AddOrUpdate(db, this);
        }

        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        SavingChangesAsync(eventData, result).AsTask().GetAwaiter().GetResult();

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        // Inside the caller's own transaction nothing is visible to the worker yet: wait for the commit.
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null)
        {
            Committed(context);
        }

        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(SavedChanges(eventData, result));

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Committed(DbContext? context)
    {
        if (context is not null && _marked.Remove(context))
        {
            signal?.Raise();
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _marked.Remove(context);
        }
    }

    /// <summary>Marks the scores this save changes the inputs of; true when there was any.</summary>
    private static async Task<bool> MarkAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var added = false;
        var changed = new HashSet<int>();
        var signOffs = new HashSet<int>();
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            switch (entry.Entity)
            {
                case Assessment assessment when entry.State == EntityState.Added && assessment.Score is null:
                    db.Add(new AssessmentScore { Assessment = assessment });
                    added = true;
                    break;
                case Assessment when entry.State == EntityState.Modified && entry.Property(nameof(Assessment.Route)).IsModified:
                    Note(changed, entry, nameof(Assessment.Id));
                    break;
                case Assessment when entry.State == EntityState.Modified && entry.Property(nameof(Assessment.ContractDate)).IsModified:
                    Note(changed, entry, nameof(Assessment.Id));
                    break;
                case Assessment when entry.State == EntityState.Modified && Changed(entry, nameof(Assessment.Status), nameof(Assessment.ResponseDueDate), nameof(Assessment.SystemName), nameof(Assessment.SupplierId)):
                    Note(changed, entry, nameof(Assessment.Id));
                    break;
                case SignOff when Changed(entry, nameof(SignOff.IsVoid)):
                    Note(changed, entry, nameof(SignOff.AssessmentId));
                    break;
                case SignOffCondition condition when Changed(entry, nameof(SignOffCondition.DueDate), nameof(SignOffCondition.ClosureState),
                    nameof(SignOffCondition.Text), nameof(SignOffCondition.Owner)) && !entry.Property(nameof(SignOffCondition.SignOffId)).IsTemporary:
                    signOffs.Add(condition.SignOffId);
                    break;
                case RequirementResponse when Changed(entry, nameof(RequirementResponse.Claim), nameof(RequirementResponse.PlannedDate),
                    nameof(RequirementResponse.PlanDueOnContractDate), nameof(RequirementResponse.ClosureState)):
                case EvidenceItem when Changed(entry, nameof(EvidenceItem.ValidUntil), nameof(EvidenceItem.RequirementResponseId), nameof(EvidenceItem.Title)):
                case ReviewDecision when Changed(entry, nameof(ReviewDecision.Outcome)):
                case AssessmentRequirement when Changed(entry, nameof(AssessmentRequirement.InScope), nameof(AssessmentRequirement.PolicyRequirementId)):
                    Note(changed, entry, nameof(RequirementResponse.AssessmentId));
                    break;
            }
        }

        if (signOffs.Count > 0)
        {
            // A condition of a sign-off added in this same save has a temporary key and its sign-off is noted above.
            var signOffIds = signOffs.ToList();
            changed.UnionWith(await db.SignOffs.Where(s => signOffIds.Contains(s.Id)).Select(s => s.AssessmentId).ToListAsync(cancellationToken));
        }

        if (changed.Count == 0)
        {
            return added;
        }

        var ids = changed.ToList();
        var scores = await db.Set<AssessmentScore>().Where(s => ids.Contains(s.AssessmentId)).ToDictionaryAsync(s => s.AssessmentId, cancellationToken);
        foreach (var id in ids)
        {
            if (scores.TryGetValue(id, out var score))
            {
                score.InputsStamp = Guid.NewGuid();
            }
            else if (!db.ChangeTracker.Entries<AssessmentScore>().Any(e => e.State == EntityState.Added && e.Entity.AssessmentId == id))
            {
                // An assessment written before scores were stored, or outside the portal, gets its row now (once, even
                // when a save is retried after a transient failure).
                db.Add(new AssessmentScore { AssessmentId = id });
            }
        }

        return true;
    }

    /// <summary>
    /// The assessment an entry belongs to, unless that assessment is itself being added in this save (its key is
    /// still temporary) and so already has a new score row.
    /// </summary>
    private static void Note(HashSet<int> ids, EntityEntry entry, string assessmentIdProperty)
    {
        var property = entry.Property(assessmentIdProperty);
        if (!property.IsTemporary && property.CurrentValue is int id)
        {
            ids.Add(id);
        }
    }

    /// <summary>Added or deleted, or one of these properties changed.</summary>
    private static bool Changed(EntityEntry entry, params string[] properties) => entry.State switch
    {
        EntityState.Added or EntityState.Deleted => true,
        EntityState.Modified => properties.Any(p => entry.Property(p).IsModified),
        _ => false,
    };
}
