using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Register;

internal sealed class RegisterPublicationConfiguration : IEntityTypeConfiguration<RegisterPublication>
{
    public void Configure(EntityTypeBuilder<RegisterPublication> builder)
    {
        builder.HasOne(p => p.Assessment).WithMany().HasForeignKey(p => p.AssessmentId).OnDelete(DeleteBehavior.Cascade);
        // One active publication per assessment, held by the database: two people publishing at once cannot both insert.
        // Square brackets quote the column on both providers (SQLite accepts them).
        builder.HasIndex(p => p.AssessmentId).IsUnique().HasFilter("[WithdrawnAt] IS NULL").HasDatabaseName("IX_RegisterPublications_ActiveAssessment");
        builder.HasIndex(p => new { p.WithdrawnAt, p.AssessmentId });
        // Withdrawing updates only a publication still active, so two withdrawals at once record one (the other is stale).
        builder.Property(p => p.WithdrawnAt).IsConcurrencyToken();
    }
}
