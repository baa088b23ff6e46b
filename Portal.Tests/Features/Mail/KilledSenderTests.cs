using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Mail;
using Portal.Data.Users;
using Portal.Features.Mail;
using Portal.Features.Notifications;
using Portal.Hosting;
using Portal.Tests.Features.Dashboards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Mail;

/// <summary>
/// The real portal as a process, killed (SIGKILL, no shutdown) while its mail worker is in the middle of a batch: two
/// mails accepted by the relay, a third taken by the relay and not yet answered. Another sender on the same database
/// then delivers the rest through smtp4dev.
/// </summary>
/// <remarks>
/// The guarantee this shows: a mail the relay acknowledged before the kill is recorded as sent and never sent again; the
/// one in flight at the kill (sent, no reply yet) is sent again once its claim lapses, so its delivery is at least once:
/// if the relay had in fact delivered it, its recipient gets it twice. Nothing is lost.
/// </remarks>
public sealed class KilledSenderTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("portal-killed-sender").FullName;
    private DbContextFactory _database = default!;

    private string DatabasePath => Path.Combine(_directory, "portal.db");

    public Task InitializeAsync()
    {
        _database = new DbContextFactory(DatabasePath);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_sender_killed_mid_batch_loses_no_mail_and_does_not_send_again_what_the_relay_acknowledged()
    {
        _ = TestSmtp.Server; // fails at once, with how to start it, when smtp4dev is not running
        await using var relay = new StallingSmtpServer(accept: 2);
        var addresses = new List<string>();
        await using (var portal = await PortalProcess.StartAsync(DatabasePath, _directory, "killed", new Dictionary<string, string>
        {
            ["Mail__Transport"] = "Smtp",
            ["Mail__Smtp__Host"] = "127.0.0.1",
            ["Mail__Smtp__Port"] = relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Mail__Smtp__Security"] = "None",
            ["Mail__PollSeconds"] = "1",
            ["Portal__BaseUrl"] = "http://portal.test",
        }))
        {
            // Five mails committed at once, so the worker's next round takes them as one batch.
            addresses.AddRange(await WriteMailsAsync(5));
            try
            {
                await relay.Stalled.WaitAsync(TimeSpan.FromMinutes(2));
            }
            catch (TimeoutException)
            {
                Assert.Fail($"The portal did not reach the third mail within 2 minutes; it accepted {relay.Accepted.Count}. Its output:\n{portal.Output}");
            }

            await portal.KillAsync();
        }

        var acknowledged = relay.Accepted.ToList();
        var inFlight = await relay.Stalled;
        Dictionary<string, OutboxStatus> atTheKill;
        await using (var db = _database.CreateDbContext())
        {
            atTheKill = await db.OutboxMessages.AsNoTracking().Where(m => addresses.Contains(m.ToAddress)).ToDictionaryAsync(m => m.ToAddress, m => m.Status);
        }

        // A second sender on the same database, working relay. Its clock is past the killed sender's claim on the mail in
        // flight (Mail:ClaimLength, at least a minute), as a later round would be, so the test need not wait for it.
        var later = new MovableClock();
        later.MoveForward(TimeSpan.FromMinutes(2));
        var round = await SecondSender(later).SendDueAsync("second-sender", CancellationToken.None);

        Assert.Equal(2, acknowledged.Count);
        Assert.All(acknowledged, a => Assert.Contains(a, addresses));
        Assert.Contains(inFlight, addresses);
        Assert.All(acknowledged, a => Assert.Equal(OutboxStatus.Sent, atTheKill[a]));
        Assert.Equal(OutboxStatus.Sending, atTheKill[inFlight]);
        Assert.Equal(3, round.Sent);
        await using var after = _database.CreateDbContext();
        var rows = await after.OutboxMessages.AsNoTracking().Include(m => m.AttemptLog).Where(m => addresses.Contains(m.ToAddress)).ToListAsync();
        Assert.All(rows, r => Assert.Equal(OutboxStatus.Sent, r.Status));
        foreach (var address in addresses)
        {
            var row = rows.Single(r => r.ToAddress == address);
            var attempt = Assert.Single(row.AttemptLog);
            Assert.True(attempt.Succeeded);
            Assert.Equal(1, row.Attempts);
            if (acknowledged.Contains(address))
            {
                // Sent by the killed instance and recorded before it died: not sent again.
                Assert.NotEqual("second-sender", attempt.By);
                Assert.Empty(await TestSmtp.ForAsync(address));
            }
            else
            {
                // The one in flight (its killed attempt left only a claim that lapsed, no record) and the ones not reached.
                Assert.Equal("second-sender", attempt.By);
                Assert.Single(await TestSmtp.ForAsync(address));
            }
        }
    }

    private async Task<List<string>> WriteMailsAsync(int count)
    {
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        var people = new List<PortalUser>();
        await using (var db = _database.CreateDbContext())
        {
            for (var i = 0; i < count; i++)
            {
                people.Add(new PortalUser
                {
                    TenantId = "test", ObjectId = Guid.NewGuid().ToString("N"), DisplayName = $"Killed sender test person {i + 1}",
                    Email = TestSmtp.UniqueAddress($"killed{i + 1}"), Role = PortalRoles.ProcurementOfficer, NhsOrganisationId = officer.NhsOrganisationId,
                    CreatedAt = DateTime.UtcNow,
                });
            }

            db.Users.AddRange(people);
            await db.SaveChangesAsync();
        }

        await using (var db = _database.CreateDbContext())
        {
            foreach (var person in people)
            {
                // About no assessment, so nothing else (an assessment's own notices) goes to the relay first.
                await NotificationService.NotifyUsersAsync(db, DateTime.UtcNow, null, "Sign-off condition 2 is overdue.", "/notifications", [person.Id],
                    CancellationToken.None, NotificationKind.Overdue);
            }

            await db.SaveChangesAsync();
        }

        return people.ConvertAll(p => p.Email.ToLowerInvariant());
    }

    private OutboxSender SecondSender(TimeProvider clock)
    {
        var options = new MailOptions
        {
            Transport = MailTransport.Smtp, Smtp = new SmtpSettings { Host = TestSmtp.Server.Host, Port = TestSmtp.Server.Port, Security = SmtpSecurity.None },
        };
        var environment = new HostingEnvironment { EnvironmentName = "Development" };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Portal:BaseUrl"] = "http://portal.test" }).Build();
        return new OutboxSender(_database, new MailTransports(Options.Create(options), environment), new EphemeralDataProtectionProvider(),
            new PortalAddress(configuration, environment, NullLogger<PortalAddress>.Instance), clock, Options.Create(options), NullLogger<OutboxSender>.Instance);
    }

    private sealed class DbContextFactory(string path) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext()
        {
            var builder = new DbContextOptionsBuilder<PortalDbContext>();
            DatabaseSetup.Configure(builder, new DatabaseOptions { Provider = DatabaseProvider.Sqlite, ConnectionString = $"Data Source={path}" });
            return new PortalDbContext(builder.Options);
        }
    }
}
