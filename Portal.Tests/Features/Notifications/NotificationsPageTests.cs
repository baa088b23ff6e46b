using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Users;
using Portal.Features.Notifications;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Notifications;

/// <summary>Shown is seen, but only when a person sees it: a prerendered or prefetched page marks nothing read.</summary>
public sealed class NotificationsPageTests
{
    [Fact]
    public async Task Requesting_the_page_marks_nothing_read_until_it_is_live()
    {
        await using var factory = new PortalAppFactory();
        var contexts = factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await TestAssessments.InvitedAsync(contexts, await TestCallers.ForAsync(contexts, TestCallers.Officer));
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        using var client = factory.ClientFor(supplier.UserId, PortalRoles.SupplierAccountManager);

        using var response = await client.GetAsync(new Uri("/notifications", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("New: ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await new NotificationService(contexts, TimeProvider.System).UnreadCountAsync(supplier));
    }
}
