using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Scorecards;

internal sealed class AssessmentScoreConfiguration : IEntityTypeConfiguration<AssessmentScore>
{
    public void Configure(EntityTypeBuilder<AssessmentScore> builder)
    {
        builder.HasKey(s => s.AssessmentId);
        builder.Property(s => s.AssessmentId).ValueGeneratedNever();
        builder.Property(s => s.Rag).HasConversion<string>().HasMaxLength(10);
        builder.Property(s => s.OverallPercent).HasPrecision(5, 1);
        builder.HasOne(s => s.Assessment).WithOne(a => a.Score).HasForeignKey<AssessmentScore>(s => s.AssessmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
