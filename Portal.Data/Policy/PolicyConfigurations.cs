using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Policy;

internal sealed class PolicyFrameworkConfiguration : IEntityTypeConfiguration<PolicyFramework>
{
    public void Configure(EntityTypeBuilder<PolicyFramework> builder)
    {
        builder.Property(f => f.Key).HasMaxLength(100);
        builder.HasIndex(f => f.Key).IsUnique();
        builder.Property(f => f.Name).HasMaxLength(300);
        builder.Property(f => f.Publisher).HasMaxLength(200);
        builder.Property(f => f.Source).HasMaxLength(500);
        builder.Property(f => f.MustWeight).HasDefaultValue(3);
        builder.Property(f => f.ShouldWeight).HasDefaultValue(1);
        builder.Property(f => f.ShouldThresholdPercent).HasDefaultValue(75);
        builder.HasMany(f => f.Versions).WithOne(v => v.PolicyFramework).HasForeignKey(v => v.PolicyFrameworkId);
    }
}

internal sealed class FrameworkVersionConfiguration : IEntityTypeConfiguration<FrameworkVersion>
{
    public void Configure(EntityTypeBuilder<FrameworkVersion> builder)
    {
        builder.Property(v => v.Label).HasMaxLength(50);
        builder.HasIndex(v => new { v.PolicyFrameworkId, v.Label }).IsUnique();
        builder.Property(v => v.Summary).HasMaxLength(2000);
        builder.Property(v => v.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(v => v.ImportedBy).HasMaxLength(200);
        builder.Property(v => v.ContentHash).HasMaxLength(64);
        builder.HasMany(v => v.Sections).WithOne().HasForeignKey(s => s.FrameworkVersionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(v => v.Requirements).WithOne().HasForeignKey(r => r.FrameworkVersionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PolicySectionConfiguration : IEntityTypeConfiguration<PolicySection>
{
    public void Configure(EntityTypeBuilder<PolicySection> builder)
    {
        builder.Property(s => s.Code).HasMaxLength(20);
        builder.HasIndex(s => new { s.FrameworkVersionId, s.Code }).IsUnique();
        builder.Property(s => s.Title).HasMaxLength(300);
        builder.Property(s => s.Source).HasMaxLength(200);
        builder.Property(s => s.Summary).HasMaxLength(2000);
    }
}

internal sealed class PolicyRequirementConfiguration : IEntityTypeConfiguration<PolicyRequirement>
{
    public void Configure(EntityTypeBuilder<PolicyRequirement> builder)
    {
        builder.Property(r => r.Code).HasMaxLength(20);
        builder.HasIndex(r => new { r.FrameworkVersionId, r.Code }).IsUnique();
        builder.Property(r => r.SectionCode).HasMaxLength(20);
        builder.Property(r => r.Title).HasMaxLength(300);
        builder.Property(r => r.Statement).HasMaxLength(4000);
        builder.Property(r => r.Guidance).HasMaxLength(4000);
        builder.Property(r => r.Source).HasMaxLength(200);
        builder.Property(r => r.Obligation).HasConversion<string>().HasMaxLength(10);
        builder.Property(r => r.ProcureStanding).HasConversion<string>().HasMaxLength(30);
        builder.Property(r => r.DevelopStanding).HasConversion<string>().HasMaxLength(30);
        builder.Property(r => r.UpgradeStanding).HasConversion<string>().HasMaxLength(30);
    }
}
