using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Organisations;

internal sealed class NhsOrganisationConfiguration : IEntityTypeConfiguration<NhsOrganisation>
{
    public void Configure(EntityTypeBuilder<NhsOrganisation> builder)
    {
        builder.Property(o => o.OdsCode).HasMaxLength(10);
        builder.HasIndex(o => o.OdsCode).IsUnique();
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.Kind).HasConversion<string>().HasMaxLength(30);
        builder.Property(o => o.ConcurrencyStamp).IsConcurrencyToken();
        // Removing an ICB that still has members is refused rather than quietly orphaning them.
        builder.HasOne(o => o.Parent).WithMany().HasForeignKey(o => o.ParentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SupplierConfiguration : IEntityTypeConfiguration<Supplier>
{
    public void Configure(EntityTypeBuilder<Supplier> builder)
    {
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.HasIndex(s => s.Name).IsUnique();
        builder.Property(s => s.CompanyNumber).HasMaxLength(20);
    }
}
