using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Audit;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.Property(e => e.ActorName).HasMaxLength(200);
        builder.Property(e => e.ActorRole).HasMaxLength(50);
        builder.Property(e => e.Action).HasMaxLength(100);
        builder.Property(e => e.EntityType).HasMaxLength(100);
        builder.Property(e => e.EntityId).HasMaxLength(100);
        builder.Property(e => e.Summary).HasMaxLength(1000);
        builder.HasIndex(e => new { e.EntityType, e.EntityId });
        builder.HasIndex(e => e.OccurredAt);
        builder.HasIndex(e => e.AssessmentId);
        builder.Property(e => e.PreviousHash).HasMaxLength(64);
        builder.Property(e => e.Hash).HasMaxLength(64);
        builder.Property(e => e.Chain).HasMaxLength(50).HasDefaultValue(AuditChain.PortalChain);
        // The database itself refuses a fork in a chain: no two events may take the same place in it.
        builder.HasIndex(e => new { e.Chain, e.Sequence }).IsUnique();
    }
}
