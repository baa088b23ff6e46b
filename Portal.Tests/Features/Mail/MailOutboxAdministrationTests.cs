using Microsoft.EntityFrameworkCore;
using Portal.Data.Mail;
using Portal.Features;
using Portal.Features.Mail;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Mail;

/// <summary>
/// What administrators see of the outbox after a mail server was down for a day: every failed mail, a page at a time
/// with the true total, and one act that sends every stopped mail again (real SQLite, real migrations).
/// </summary>
public sealed class MailOutboxAdministrationTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private MailService _mail = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _mail = new MailService(_database, TimeProvider.System);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Failed_mail_is_listed_a_page_at_a_time_with_the_true_total_and_a_page_past_the_end_shows_the_last()
    {
        await OutboxAsync(60, OutboxStatus.DeadLettered);
        await OutboxAsync(3, OutboxStatus.Pending, error: "Connection refused");
        await OutboxAsync(4, OutboxStatus.Pending);
        var admin = await TestCallers.ForAsync(_database, TestCallers.Administrator);

        var first = await _mail.ListProblemsAsync(admin);
        var last = await _mail.ListProblemsAsync(admin, page: 3);
        var past = await _mail.ListProblemsAsync(admin, page: 99);
        var waiting = await _mail.ListWaitingAsync(admin);

        Assert.Equal((63, 1, MailService.PageSize), (first.Total, first.Page, first.Rows.Count));
        Assert.All(first.Rows, r => Assert.Equal(OutboxStatus.DeadLettered, r.Status));
        Assert.Equal((3, 13), (last.Page, last.Rows.Count));
        Assert.Equal(3, last.Rows.Count(r => r.Status == OutboxStatus.Pending));
        Assert.Equal((3, 13), (past.Page, past.Rows.Count));
        Assert.Empty(first.Rows.Select(r => r.Id).Intersect(last.Rows.Select(r => r.Id)));
        Assert.Equal(7, waiting.Total);
    }

    [Fact]
    public async Task Sending_every_stopped_mail_again_puts_back_only_dead_letters_and_is_audited_once()
    {
        var dead = await OutboxAsync(3, OutboxStatus.DeadLettered);
        var sent = await OutboxAsync(1, OutboxStatus.Sent);
        var sending = await OutboxAsync(1, OutboxStatus.Sending, error: "Timed out");
        var admin = await TestCallers.ForAsync(_database, TestCallers.Administrator);

        var resent = await _mail.ResendStoppedAsync(admin);
        var again = await _mail.ResendStoppedAsync(admin);

        Assert.True(resent.Succeeded, resent.Message);
        Assert.Equal("3 stopped mails will be sent again.", resent.Message);
        Assert.True(again.Succeeded);
        Assert.Equal("No mail had stopped: there was nothing to send again.", again.Message);
        await using var db = _database.CreateDbContext();
        var rows = await db.OutboxMessages.AsNoTracking().ToDictionaryAsync(m => m.Id);
        Assert.All(dead, id => Assert.Equal((OutboxStatus.Pending, 0), (rows[id].Status, rows[id].Attempts)));
        Assert.Equal(OutboxStatus.Sent, rows[sent[0]].Status);
        Assert.Equal(OutboxStatus.Sending, rows[sending[0]].Status);
        var audit = Assert.Single(await db.AuditEvents.Where(e => e.Action == "MailResent").ToListAsync());
        Assert.Contains("3 stopped mails", audit.Summary, StringComparison.Ordinal);
        Assert.Equal($"mail {string.Join(", ", dead)}", audit.After);
    }

    [Fact]
    public async Task Sending_every_stopped_mail_again_leaves_mail_to_turned_off_accounts_and_closed_invitations_stopped()
    {
        var admin = await TestCallers.ForAsync(_database, TestCallers.Administrator);
        var supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        var assessment = await TestAssessments.InvitedAsync(_database, officer, supplier.Email, supplier.SupplierName!);
        await using (var setup = _database.CreateDbContext())
        {
            var person = await setup.Users.SingleAsync(u => u.Id == supplier.UserId);
            person.IsActive = false;
            var invitation = await setup.SupplierInvitations.FirstAsync(i => i.AssessmentId == assessment);
            invitation.Status = Portal.Data.Assessments.InvitationStatus.Revoked;
            setup.SupplierInvitations.Add(new Portal.Data.Assessments.SupplierInvitation
            {
                AssessmentId = assessment, Email = "new.manager@acme-clinical.example", TokenHash = "open-invitation", InvitedAt = DateTime.UtcNow,
                InvitedByUserId = officer.UserId,
            });
            await setup.SaveChangesAsync();
            var now = DateTime.UtcNow;
            setup.OutboxMessages.AddRange(
                Dead("toInactive", MailKind.Update, supplier.UserId),
                Dead($"invitation:{invitation.TokenHash}", MailKind.Invitation, null),
                Dead("invitation:open-invitation", MailKind.Invitation, null),
                Dead("toNobodyInParticular", MailKind.Update, null));
            await setup.SaveChangesAsync();
        }

        var resent = await _mail.ResendStoppedAsync(admin);

        Assert.Equal(2, resent.Value);
        Assert.Equal("2 stopped mails will be sent again. 2 stopped mails were left stopped: the recipient's account is turned off or the invitation is no longer open.", resent.Message);
        await using var db = _database.CreateDbContext();
        var statuses = await db.OutboxMessages.Where(m => m.ToAddress.EndsWith("@example.nhs.uk")).ToDictionaryAsync(m => m.Key, m => m.Status);
        Assert.Equal(OutboxStatus.DeadLettered, statuses["toInactive"]);
        Assert.Equal(OutboxStatus.Pending, statuses["invitation:open-invitation"]);
        Assert.Equal(OutboxStatus.Pending, statuses["toNobodyInParticular"]);
        Assert.Equal(1, statuses.Count(s => s.Key.StartsWith("invitation:", StringComparison.Ordinal) && s.Value == OutboxStatus.DeadLettered));

        static OutboxMessage Dead(string key, MailKind kind, int? userId) => new()
        {
            Key = key, ToAddress = $"{key}@example.nhs.uk", UserId = userId, Kind = kind, Subject = key, Text = "Something changed.",
            Status = OutboxStatus.DeadLettered, Attempts = 8, CreatedAt = DateTime.UtcNow, NextAttemptAt = DateTime.UtcNow, LastError = "550 Mailbox unavailable",
        };
    }

    [Fact]
    public async Task Only_an_administrator_sees_or_resends_the_outbox()
    {
        await OutboxAsync(2, OutboxStatus.DeadLettered);
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);

        Assert.Equal(0, (await _mail.ListProblemsAsync(officer)).Total);
        Assert.Empty((await _mail.ListWaitingAsync(officer)).Rows);
        Assert.Equal(OutcomeKind.Forbidden, (await _mail.ResendStoppedAsync(officer)).Kind);
        await using var db = _database.CreateDbContext();
        Assert.Equal(2, await db.OutboxMessages.CountAsync(m => m.Status == OutboxStatus.DeadLettered));
    }

    private async Task<long[]> OutboxAsync(int count, OutboxStatus status, string? error = null)
    {
        await using var db = _database.CreateDbContext();
        var now = DateTime.UtcNow;
        var messages = Enumerable.Range(0, count).Select(i => new OutboxMessage
        {
            Key = $"test:{Guid.NewGuid():N}", ToAddress = $"person{i}@example.nhs.uk", Kind = MailKind.Update, Subject = $"Update {i}",
            Text = "Something changed.", Status = status, Attempts = status == OutboxStatus.DeadLettered ? 8 : error is null ? 0 : 2,
            CreatedAt = now, NextAttemptAt = now,
            LastError = status == OutboxStatus.DeadLettered ? "550 Mailbox unavailable" : error,
            SentAt = status == OutboxStatus.Sent ? now : null,
        }).ToList();
        db.OutboxMessages.AddRange(messages);
        await db.SaveChangesAsync();
        return messages.Select(m => m.Id).ToArray();
    }
}
