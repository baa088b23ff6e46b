using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portal.Data.AccessTokens;
using Portal.Data.Assessments;
using Portal.Data.Audit;
using Portal.Data.Evidence;
using Portal.Data.Notifications;
using Portal.Data.Reviews;
using Portal.Data.Scorecards;
using Portal.Data.SignOffs;
using Portal.Data.Organisations;
using Portal.Data.Policy;
using Portal.Data.Users;

namespace Portal.Data;

/// <summary>The portal's unit of work. Create one per operation through <c>IDbContextFactory&lt;PortalDbContext&gt;</c>.</summary>
public class PortalDbContext(DbContextOptions<PortalDbContext> options) : DbContext(options)
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

    public DbSet<ReviewDecision> ReviewDecisions => Set<ReviewDecision>();

    public DbSet<RequirementComment> RequirementComments => Set<RequirementComment>();

    public DbSet<SignOff> SignOffs => Set<SignOff>();

    public DbSet<Notification> Notifications => Set<Notification>();

    public DbSet<IssuedScorecard> IssuedScorecards => Set<IssuedScorecard>();

    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<AssessmentScore> AssessmentScores => Set<AssessmentScore>();

    /// <summary>Set while this context holds <see cref="AuditChain"/>'s place in the chain during a save.</summary>
    internal bool HoldsAuditGate { get; set; }

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
