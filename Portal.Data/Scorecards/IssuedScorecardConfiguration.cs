using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Data.Assessments;

namespace Portal.Data.Scorecards;

internal sealed class IssuedScorecardConfiguration : IEntityTypeConfiguration<IssuedScorecard>
{
    public void Configure(EntityTypeBuilder<IssuedScorecard> builder)
    {
        builder.Property(s => s.VerificationCode).HasMaxLength(64).IsFixedLength();
        builder.Property(s => s.PdfSha256).HasMaxLength(64).IsFixedLength();
        builder.Property(s => s.FrameworkName).HasMaxLength(200);
        builder.Property(s => s.FrameworkVersionLabel).HasMaxLength(50);
        builder.Property(s => s.Rag).HasMaxLength(10);
        builder.Property(s => s.OverallPercent).HasPrecision(5, 1);
        builder.Property(s => s.AssessmentStatus).HasMaxLength(30);
        builder.Property(s => s.IssuedByName).HasMaxLength(200);
        builder.HasIndex(s => s.VerificationCode).IsUnique();
        builder.HasIndex(s => s.PdfSha256).IsUnique();
        builder.HasIndex(s => s.AssessmentId);
        builder.HasOne<Assessment>().WithMany().HasForeignKey(s => s.AssessmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
