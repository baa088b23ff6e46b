using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Workers;

internal sealed class WorkerLeaseConfiguration : IEntityTypeConfiguration<WorkerLease>
{
    public void Configure(EntityTypeBuilder<WorkerLease> builder)
    {
        builder.HasKey(l => l.Name);
        builder.Property(l => l.Name).HasMaxLength(100);
        builder.Property(l => l.HeldBy).HasMaxLength(200);
        builder.Property(l => l.LastRunBy).HasMaxLength(200);
        builder.Property(l => l.LastResult).HasMaxLength(200);
        builder.Property(l => l.LastError).HasMaxLength(1000);
    }
}
