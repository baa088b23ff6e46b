using Portal.Features.Notifications;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Notifications;

public sealed class NotificationServiceTests : IAsyncLifetime
{
    private TestDatabase _database = default!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task The_invited_supplier_is_notified_and_a_seen_notification_is_marked_read()
    {
        await TestAssessments.InvitedAsync(_database, await TestCallers.ForAsync(_database, TestCallers.Officer));
        var sam = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        var bea = await TestCallers.ForAsync(_database, TestCallers.OtherSupplier);
        var notifications = new NotificationService(_database, TimeProvider.System);

        var items = await notifications.ListAsync(sam);
        var marked = await notifications.MarkReadAsync(sam, items.Select(i => i.Id));

        Assert.Equal(1, marked.Value);
        var item = Assert.Single(items);
        Assert.Contains("invites Acme Clinical Systems Ltd to answer OAP-", item.Text, StringComparison.Ordinal);
        Assert.Equal(0, await notifications.UnreadCountAsync(sam));
        Assert.True((await notifications.ListAsync(sam)).Single().IsRead);
        Assert.Empty(await notifications.ListAsync(bea));
    }

    [Fact]
    public async Task Someone_cannot_mark_another_persons_notification_read()
    {
        await TestAssessments.InvitedAsync(_database, await TestCallers.ForAsync(_database, TestCallers.Officer));
        var sam = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        var olivia = await TestCallers.ForAsync(_database, TestCallers.Officer);
        var notifications = new NotificationService(_database, TimeProvider.System);

        var marked = await notifications.MarkReadAsync(olivia, (await notifications.ListAsync(sam)).Select(i => i.Id));

        Assert.True(marked.Succeeded);
        Assert.Equal(0, marked.Value);
        Assert.Equal(1, await notifications.UnreadCountAsync(sam));
    }
}
