using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portal.Data.AccessTokens;
using Portal.Data.Assessments;
using Portal.Data.Audit;
using Portal.Data.Dashboards;
using Portal.Data.Evidence;
using Portal.Data.EvidencePacks;
using Portal.Data.Products;
using Portal.Data.Register;
using Portal.Data.Mail;
using Portal.Data.Notifications;
using Portal.Data.Reviews;
using Portal.Data.Scorecards;
using Portal.Data.SignOffs;
using Portal.Data.Organisations;
using Portal.Data.Policy;
using Portal.Data.Users;
using Portal.Data.Workers;

namespace Portal.Data;

/// <summary>The portal's unit of work. Create one per operation through <c>IDbContextFactory&lt;PortalDbContext&gt;</c>.</summary>
public class PortalDbContext(DbContextOptions<PortalDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<NhsOrganisation> NhsOrganisations => Set<NhsOrganisation>();

    public DbSet<Supplier> Suppliers => Set<Supplier>();

    public DbSet<PortalUser> Users => Set<PortalUser>();

    public DbSet<PolicyFramework> PolicyFrameworks => Set<PolicyFramework>();

    public DbSet<FrameworkVersion> FrameworkVersions => Set<FrameworkVersion>();

    public DbSet<PolicySection> PolicySections => Set<PolicySection>();

    public DbSet<PolicyRequirement> PolicyRequirements => Set<PolicyRequirement>();

    public DbSet<Assessment> Assessments => Set<Assessment>();

    public DbSet<SignificantFunction> SignificantFunctions => Set<SignificantFunction>();

    public DbSet<AssessmentRequirement> AssessmentRequirements => Set<AssessmentRequirement>();

    public DbSet<SupplierInvitation> SupplierInvitations => Set<SupplierInvitation>();

    public DbSet<RequirementResponse> RequirementResponses => Set<RequirementResponse>();

    public DbSet<EvidenceItem> EvidenceItems => Set<EvidenceItem>();

    public DbSet<LinkCheck> LinkChecks => Set<LinkCheck>();

    public DbSet<ReviewDecision> ReviewDecisions => Set<ReviewDecision>();

    public DbSet<RequirementComment> RequirementComments => Set<RequirementComment>();

    public DbSet<SignOff> SignOffs => Set<SignOff>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<IssuedScorecard> IssuedScorecards => Set<IssuedScorecard>();

    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<Product> Products => Set<Product>();

    public DbSet<ProductVersion> ProductVersions => Set<ProductVersion>();

    public DbSet<EvidencePack> EvidencePacks => Set<EvidencePack>();

    public DbSet<EvidencePackAnswer> EvidencePackAnswers => Set<EvidencePackAnswer>();

    public DbSet<EvidencePackItem> EvidencePackItems => Set<EvidencePackItem>();

    public DbSet<EvidencePackShare> EvidencePackShares => Set<EvidencePackShare>();

    /// <summary>Signed-off assessments an NHS organisation chose to show on the public register (withdrawn ones kept).</summary>
    public DbSet<RegisterPublication> RegisterPublications => Set<RegisterPublication>();

    public DbSet<AssessmentScore> AssessmentScores => Set<AssessmentScore>();

    public DbSet<OrganisationDashboard> OrganisationDashboards => Set<OrganisationDashboard>();

    public DbSet<WorkerLease> WorkerLeases => Set<WorkerLease>();

    /// <summary>Mail waiting to be sent, written in the same transaction as the change that caused it.</summary>
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<OutboxAttempt> OutboxAttempts => Set<OutboxAttempt>();

    public DbSet<MailPreference> MailPreferences => Set<MailPreference>();

    /// <summary>
    /// The keys protecting sign-in cookies and form tokens when DataProtection:Store is Database, so every instance
    /// reads the same ones (written and read by ASP.NET Core Data Protection only).
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>
    /// Saves, linking any new audit events into their chains in the same transaction as the change they record. When
    /// the caller has no transaction of its own, one is begun here and ends here, committed or rolled back, whatever
    /// happens: nothing outlives the call.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (!AuditChain.AppendsEvents(this) && ChecksBeforeCommit.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        if (Database.CurrentTransaction is not null)
        {
            await AuditChain.LinkAsync(this, cancellationToken);
            await RunChecksBeforeCommitAsync(cancellationToken);
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            ChecksBeforeCommit.Clear();
            return written;
        }

        // SQL Server retries transient failures; the whole transaction is retried, linking again from the chain's head.
        // A failure reported at commit may follow a commit that happened: the first event's hash, unique to this save,
        // tells whether it did, so a retry never saves the change twice.
        var linked = (Chain: string.Empty, Hash: string.Empty, Count: 0);
        var saved = await Database.CreateExecutionStrategy().ExecuteAsync(
            this,
            async (_, _, token) =>
            {
                await using var transaction = await Database.BeginTransactionAsync(token);
                await AuditChain.LinkAsync(this, token);
                await RunChecksBeforeCommitAsync(token);
                var first = ChangeTracker.Entries<AuditEvent>().FirstOrDefault(e => e.State == EntityState.Added)?.Entity;
                linked = (first?.Chain ?? string.Empty, first?.Hash ?? string.Empty, ChangeTracker.Entries().Count(e => e.State != EntityState.Unchanged));
                var count = await base.SaveChangesAsync(acceptAllChangesOnSuccess: false, token);
                await transaction.CommitAsync(token);
                return count;
            },
            async (_, _, token) => new ExecutionResult<int>(
                linked.Hash.Length > 0 && await AuditEvents.AsNoTracking().AnyAsync(e => e.Chain == linked.Chain && e.Hash == linked.Hash, token),
                linked.Count),
            cancellationToken);
        // The checks guarded this save; a later save on the same context brings its own (the quota check would now count
        // its own document twice).
        ChecksBeforeCommit.Clear();
        if (acceptAllChangesOnSuccess)
        {
            ChangeTracker.AcceptAllChanges();
        }

        return saved;
    }

    /// <summary>
    /// Checks that must see every other save's committed changes, run inside this save's transaction after its audit
    /// chains are locked (SQLite: the one writer's lock; SQL Server: the chain's application lock), so two saves for one
    /// assessment cannot both pass a check that only one of them should (for example two uploads that each fit the
    /// quota but not together). A check refuses by throwing <see cref="SaveRefusedException"/>: nothing is saved.
    /// </summary>
    public List<Func<PortalDbContext, CancellationToken, Task>> ChecksBeforeCommit { get; } = [];

    private async Task RunChecksBeforeCommitAsync(CancellationToken cancellationToken)
    {
        foreach (var check in ChecksBeforeCommit)
        {
            await check(this, cancellationToken);
        }
    }

    /// <summary>The portal saves asynchronously only; linking an audit chain needs the database, so it is never done blocking a thread.</summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        AuditChain.AppendsEvents(this)
            ? throw new InvalidOperationException("Saves that record audit events must use SaveChangesAsync.")
            : base.SaveChanges(acceptAllChangesOnSuccess);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every time is stored in UTC; reading it back as UTC keeps comparisons and display honest on both providers.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.ToUniversalTime(), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v.HasValue ? v.Value.ToUniversalTime() : v, v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
}

/// <summary>A check before commit (<see cref="PortalDbContext.ChecksBeforeCommit"/>) refused the save; nothing was saved.</summary>
public sealed class SaveRefusedException(string message, string? field = null, bool stale = false) : Exception(message)
{
    /// <summary>Refused because someone else changed what the command read (answered as Stale, not Invalid).</summary>
    public bool Stale { get; } = stale;

    /// <summary>The field at fault, for a form to show the message beside it; null for the request as a whole.</summary>
    public string? Field { get; } = field;
}
