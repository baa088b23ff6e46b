using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.EvidencePacks;

internal sealed class EvidencePackConfiguration : IEntityTypeConfiguration<EvidencePack>
{
    public void Configure(EntityTypeBuilder<EvidencePack> builder)
    {
        builder.Property(p => p.ConcurrencyStamp).IsConcurrencyToken();
        builder.HasIndex(p => new { p.ProductVersionId, p.FrameworkVersionId }).IsUnique();
        builder.HasOne(p => p.ProductVersion).WithMany().HasForeignKey(p => p.ProductVersionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(p => p.FrameworkVersion).WithMany().HasForeignKey(p => p.FrameworkVersionId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(p => p.Answers).WithOne().HasForeignKey(a => a.EvidencePackId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(p => p.Shares).WithOne().HasForeignKey(s => s.EvidencePackId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EvidencePackAnswerConfiguration : IEntityTypeConfiguration<EvidencePackAnswer>
{
    public void Configure(EntityTypeBuilder<EvidencePackAnswer> builder)
    {
        builder.Ignore(a => a.HasAnswer);
        builder.Property(a => a.Code).HasMaxLength(20);
        builder.Property(a => a.Claim).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.Narrative).HasMaxLength(8000);
        builder.Property(a => a.NotApplicableJustification).HasMaxLength(4000);
        builder.Property(a => a.Plan).HasMaxLength(4000);
        builder.Property(a => a.UpdatedByName).HasMaxLength(200);
        builder.HasIndex(a => new { a.EvidencePackId, a.Code }).IsUnique();
        builder.HasMany(a => a.Evidence).WithOne().HasForeignKey(e => e.EvidencePackAnswerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EvidencePackItemConfiguration : IEntityTypeConfiguration<EvidencePackItem>
{
    public void Configure(EntityTypeBuilder<EvidencePackItem> builder)
    {
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(40);
        builder.Property(e => e.Title).HasMaxLength(300);
        builder.Property(e => e.Url).HasMaxLength(2000);
        builder.Property(e => e.StoredName).HasMaxLength(100);
        builder.Property(e => e.FileName).HasMaxLength(255);
        builder.Property(e => e.ContentType).HasMaxLength(150);
        builder.Property(e => e.Sha256).HasMaxLength(64);
        builder.HasIndex(e => e.EvidencePackId);
        builder.HasIndex(e => e.StoredName);
    }
}

internal sealed class EvidencePackShareConfiguration : IEntityTypeConfiguration<EvidencePackShare>
{
    public void Configure(EntityTypeBuilder<EvidencePackShare> builder)
    {
        builder.Ignore(s => s.IsActive);
        builder.HasIndex(s => new { s.EvidencePackId, s.NhsOrganisationId });
        builder.HasIndex(s => new { s.NhsOrganisationId, s.WithdrawnAt });
        builder.HasOne(s => s.NhsOrganisation).WithMany().HasForeignKey(s => s.NhsOrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}
