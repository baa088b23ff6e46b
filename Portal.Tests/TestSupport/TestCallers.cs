using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Users;

namespace Portal.Tests.TestSupport;

/// <summary>Callers for service tests, built from the seeded demo people so organisation links are real.</summary>
public static class TestCallers
{
    public const string Officer = "olivia.hart";
    public const string OtherOfficer = "priya.shah";
    public const string Supplier = "sam.okafor";
    public const string OtherSupplier = "bea.lindqvist";
    public const string Ccio = "chris.morgan";
    public const string Administrator = "ada.price";

    public static async Task<Caller> ForAsync(IDbContextFactory<PortalDbContext> contexts, string demoObjectId)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var user = await db.Users.AsNoTracking().Include(u => u.NhsOrganisation).Include(u => u.Supplier)
            .SingleAsync(u => u.ObjectId == demoObjectId);
        return new Caller(
            user.Id,
            user.DisplayName,
            user.Email,
            user.Role is null ? new HashSet<string>() : new HashSet<string> { user.Role },
            user.NhsOrganisationId,
            user.NhsOrganisation?.Name,
            user.NhsOrganisation?.OdsCode,
            user.SupplierId,
            user.Supplier?.Name);
    }

    public static Caller WithRole(string role, int userId = 999) =>
        new(userId, $"Test {role}", "test@example.org", new HashSet<string> { role }, null, null, null, null, null);
}
