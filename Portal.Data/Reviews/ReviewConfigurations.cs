using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Assessments;
using Portal.Data.Notifications;
using Portal.Data.SignOffs;

namespace Portal.Data.Reviews;

internal sealed class ReviewDecisionConfiguration : IEntityTypeConfiguration<ReviewDecision>
{
    public void Configure(EntityTypeBuilder<ReviewDecision> builder)
    {
        builder.Property(d => d.Outcome).HasConversion<string>().HasMaxLength(30);
        builder.Property(d => d.Note).HasMaxLength(4000);
        builder.Property(d => d.DecidedByName).HasMaxLength(200);
        builder.HasIndex(d => d.AssessmentRequirementId).IsUnique();
        builder.HasIndex(d => d.AssessmentId);
        builder.HasOne<AssessmentRequirement>().WithMany().HasForeignKey(d => d.AssessmentRequirementId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Assessment>().WithMany().HasForeignKey(d => d.AssessmentId).OnDelete(DeleteBehavior.NoAction);
    }
}

internal sealed class RequirementCommentConfiguration : IEntityTypeConfiguration<RequirementComment>
{
    public void Configure(EntityTypeBuilder<RequirementComment> builder)
    {
        builder.Property(c => c.AuthorName).HasMaxLength(200);
        builder.Property(c => c.Text).HasMaxLength(4000);
        builder.HasIndex(c => new { c.AssessmentId, c.AssessmentRequirementId });
        builder.HasOne<AssessmentRequirement>().WithMany().HasForeignKey(c => c.AssessmentRequirementId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Assessment>().WithMany().HasForeignKey(c => c.AssessmentId).OnDelete(DeleteBehavior.NoAction);
    }
}

internal sealed class SignOffConfiguration : IEntityTypeConfiguration<SignOff>
{
    public void Configure(EntityTypeBuilder<SignOff> builder)
    {
        builder.Property(s => s.Decision).HasConversion<string>().HasMaxLength(30);
        builder.Property(s => s.SignedByName).HasMaxLength(200);
        builder.Property(s => s.SignedByRole).HasMaxLength(50);
        builder.Property(s => s.HazardLogReference).HasMaxLength(200);
        builder.Property(s => s.ClinicalSafetyNotes).HasMaxLength(4000);
        builder.Property(s => s.Reasons).HasMaxLength(4000);
        builder.Property(s => s.RedApprovalReason).HasMaxLength(4000);
        builder.Property(s => s.Attestation).HasMaxLength(2000);
        builder.Property(s => s.Seal).HasMaxLength(64);
        builder.Property(s => s.VoidReason).HasMaxLength(2000);
        builder.HasIndex(s => s.AssessmentId);
        builder.HasOne<Assessment>().WithMany().HasForeignKey(s => s.AssessmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(s => s.Conditions).WithOne().HasForeignKey(c => c.SignOffId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SignOffConditionConfiguration : IEntityTypeConfiguration<SignOffCondition>
{
    public void Configure(EntityTypeBuilder<SignOffCondition> builder)
    {
        builder.Property(c => c.Text).HasMaxLength(2000);
        builder.Property(c => c.Owner).HasMaxLength(200);
        builder.Property(c => c.OwnerParty).HasConversion<string>().HasMaxLength(20).HasDefaultValue(FollowUpParty.Organisation);
        builder.HasOne<Users.PortalUser>().WithMany().HasForeignKey(c => c.OwnerUserId).OnDelete(DeleteBehavior.NoAction);
        builder.Property(c => c.ClosureState).HasConversion<string>().HasMaxLength(20).HasDefaultValue(ClosureState.Open);
        builder.Property(c => c.ClosureNote).HasMaxLength(4000);
        builder.Property(c => c.ClosureLink).HasMaxLength(500);
        builder.Property(c => c.ClosureMarkedBy).HasMaxLength(200);
        builder.Property(c => c.ClosureDecidedBy).HasMaxLength(200);
        builder.Property(c => c.ClosureSentBackReason).HasMaxLength(2000);
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> builder)
    {
        builder.Property(n => n.Text).HasMaxLength(500);
        builder.Property(n => n.Link).HasMaxLength(300);
        builder.HasIndex(n => new { n.UserId, n.ReadAt });
        builder.Property(n => n.EventKey).HasMaxLength(200);
        // One notification per person and event, whichever instance writes it. A null key (an ordinary update) is never
        // unique: SQLite allows many nulls in a unique index, and SQL Server's index is filtered to non-null keys.
        builder.HasIndex(n => new { n.UserId, n.EventKey }).IsUnique();
    }
}
