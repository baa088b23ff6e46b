using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Users;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Auth;

public sealed class PortalUserSyncTests : IAsyncLifetime
{
    private TestDatabase _database = default!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(demoData: false);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_first_entra_id_sign_in_creates_an_unlinked_record_and_records_it()
    {
        var sync = new PortalUserSync(_database, TimeProvider.System);

        var userId = await sync.SyncAsync("tenant-1", "object-1", "Jo Bloggs", "jo.bloggs@nhs.net", PortalRoles.ProcurementOfficer);

        await using var db = _database.CreateDbContext();
        var user = await db.Users.SingleAsync(u => u.Id == userId);
        Assert.Null(user.NhsOrganisationId);
        Assert.Null(user.SupplierId);
        Assert.Equal(PortalRoles.ProcurementOfficer, user.Role);
        Assert.Single(await db.AuditEvents.Where(e => e.Action == "UserFirstSignedIn").ToListAsync());
    }

    [Fact]
    public async Task A_later_sign_in_updates_the_same_record()
    {
        var sync = new PortalUserSync(_database, TimeProvider.System);
        var first = await sync.SyncAsync("tenant-1", "object-1", "Jo Bloggs", "jo.bloggs@nhs.net", null);

        var second = await sync.SyncAsync("tenant-1", "object-1", "Jo Bloggs-Smith", "jo.smith@nhs.net", PortalRoles.CcioReviewer);

        Assert.Equal(first, second);
        await using var db = _database.CreateDbContext();
        var user = await db.Users.SingleAsync();
        Assert.Equal("Jo Bloggs-Smith", user.DisplayName);
        Assert.Equal(PortalRoles.CcioReviewer, user.Role);
    }

    [Fact]
    public async Task A_deactivated_person_gets_no_portal_identity()
    {
        var sync = new PortalUserSync(_database, TimeProvider.System);
        var userId = await sync.SyncAsync("tenant-1", "object-1", "Jo Bloggs", "jo@nhs.net", null);
        await using (var db = _database.CreateDbContext())
        {
            var user = await db.Users.SingleAsync(u => u.Id == userId);
            user.IsActive = false;
            await db.SaveChangesAsync();
        }

        Assert.Null(await sync.SyncAsync("tenant-1", "object-1", "Jo Bloggs", "jo@nhs.net", null));
    }
}
