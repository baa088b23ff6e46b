using Microsoft.EntityFrameworkCore;
using Portal.Data.Policy;
using Portal.Data.Seed;
using Portal.Data.Users;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Data;

public sealed class SeedingTests
{
    [Fact]
    public async Task Seeding_twice_keeps_the_data_and_adds_no_duplicates()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var db = database.CreateDbContext())
        {
            await PortalSeeder.SeedAsync(db, TestDatabase.SeededAt.AddDays(1), includeDemoData: true);
        }

        await using var check = database.CreateDbContext();
        Assert.Equal(1, await check.PolicyFrameworks.CountAsync());
        Assert.Equal(1, await check.FrameworkVersions.CountAsync());
        Assert.Equal(107, await check.PolicyRequirements.CountAsync());
        Assert.Equal(2, await check.NhsOrganisations.CountAsync());
        Assert.Equal(3, await check.Suppliers.CountAsync());
        Assert.Equal(7, await check.Users.CountAsync());
    }

    [Fact]
    public async Task Demo_data_has_a_person_of_every_role_linked_to_the_right_kind_of_organisation()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.CreateDbContext();

        var users = await db.Users.Include(u => u.NhsOrganisation).Include(u => u.Supplier).ToListAsync();

        Assert.All(PortalRoles.All, role => Assert.Contains(users, u => u.Role == role));
        Assert.All(users.Where(u => u.Role == PortalRoles.SupplierAccountManager), u => Assert.NotNull(u.Supplier));
        Assert.All(users.Where(u => u.Role != PortalRoles.SupplierAccountManager), u => Assert.NotNull(u.NhsOrganisation));
        Assert.All(await db.NhsOrganisations.ToListAsync(), o => Assert.Matches("^[A-Z0-9]{3,6}$", o.OdsCode));
    }

    [Fact]
    public async Task Without_demo_data_only_the_catalogue_is_seeded()
    {
        await using var database = await TestDatabase.CreateAsync(demoData: false);
        await using var db = database.CreateDbContext();

        Assert.Empty(await db.Users.ToListAsync());
        Assert.Empty(await db.NhsOrganisations.ToListAsync());
        var version = await db.FrameworkVersions.SingleAsync();
        Assert.Equal(FrameworkVersionStatus.Published, version.Status);
        Assert.Equal("2014-05", version.Label);
    }
}
