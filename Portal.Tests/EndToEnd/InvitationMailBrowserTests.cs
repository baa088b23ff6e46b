using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Seed;
using Portal.Data.Users;
using Portal.Features.Mail;
using Portal.Tests.Features.Mail;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// The invitation as a supplier's new account manager gets it: the officer invites in the browser, the portal mails the
/// one-time link through the real SMTP server (smtp4dev), and the invited person follows the link from the received
/// mail, accepts, and finds the assessment in their list. Uses the browser collection's Chromium with a portal of its
/// own, whose mail goes to smtp4dev and whose links name its own address.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class InvitationMailBrowserTests(BrowserFixture browser)
{
    private static ILocator Heading(IPage page, string name) => page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1 });

    [Fact]
    public async Task An_invited_supplier_follows_the_link_in_the_received_mail_accepts_and_sees_the_assessment_in_their_list()
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        await using var app = new PortalAppFactory(testSignIn: false, settings: TestSmtp.Settings(baseUrl)).StartOnKestrel(port);
        var contexts = app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officerCaller = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var id = await TestAssessments.ConfirmedAsync(contexts, officerCaller);
        var reference = $"OAP-{id:D5}";
        // A supplier's account manager new to the portal: signed in, linked to no company yet, so they see no assessment.
        var address = TestSmtp.UniqueAddress("new.account.manager");
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.Users.Add(new PortalUser
            {
                TenantId = PortalSeeder.DemoTenantId, ObjectId = $"invited.{Guid.NewGuid():N}", DisplayName = "Nadia Invited", Email = address,
                Role = PortalRoles.SupplierAccountManager, CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var officer = await SignedInAsync(app, "Olivia Hart");
        await officer.GotoAsync($"/assessments/{id}");
        await BrowserFixture.WaitForInteractiveAsync(officer);
        await officer.GetByLabel("Account manager's e-mail address").FillAsync(address);
        await officer.GetByRole(AriaRole.Button, new() { Name = "Send invitation" }).ClickAsync();
        await Assertions.Expect(officer.GetByText($"Invitation e-mailed to {address}")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(officer);
        await app.Services.GetRequiredService<MailWorker>().RunOnceAsync();

        var mail = Assert.Single(await TestSmtp.ForAsync(address));
        var link = Regex.Match(mail.Text, Regex.Escape($"{baseUrl}/invitations/") + @"\S+");
        Assert.True(link.Success, $"No invitation link in the mail:\n{mail.Text}");
        Assert.Contains($"href=\"{link.Value}\"", mail.Html, StringComparison.Ordinal);

        var supplier = await SignedInAsync(app, "Nadia Invited");
        await supplier.GotoAsync("/assessments");
        await BrowserFixture.WaitForInteractiveAsync(supplier);
        var listedBefore = await supplier.GetByRole(AriaRole.Link, new() { Name = reference, Exact = true }).CountAsync();
        await supplier.GotoAsync(link.Value);
        await Assertions.Expect(Heading(supplier, "Accept an invitation")).ToBeVisibleAsync();
        await BrowserFixture.WaitForInteractiveAsync(supplier);
        await Assertions.Expect(supplier.GetByTestId("system")).ToContainTextAsync($"Patient administration system (Acme Clinical Systems Ltd), assessment {reference}");
        await BrowserFixture.ScreenshotAsync(supplier, "invitation-from-mail.png", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(supplier);
        await supplier.GetByRole(AriaRole.Button, new() { Name = "Accept the invitation" }).ClickAsync();
        await Assertions.Expect(Heading(supplier, "Evidence for Patient administration system")).ToBeVisibleAsync();
        await supplier.GotoAsync("/assessments");
        await BrowserFixture.WaitForInteractiveAsync(supplier);

        Assert.Equal(0, listedBefore);
        await Assertions.Expect(supplier.GetByRole(AriaRole.Link, new() { Name = reference, Exact = true })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(supplier, "invited-supplier-list.png", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(supplier);
        await officer.Context.CloseAsync();
        await supplier.Context.CloseAsync();
    }

    /// <summary>Signs in through the development sign-in page of <paramref name="app"/>, in a fresh context of the shared Chromium.</summary>
    private async Task<IPage> SignedInAsync(PortalAppFactory app, string name)
    {
        var context = await browser.Browser.NewContextAsync(new() { BaseURL = app.BaseAddress, Locale = "en-GB" });
        context.SetDefaultTimeout(BrowserTimeouts.Default);
        await context.AddInitScriptAsync(BrowserFixture.ViolationCollector);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/sign-in");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Sign in as {name},", Exact = false }).ClickAsync();
        await page.WaitForURLAsync($"{app.BaseAddress}/");
        await BrowserFixture.WaitForInteractiveAsync(page);
        return page;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
