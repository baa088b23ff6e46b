using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Mail;
using Portal.Data.Users;
using Portal.Features.Assessments;
using Portal.Features.Mail;
using Portal.Features.Notifications;
using Portal.Tests.Features.Dashboards;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Mail;

/// <summary>One portal sending through the real smtp4dev for the whole class; each test mails its own addresses.</summary>
public sealed class MailDeliveryFixture : IAsyncLifetime
{
    public ConcurrentQueue<string> Logs { get; } = new();

    public PortalAppFactory Factory { get; private set; } = default!;

    public Task InitializeAsync()
    {
        Factory = new PortalAppFactory(settings: TestSmtp.Settings("http://portal.test"),
            configureServices: services => services.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(Logs)));
        _ = Factory.Services;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    public T Get<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(logs);

        public void Dispose()
        {
        }

        private sealed class Capturing(ConcurrentQueue<string> logs) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue($"{formatter(state, exception)} {exception}");
        }
    }
}

public sealed partial class MailDeliveryTests(MailDeliveryFixture portal) : IClassFixture<MailDeliveryFixture>
{
    private IDbContextFactory<PortalDbContext> Contexts => portal.Get<IDbContextFactory<PortalDbContext>>();

    [Fact]
    public async Task Inviting_a_supplier_e_mails_a_one_time_link_that_accepts_the_invitation_and_is_never_logged_or_stored()
    {
        var officer = await TestCallers.ForAsync(Contexts, TestCallers.Officer);
        var id = await TestAssessments.ConfirmedAsync(Contexts, officer);
        var address = TestSmtp.UniqueAddress("invited");
        using (var scope = portal.Factory.Services.CreateScope())
        {
            var invited = await scope.ServiceProvider.GetRequiredService<InvitationService>().InviteAsync(officer, id, address);
            Assert.True(invited.Succeeded, invited.Message);
        }

        await portal.Get<MailWorker>().RunOnceAsync();

        var mail = Assert.Single(await TestSmtp.ForAsync(address));
        Assert.Equal($"You are invited to answer OAP-{id:D5} ({await SystemNameAsync(id)})", mail.Subject);
        Assert.Contains("invites you to answer the Open API assessment", mail.Text, StringComparison.Ordinal);
        Assert.Contains($"Organisation: {officer.NhsOrganisationName}", mail.Text, StringComparison.Ordinal);
        Assert.Contains("Accept the invitation", mail.Html, StringComparison.Ordinal);
        var link = LinkIn(mail.Text, "http://portal.test/invitations/");
        var token = link["http://portal.test/invitations/".Length..];
        await using (var db = Contexts.CreateDbContext())
        {
            var row = await db.OutboxMessages.AsNoTracking().SingleAsync(m => m.ToAddress == address);
            Assert.DoesNotContain(token, row.Link!, StringComparison.Ordinal);
            Assert.Equal(OutboxStatus.Sent, row.Status);
        }

        Assert.DoesNotContain(portal.Logs, line => line.Contains(token, StringComparison.Ordinal));
        using var page = await portal.Factory.ClientFor(await portal.Factory.DemoUserIdAsync(TestCallers.Supplier), PortalRoles.SupplierAccountManager)
            .GetAsync(new Uri(link).PathAndQuery);
        Assert.Contains(await SystemNameAsync(id), await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var supplier = await TestCallers.ForAsync(Contexts, TestCallers.Supplier);
        using var acceptScope = portal.Factory.Services.CreateScope();
        var accepted = await acceptScope.ServiceProvider.GetRequiredService<InvitationService>().AcceptAsync(supplier, token, null);
        Assert.True(accepted.Succeeded, accepted.Message);
    }

    [Theory]
    [InlineData(NotificationKind.Update, "Update on")]
    [InlineData(NotificationKind.Reminder, "Reminder:")]
    [InlineData(NotificationKind.Overdue, "Overdue:")]
    [InlineData(NotificationKind.Escalation, "Escalated to you:")]
    public async Task Each_kind_of_notification_is_e_mailed_with_its_subject_text_and_a_link_to_act(NotificationKind kind, string subject)
    {
        var (userId, address) = await PersonAsync();
        var assessmentId = await AssessmentAsync();

        await NotifyAsync(assessmentId, userId, kind, $"The answers for OAP-{assessmentId:D5} need you ({kind}).", null);
        await portal.Get<MailWorker>().RunOnceAsync();

        var mail = Assert.Single(await TestSmtp.ForAsync(address));
        Assert.StartsWith($"{subject} OAP-{assessmentId:D5}", mail.Subject, StringComparison.Ordinal);
        Assert.Contains($"The answers for OAP-{assessmentId:D5} need you ({kind}).", mail.Text, StringComparison.Ordinal);
        Assert.Equal($"http://portal.test/assessments/{assessmentId}", LinkIn(mail.Text, "http://portal.test/assessments/"));
        using var client = portal.Factory.ClientFor(await portal.Factory.DemoUserIdAsync(TestCallers.Officer), PortalRoles.ProcurementOfficer);
        using var page = await client.GetAsync($"/assessments/{assessmentId}");
        Assert.True(page.IsSuccessStatusCode, $"The mail's link answered {page.StatusCode}.");
    }

    [Fact]
    public async Task The_same_event_raised_twice_is_e_mailed_once()
    {
        var (userId, address) = await PersonAsync();
        var assessmentId = await AssessmentAsync();
        var eventKey = $"reminder:test:{Guid.NewGuid():N}";

        await NotifyAsync(assessmentId, userId, NotificationKind.Reminder, "Answers are due in 7 days.", eventKey);
        await NotifyAsync(assessmentId, userId, NotificationKind.Reminder, "Answers are due in 7 days.", eventKey);
        await portal.Get<MailWorker>().RunOnceAsync();

        Assert.Single(await TestSmtp.ForAsync(address));
    }

    [Fact]
    public async Task A_person_who_chose_a_daily_digest_gets_one_mail_listing_their_updates_but_an_overdue_item_at_once()
    {
        var (userId, address) = await PersonAsync();
        var assessmentId = await AssessmentAsync();
        await using (var db = Contexts.CreateDbContext())
        {
            db.MailPreferences.Add(new MailPreference { UserId = userId, Delivery = MailDelivery.DailyDigest, UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        await NotifyAsync(assessmentId, userId, NotificationKind.Update, "The officer returned your answers.", null);
        await NotifyAsync(assessmentId, userId, NotificationKind.Reminder, "Answers are due in 3 days.", null);
        await NotifyAsync(assessmentId, userId, NotificationKind.Overdue, "Your answers are overdue.", null);
        var tomorrow = new MovableClock();
        tomorrow.MoveForward(TimeSpan.FromDays(1) + TimeSpan.FromHours(12 - tomorrow.Now.Hour));
        var digests = new MailDigests(Contexts, tomorrow, portal.Get<IOptions<MailOptions>>());
        Assert.Equal(1, await digests.GatherAsync(CancellationToken.None));
        Assert.Equal(0, await digests.GatherAsync(CancellationToken.None));
        // The digest was gathered "tomorrow at noon" and is due then; the host's sender runs on today's clock, so
        // bring its time forward to now (the sender's own test covers when mail falls due).
        await using (var db = Contexts.CreateDbContext())
        {
            await db.OutboxMessages.Where(m => m.ToAddress == address && m.Kind == MailKind.Digest)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.NextAttemptAt, DateTime.UtcNow.AddSeconds(-1)));
        }

        await portal.Get<MailWorker>().RunOnceAsync();

        var mails = await TestSmtp.ForAsync(address);
        Assert.Equal(2, mails.Count);
        var overdue = Assert.Single(mails, m => m.Subject.StartsWith("Overdue:", StringComparison.Ordinal));
        Assert.Contains("Your answers are overdue.", overdue.Text, StringComparison.Ordinal);
        var digest = Assert.Single(mails, m => m.Subject == MailWording.Subject(MailKind.Digest, null, null));
        Assert.Contains("- The officer returned your answers. http://portal.test/assessments/", digest.Text, StringComparison.Ordinal);
        Assert.Contains("- Answers are due in 3 days. http://portal.test/assessments/", digest.Text, StringComparison.Ordinal);
        Assert.Contains("http://portal.test/notifications", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_person_who_turned_updates_off_gets_no_update_but_still_gets_an_escalation()
    {
        var (userId, address) = await PersonAsync();
        var assessmentId = await AssessmentAsync();
        await using (var db = Contexts.CreateDbContext())
        {
            db.MailPreferences.Add(new MailPreference { UserId = userId, Delivery = MailDelivery.Off, UpdatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        await NotifyAsync(assessmentId, userId, NotificationKind.Update, "Something changed.", null);
        await NotifyAsync(assessmentId, userId, NotificationKind.Escalation, "Sign-off condition 2 is 5 days overdue.", null);
        await portal.Get<MailWorker>().RunOnceAsync();

        var mail = Assert.Single(await TestSmtp.ForAsync(address));
        Assert.StartsWith("Escalated to you:", mail.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mail_written_while_the_SMTP_server_is_down_is_sent_once_it_is_up_with_each_attempt_recorded()
    {
        var (userId, address) = await PersonAsync();
        var assessmentId = await AssessmentAsync();
        // Written an hour ago and tried then, at a port nothing listens on: the attempt fails and the retry is due now.
        var anHourAgo = new MovableClock();
        anHourAgo.MoveForward(TimeSpan.FromHours(-1));
        await NotifyAsync(assessmentId, userId, NotificationKind.Overdue, "Your answers are overdue.", null, anHourAgo.Now.UtcDateTime);
        var down = Sender(anHourAgo, new MailOptions
        {
            Transport = MailTransport.Smtp, Smtp = new SmtpSettings { Host = "127.0.0.1", Port = ClosedPort(), Security = SmtpSecurity.None },
        });

        var failed = await down.SendDueAsync("down-sender", CancellationToken.None);
        Assert.True(failed.Failed >= 1);
        Assert.Empty(await TestSmtp.ForAsync(address));
        await portal.Get<MailWorker>().RunOnceAsync();

        Assert.Single(await TestSmtp.ForAsync(address));
        await using var db = Contexts.CreateDbContext();
        var row = await db.OutboxMessages.AsNoTracking().Include(m => m.AttemptLog).SingleAsync(m => m.ToAddress == address);
        Assert.Equal(OutboxStatus.Sent, row.Status);
        Assert.Equal([false, true], row.AttemptLog.OrderBy(a => a.Id).Select(a => a.Succeeded));
        Assert.Contains("Exception", row.AttemptLog.OrderBy(a => a.Id).First().Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_senders_on_one_database_send_each_mail_once()
    {
        var assessmentId = await AssessmentAsync();
        var addresses = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            var (userId, address) = await PersonAsync();
            addresses.Add(address);
            await NotifyAsync(assessmentId, userId, NotificationKind.Overdue, "Your answers are overdue.", null);
        }

        var options = portal.Get<IOptions<MailOptions>>().Value;
        await Task.WhenAll(
            Task.Run(() => Sender(TimeProvider.System, options).SendDueAsync("sender-one", CancellationToken.None)),
            Task.Run(() => Sender(TimeProvider.System, options).SendDueAsync("sender-two", CancellationToken.None)));

        foreach (var address in addresses)
        {
            Assert.Single(await TestSmtp.ForAsync(address));
        }
    }

    [Fact]
    public async Task A_sender_stopped_mid_batch_loses_nothing_and_the_next_round_sends_the_rest_once()
    {
        var assessmentId = await AssessmentAsync();
        var addresses = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var (userId, address) = await PersonAsync();
            addresses.Add(address);
            await NotifyAsync(assessmentId, userId, NotificationKind.Overdue, "Your answers are overdue.", null);
        }

        using var stop = new CancellationTokenSource();
        var options = portal.Get<IOptions<MailOptions>>().Value;
        var stopping = new OutboxSender(Contexts, new StopAfterFirst(portal.Get<MailTransports>(), stop), portal.Get<IDataProtectionProvider>(),
            portal.Get<Portal.Hosting.PortalAddress>(), TimeProvider.System, Options.Create(options), portal.Get<ILogger<OutboxSender>>());

        var first = await stopping.SendDueAsync("stopped-sender", stop.Token);
        Assert.Equal(1, first.Sent);
        await portal.Get<MailWorker>().RunOnceAsync();

        foreach (var address in addresses)
        {
            Assert.Single(await TestSmtp.ForAsync(address));
        }
    }

    private sealed class StopAfterFirst(MailTransports inner, CancellationTokenSource stop) : MailTransports(
        Options.Create(new MailOptions { Transport = MailTransport.Smtp, Smtp = new SmtpSettings { Host = TestSmtp.Server.Host, Port = TestSmtp.Server.Port, Security = SmtpSecurity.None } }),
        new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Development" })
    {
        public override async Task<IMailTransport?> CurrentAsync(CancellationToken cancellationToken) =>
            new Stopping((await inner.CurrentAsync(cancellationToken))!, stop);

        // Sends, then stops the sender's round (as a process stopping would) before it takes the next mail.
        private sealed class Stopping(IMailTransport transport, CancellationTokenSource stop) : IMailTransport
        {
            public string Description => transport.Description;

            public async Task SendAsync(MailContent content, MailKind kind, string reference, CancellationToken cancellationToken)
            {
                await transport.SendAsync(content, kind, reference, cancellationToken);
                await stop.CancelAsync();
            }

            public Task<string?> ProblemAsync(CancellationToken cancellationToken) => transport.ProblemAsync(cancellationToken);
        }
    }

    private OutboxSender Sender(TimeProvider clock, MailOptions options) => new(
        Contexts, new MailTransports(Options.Create(options), portal.Get<IHostEnvironment>()), portal.Get<IDataProtectionProvider>(),
        portal.Get<Portal.Hosting.PortalAddress>(), clock, Options.Create(options), portal.Get<ILogger<OutboxSender>>());

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<(int UserId, string Address)> PersonAsync()
    {
        var address = TestSmtp.UniqueAddress("person");
        await using var db = Contexts.CreateDbContext();
        var officer = await db.Users.AsNoTracking().SingleAsync(u => u.ObjectId == TestCallers.Officer);
        var user = new PortalUser
        {
            TenantId = "test", ObjectId = Guid.NewGuid().ToString("N"), DisplayName = "Mail test person", Email = address,
            Role = PortalRoles.ProcurementOfficer, NhsOrganisationId = officer.NhsOrganisationId, CreatedAt = DateTime.UtcNow,
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return (user.Id, address);
    }

    private async Task<int> AssessmentAsync() =>
        await TestAssessments.ConfirmedAsync(Contexts, await TestCallers.ForAsync(Contexts, TestCallers.Officer));

    private async Task NotifyAsync(int assessmentId, int userId, NotificationKind kind, string text, string? eventKey, DateTime? at = null)
    {
        await using var db = Contexts.CreateDbContext();
        await NotificationService.NotifyUsersAsync(db, at ?? DateTime.UtcNow, assessmentId, text, $"/assessments/{assessmentId}", [userId], CancellationToken.None, kind, eventKey);
        await db.SaveChangesAsync();
    }

    private async Task<string> SystemNameAsync(int id)
    {
        await using var db = Contexts.CreateDbContext();
        return await db.Assessments.Where(a => a.Id == id).Select(a => a.SystemName).SingleAsync();
    }

    private static string LinkIn(string text, string start)
    {
        var match = Regex.Match(text, Regex.Escape(start) + @"[^\s]+");
        Assert.True(match.Success, $"No link starting {start} in:\n{text}");
        return match.Value;
    }
}
