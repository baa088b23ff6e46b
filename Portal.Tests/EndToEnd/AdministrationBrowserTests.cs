using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data.Policy.Catalogue;
using Portal.Data.Seed;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

[Collection(BrowserCollection.Name)]
public sealed class AdministrationBrowserTests(BrowserFixture browser)
{
    [Fact]
    public async Task Tabs_read_in_sentence_case_as_written_not_in_capitals()
    {
        var page = await browser.SignedInPageAsync("Ada Price");

        await page.GotoAsync("/admin/users");

        var tab = page.GetByRole(AriaRole.Tab).Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^NHS organisations") });
        await Assertions.Expect(tab).ToHaveCSSAsync("text-transform", "none");
        Assert.StartsWith("NHS organisations (", await tab.InnerTextAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Evidence store", Level = 2 })).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "admin-users.png");
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task An_administrator_sees_each_background_jobs_last_run_and_a_failure_with_its_error_at_320_pixels()
    {
        // A job that failed, recorded as any worker's run is; the portal's own score worker records its runs beside it.
        var lease = new Portal.Hosting.JobLease(
            browser.App.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Data.PortalDbContext>>(), TimeProvider.System);
        Assert.True(await lease.TryTakeAsync("browser-test-job", TimeSpan.FromMinutes(5), CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => lease.RecordRunAsync<int>(
            "browser-test-job", _ => throw new InvalidOperationException("The test made this run fail."), n => $"Did {n}.", CancellationToken.None));
        var page = await browser.SignedInPageAsync("Ada Price");
        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitForInteractiveAsync(page);

        await page.GetByRole(AriaRole.Tab, new() { Name = "Background jobs (failing)" }).ClickAsync();

        var failed = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "browser-test-job" });
        await Assertions.Expect(failed).ToContainTextAsync("Failed: InvalidOperationException: The test made this run fail.");
        await Assertions.Expect(failed).ToContainTextAsync("Never");
        await Assertions.Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Score refresh" })).ToContainTextAsync("Succeeded:");
        await BrowserFixture.ScreenshotAsync(page, "background-jobs.png");
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.SetViewportSizeAsync(320, 640);
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await NarrowScreen.AssertCellLabelsUnbrokenAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "background-jobs-320.png");
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task An_administrator_sees_failed_mail_with_why_and_a_send_again_button_named_as_it_reads_at_320_pixels()
    {
        var contexts = browser.App.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Data.PortalDbContext>>();
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.Add(new Portal.Data.Mail.OutboxMessage
            {
                Key = $"browser-failed-mail-{Guid.NewGuid()}", ToAddress = "failed.mail@acme-clinical.example", Subject = "Reminder: answers due in 3 days",
                Text = "Your answers are due in 3 days.", Status = Portal.Data.Mail.OutboxStatus.DeadLettered, Attempts = 8,
                CreatedAt = DateTime.UtcNow, NextAttemptAt = DateTime.UtcNow, LastError = "SMTP 550 5.1.1: Recipient address rejected: User unknown",
            });
            await db.SaveChangesAsync();
        }

        var page = await browser.SignedInPageAsync("Ada Price");
        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Tab).Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^Mail") }).ClickAsync();

        var failed = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "failed.mail@acme-clinical.example" });
        await Assertions.Expect(failed).ToContainTextAsync("Recipient address rejected");
        // WCAG 2.5.3: a person who says "Send again" to voice control reaches the button, so its name starts with what it shows.
        await Assertions.Expect(failed.GetByRole(AriaRole.Button, new() { Name = "Send again: the mail to failed.mail@acme-clinical.example" })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.SetViewportSizeAsync(320, 640);
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "failed-mail-320.png", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task After_a_mail_outage_an_administrator_pages_through_the_failed_mail_and_sends_every_stopped_one_again_by_keyboard()
    {
        var contexts = browser.App.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Data.PortalDbContext>>();
        var outage = $"outage{Guid.NewGuid():N}"[..14];
        await using (var db = await contexts.CreateDbContextAsync())
        {
            db.AddRange(Enumerable.Range(1, 30).Select(i => new Portal.Data.Mail.OutboxMessage
            {
                Key = $"browser-{outage}-{i}", ToAddress = $"person{i}@{outage}.example", Subject = $"Update {i}", Text = "Something changed.",
                Status = Portal.Data.Mail.OutboxStatus.DeadLettered, Attempts = 8, CreatedAt = DateTime.UtcNow, NextAttemptAt = DateTime.UtcNow,
                LastError = "Connection refused by the mail server",
            }));
            await db.SaveChangesAsync();
        }

        var page = await browser.SignedInPageAsync("Ada Price");
        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Tab).Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^Mail \\(\\d+ failed\\)") }).ClickAsync();

        await Assertions.Expect(page.GetByText(new System.Text.RegularExpressions.Regex("^Showing 1 to 25 of \\d+ failed$"))).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("td[data-label='To']").Filter(new() { HasText = outage })).ToHaveCountAsync(25);
        var pages = page.Locator("[aria-label='Pages of failed mail']");
        await pages.GetByRole(AriaRole.Button, new() { Name = "Next page" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByText(new System.Text.RegularExpressions.Regex("^Showing 26 to \\d+ of \\d+ failed$"))).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("td[data-label='To']").Filter(new() { HasText = outage })).Not.ToHaveCountAsync(0);
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Send all \\d+ stopped again$") }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^\\d+ stopped mails will be sent again\\.") })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Send all") })).ToHaveCountAsync(0);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            Assert.Equal(0, await db.OutboxMessages.CountAsync(m => m.Key.StartsWith($"browser-{outage}-") && m.Status == Portal.Data.Mail.OutboxStatus.DeadLettered));
        }

        await page.SetViewportSizeAsync(320, 640);
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "mail-resent-320.png", fullPage: true);
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task An_administrator_imports_a_malformed_catalogue_and_is_told_each_problem_with_its_line()
    {
        var page = await browser.SignedInPageAsync("Ada Price");
        await page.GetByRole(AriaRole.Link, new() { Name = "Catalogue versions", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Catalogue versions", Level = 1 })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        var broken = CatalogueJson.Write(PortalSeeder.ReadSeededCatalogue() with { Version = "2026-broken" })
            .Replace("\"obligation\": \"Should\"", "\"obligation\": \"Optional\"", StringComparison.Ordinal);

        await BrowserFixture.ChooseFileAsync(page.Locator("input.catalogue-file-input:not(.d-none)"), new FilePayload
        {
            Name = "broken.json", MimeType = "application/json", Buffer = Encoding.UTF8.GetBytes(broken),
        });

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new("broken.json was not imported") })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Obligation 'Optional' is unknown; use Must or Should.").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText(new System.Text.RegularExpressions.Regex(@"^Line \d+, requirement 'P\.1' obligation"))).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
    }

    [Fact]
    public async Task An_administrator_imports_a_new_version_and_reviews_what_it_changes_before_publishing()
    {
        var page = await browser.SignedInPageAsync("Ada Price");
        await page.GotoAsync("/admin/catalogue");
        await BrowserFixture.WaitForInteractiveAsync(page);
        var seeded = PortalSeeder.ReadSeededCatalogue();
        var revised = seeded with
        {
            Version = "2026-review",
            Requirements = seeded.Requirements.Select(r => r.Id == "C.4" ? r with { Title = "Testing (revised)" } : r).ToList(),
        };

        await BrowserFixture.ChooseFileAsync(page.Locator("input.catalogue-file-input:not(.d-none)"), new FilePayload
        {
            Name = "revised.yaml", MimeType = "application/yaml", Buffer = Encoding.UTF8.GetBytes(CatalogueJson.Write(revised)),
        });

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Review draft version 2026-review", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("0 added, 1 changed, 0 removed, 106 unchanged.")).ToBeVisibleAsync();
        var change = page.GetByRole(AriaRole.Region, new() { Name = "C.4 Testing (revised)" });
        await Assertions.Expect(change.Locator(".catalogue-change__name")).ToHaveTextAsync("Title");
        await Assertions.Expect(change.Locator(".catalogue-change__before")).ToHaveTextAsync(seeded.Requirements.Single(r => r.Id == "C.4").Title);
        await Assertions.Expect(change.Locator(".catalogue-change__after")).ToHaveTextAsync("Testing (revised)");
        await Assertions.Expect(change.Locator(".catalogue-change__after ins")).ToHaveTextAsync("(revised)");
        await BrowserFixture.AssertAccessibleAsync(page);
        await change.ScrollIntoViewIfNeededAsync();
        await BrowserFixture.ScreenshotAsync(page, "catalogue-draft-1280.png");

        // Publishing asks first, says what it does, and can be called off.
        await page.GetByRole(AriaRole.Button, new() { Name = "Publish version 2026-review" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Heading, new() { Name = "Publish version 2026-review?", Level = 2 });
        await Assertions.Expect(confirm).ToBeFocusedAsync();
        await Assertions.Expect(page.GetByText("Assessments already started on it keep it.")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);
        await page.SetViewportSizeAsync(320, 800);
        await NarrowScreen.AssertNoSidewaysScrollAsync(page);
        await BrowserFixture.ScreenshotAsync(page, "catalogue-publish-confirm-320.png");
        await change.ScrollIntoViewIfNeededAsync();
        await BrowserFixture.ScreenshotAsync(page, "catalogue-draft-320.png");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(confirm).ToHaveCountAsync(0);

        // Discard rather than publish: the other browser tests share this portal and read the published version.
        await page.GetByRole(AriaRole.Button, new() { Name = "Discard this draft" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Catalogue versions", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("2026-review")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_administrator_links_a_person_to_whom_they_act_for_and_a_contradictory_link_is_refused()
    {
        var page = await browser.SignedInPageAsync("Ada Price");
        await page.GetByRole(AriaRole.Link, new() { Name = "People and organisations", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "People and organisations", Level = 1 })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Change who Bea Lindqvist acts for" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Who Bea Lindqvist acts for" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Combobox, new() { Name = "Acts for" }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "NHS organisation: Demo Valley NHS Foundation Trust (XDV)" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Acts for" })).ToHaveTextAsync("NHS organisation: Demo Valley NHS Foundation Trust (XDV)");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Bea Lindqvist is a supplier account manager: link them to a supplier.")).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(page);

        await page.GetByRole(AriaRole.Combobox, new() { Name = "Acts for" }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Supplier: Acme Clinical Systems Ltd" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Acts for" })).ToHaveTextAsync("Supplier: Acme Clinical Systems Ltd");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Bea Lindqvist now acts for Acme Clinical Systems Ltd.")).ToBeVisibleAsync();
        var beaRow = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Bea Lindqvist" });
        await Assertions.Expect(beaRow).ToContainTextAsync("Acme Clinical Systems Ltd");
    }

    [Fact]
    public async Task Someone_who_is_not_an_administrator_is_refused_the_administration_pages()
    {
        var page = await browser.SignedInPageAsync("Sam Okafor");

        await page.GotoAsync("/admin/users");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "You do not have access to this page" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("sam.okafor@acme-clinical.example")).ToHaveCountAsync(0);
    }
}
