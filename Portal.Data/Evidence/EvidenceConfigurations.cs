using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Assessments;
using Portal.Data.SignOffs;

namespace Portal.Data.Evidence;

internal sealed class RequirementResponseConfiguration : IEntityTypeConfiguration<RequirementResponse>
{
    public void Configure(EntityTypeBuilder<RequirementResponse> builder)
    {
        builder.Ignore(r => r.IsAnswered);
        builder.Property(r => r.Claim).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Narrative).HasMaxLength(8000);
        builder.Property(r => r.NotApplicableJustification).HasMaxLength(4000);
        builder.Property(r => r.Plan).HasMaxLength(4000);
        builder.Property(r => r.UpdatedByName).HasMaxLength(200);
        builder.Property(r => r.ClosureState).HasConversion<string>().HasMaxLength(20).HasDefaultValue(ClosureState.Open);
        builder.Property(r => r.ClosureNote).HasMaxLength(4000);
        builder.Property(r => r.ClosureLink).HasMaxLength(500);
        builder.Property(r => r.ClosureMarkedBy).HasMaxLength(200);
        builder.Property(r => r.ClosureDecidedBy).HasMaxLength(200);
        builder.Property(r => r.ClosureSentBackReason).HasMaxLength(2000);
        builder.Property(r => r.ReopenedReason).HasMaxLength(2000);
        builder.Property(r => r.ConcurrencyStamp).IsConcurrencyToken();
        builder.HasIndex(r => r.AssessmentRequirementId).IsUnique();
        // Also finds an organisation's plans whose date has passed (the dashboard) without reading every answer.
        builder.HasIndex(r => new { r.AssessmentId, r.Claim, r.PlannedDate });
        builder.HasOne<AssessmentRequirement>().WithMany().HasForeignKey(r => r.AssessmentRequirementId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Assessment>().WithMany().HasForeignKey(r => r.AssessmentId).OnDelete(DeleteBehavior.NoAction);
        builder.HasMany(r => r.Evidence).WithOne().HasForeignKey(e => e.RequirementResponseId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EvidenceItemConfiguration : IEntityTypeConfiguration<EvidenceItem>
{
    public void Configure(EntityTypeBuilder<EvidenceItem> builder)
    {
        builder.Ignore(e => e.IsDocument);
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(40);
        builder.Property(e => e.Title).HasMaxLength(300);
        builder.Property(e => e.Url).HasMaxLength(2000);
        builder.Property(e => e.StoredName).HasMaxLength(100);
        builder.Property(e => e.FileName).HasMaxLength(255);
        builder.Property(e => e.ContentType).HasMaxLength(150);
        builder.Property(e => e.Sha256).HasMaxLength(64);
        // Also finds an organisation's evidence expiring or expired (the dashboard) by date range per assessment.
        builder.HasIndex(e => new { e.AssessmentId, e.ValidUntil });
        // Removing a document asks whether any other row names its file, and the evidence sweep matches files to rows.
        builder.HasIndex(e => e.StoredName);
        builder.HasOne<Assessment>().WithMany().HasForeignKey(e => e.AssessmentId).OnDelete(DeleteBehavior.NoAction);
    }
}

internal sealed class LinkCheckConfiguration : IEntityTypeConfiguration<LinkCheck>
{
    public void Configure(EntityTypeBuilder<LinkCheck> builder)
    {
        builder.Property(c => c.Outcome).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Reason).HasMaxLength(20);
        builder.Property(c => c.Summary).HasMaxLength(1000);
        builder.Property(c => c.Sha256).HasMaxLength(64);
        builder.Property(c => c.ContentType).HasMaxLength(150);
        builder.Property(c => c.FinalUrl).HasMaxLength(2000);
        builder.Property(c => c.Drift).HasMaxLength(500);
        // The latest checks of an item (history, current result) and the queue (pending, unclaimed).
        builder.HasIndex(c => new { c.EvidenceItemId, c.RequestedAt });
        // The latest finished checks of an item: drift is worked out against them on every check.
        builder.HasIndex(c => new { c.EvidenceItemId, c.CheckedAt });
        builder.HasIndex(c => new { c.AssessmentId, c.Outcome });
        builder.HasIndex(c => new { c.Outcome, c.StartedAt });
        builder.HasOne<EvidenceItem>().WithMany().HasForeignKey(c => c.EvidenceItemId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Assessment>().WithMany().HasForeignKey(c => c.AssessmentId).OnDelete(DeleteBehavior.NoAction);
    }
}
