using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Data.Dashboards;

internal sealed class OrganisationDashboardConfiguration : IEntityTypeConfiguration<OrganisationDashboard>
{
    public void Configure(EntityTypeBuilder<OrganisationDashboard> builder)
    {
        builder.HasKey(d => d.NhsOrganisationId);
        builder.Property(d => d.NhsOrganisationId).ValueGeneratedNever();
        builder.HasOne(d => d.NhsOrganisation).WithOne().HasForeignKey<OrganisationDashboard>(d => d.NhsOrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
