using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Assessments;

internal sealed class AssessmentConfiguration : IEntityTypeConfiguration<Assessment>
{
    public void Configure(EntityTypeBuilder<Assessment> builder)
    {
        builder.Ignore(a => a.Reference);
        builder.Property(a => a.Status).HasConversion<string>().HasMaxLength(30);
        builder.Property(a => a.Route).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.SystemName).HasMaxLength(200);
        builder.Property(a => a.ProductName).HasMaxLength(200);
        builder.Property(a => a.ProductVersion).HasMaxLength(50);
        builder.Property(a => a.Description).HasMaxLength(4000);
        builder.Property(a => a.ProcurementReference).HasMaxLength(100);
        builder.Property(a => a.WithdrawnReason).HasMaxLength(2000);
        builder.Property(a => a.ConcurrencyStamp).IsConcurrencyToken();
        builder.HasOne(a => a.NhsOrganisation).WithMany().OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(a => a.Supplier).WithMany().OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(a => a.FrameworkVersion).WithMany().OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(a => a.Functions).WithOne().HasForeignKey(f => f.AssessmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.Requirements).WithOne().HasForeignKey(r => r.AssessmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(a => a.Invitations).WithOne(i => i.Assessment).HasForeignKey(i => i.AssessmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => new { a.NhsOrganisationId, a.Status });
        builder.HasIndex(a => new { a.SupplierId, a.Status });
        builder.HasIndex(a => a.ProcurementReference);
        builder.HasOne<Assessment>().WithMany().HasForeignKey(a => a.ReassessesAssessmentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Products.ProductVersion>().WithMany().HasForeignKey(a => a.ProductVersionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SignificantFunctionConfiguration : IEntityTypeConfiguration<SignificantFunction>
{
    public void Configure(EntityTypeBuilder<SignificantFunction> builder)
    {
        builder.Property(f => f.Name).HasMaxLength(200);
        builder.Property(f => f.Description).HasMaxLength(2000);
        builder.Property(f => f.ApiOperation).HasMaxLength(500);
        builder.Property(f => f.DocumentationUrl).HasMaxLength(2000);
        builder.Property(f => f.ConcurrencyStamp).IsConcurrencyToken();
    }
}

internal sealed class AssessmentRequirementConfiguration : IEntityTypeConfiguration<AssessmentRequirement>
{
    public void Configure(EntityTypeBuilder<AssessmentRequirement> builder)
    {
        builder.Property(r => r.Code).HasMaxLength(20);
        builder.Property(r => r.Standing).HasConversion<string>().HasMaxLength(30);
        builder.Property(r => r.Reason).HasMaxLength(1000);
        builder.Property(r => r.ExclusionJustification).HasMaxLength(2000);
        builder.HasIndex(r => new { r.AssessmentId, r.Code }).IsUnique();
        builder.HasOne(r => r.PolicyRequirement).WithMany().OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SupplierInvitationConfiguration : IEntityTypeConfiguration<SupplierInvitation>
{
    public void Configure(EntityTypeBuilder<SupplierInvitation> builder)
    {
        builder.Property(i => i.Email).HasMaxLength(320);
        builder.Property(i => i.TokenHash).HasMaxLength(64);
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.HasIndex(i => i.Email);
        builder.Property(i => i.Status).HasConversion<string>().HasMaxLength(20);
    }
}
