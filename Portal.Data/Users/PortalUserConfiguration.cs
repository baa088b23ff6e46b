using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Users;

internal sealed class PortalUserConfiguration : IEntityTypeConfiguration<PortalUser>
{
    public void Configure(EntityTypeBuilder<PortalUser> builder)
    {
        builder.Property(u => u.TenantId).HasMaxLength(64);
        builder.Property(u => u.ObjectId).HasMaxLength(64);
        builder.HasIndex(u => new { u.TenantId, u.ObjectId }).IsUnique();
        builder.Property(u => u.DisplayName).HasMaxLength(200);
        builder.Property(u => u.Email).HasMaxLength(320);
        builder.Property(u => u.Role).HasMaxLength(50);
        builder.Property(u => u.ConcurrencyStamp).IsConcurrencyToken();
        builder.HasOne(u => u.NhsOrganisation).WithMany().OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(u => u.Supplier).WithMany().OnDelete(DeleteBehavior.Restrict);
        builder.ToTable(t => t.HasCheckConstraint(
            "CK_PortalUsers_OneAffiliation", "\"NhsOrganisationId\" IS NULL OR \"SupplierId\" IS NULL"));
    }
}
