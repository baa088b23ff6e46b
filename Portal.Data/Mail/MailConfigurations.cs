using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Users;

namespace Portal.Data.Mail;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.Property(m => m.Key).HasMaxLength(200);
        builder.Property(m => m.ToAddress).HasMaxLength(320);
        builder.Property(m => m.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(m => m.Subject).HasMaxLength(300);
        builder.Property(m => m.Text).HasMaxLength(8000);
        builder.Property(m => m.Link).HasMaxLength(2000);
        builder.Property(m => m.OrganisationName).HasMaxLength(200);
        builder.Property(m => m.SystemName).HasMaxLength(200);
        builder.Property(m => m.ClaimedBy).HasMaxLength(200);
        builder.Property(m => m.LastError).HasMaxLength(1000);
        // One mail per event and address, however often the event is raised or by how many instances.
        builder.HasIndex(m => new { m.Key, m.ToAddress }).IsUnique();
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
        builder.HasOne<PortalUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(m => m.AttemptLog).WithOne().HasForeignKey(a => a.OutboxMessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class OutboxAttemptConfiguration : IEntityTypeConfiguration<OutboxAttempt>
{
    public void Configure(EntityTypeBuilder<OutboxAttempt> builder)
    {
        builder.Property(a => a.By).HasMaxLength(200);
        builder.Property(a => a.Error).HasMaxLength(1000);
    }
}

internal sealed class MailPreferenceConfiguration : IEntityTypeConfiguration<MailPreference>
{
    public void Configure(EntityTypeBuilder<MailPreference> builder)
    {
        builder.HasKey(p => p.UserId);
        builder.Property(p => p.Delivery).HasConversion<string>().HasMaxLength(20);
        builder.HasOne<PortalUser>().WithOne().HasForeignKey<MailPreference>(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
