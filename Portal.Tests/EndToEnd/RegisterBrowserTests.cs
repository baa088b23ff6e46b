using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.SignOffs;
using Portal.Features.Products;
using Portal.Features.Scorecards;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;

namespace Portal.Tests.EndToEnd;

/// <summary>
/// The officer publishes a signed-off assessment's status from the sign-off page; a signed-out browser finds it on the
/// public register, sent without a live connection, by keyboard and at 320 px (axe on every page); withdrawal removes it.
/// The same person opens an issued scorecard's verification address (its QR code) on the phone and sees the result.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RegisterBrowserTests(BrowserFixture browser)
{
    private const string Private = "PRIVATE-REVIEW-TEXT-7Q";

    [Fact]
    public async Task An_officer_publishes_and_withdraws_and_a_signed_out_person_sees_only_the_status()
    {
        var contexts = browser.App.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officerCaller = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplierCaller = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var ccio = await TestCallers.ForAsync(contexts, TestCallers.Ccio);
        var products = new ProductService(contexts, TimeProvider.System);
        var product = (await products.AddProductAsync(supplierCaller, new("Register Browser PAS", null))).Value!.Id;
        var version = (await products.AddVersionAsync(supplierCaller, product, new("4.1", null, null))).Value!.Id;
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", Guid.NewGuid().ToString("N")));
        var id = await journey.AwaitingSignOffAsync(officerCaller, supplierCaller);
        var signed = await journey.SignOffs.DecideAsync(ccio, id, new(SignOffService.Choice.ApproveWithConditions, true, "HL-1", $"Notes {Private}", null,
            [new($"Condition {Private}", "Clinical safety officer", TimeProvider.System.PortalToday().AddDays(30), FollowUpParty.Organisation)],
            RedAcknowledged: true, RedApprovalReason: "Agreed."), TestVersions.Any);
        Assert.True(signed.Succeeded, signed.Message);
        await using (var db = await contexts.CreateDbContextAsync())
        {
            await db.Assessments.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.ProductVersionId, version));
        }

        var officer = await browser.SignedInPageAsync("Olivia Hart");
        await officer.GotoAsync($"/assessments/{id}/sign-off");
        await BrowserFixture.WaitForInteractiveAsync(officer);
        var publish = officer.GetByRole(AriaRole.Button, new() { Name = "Publish to the register" });
        await publish.FocusAsync();
        await officer.Keyboard.PressAsync("Enter");
        await Assertions.Expect(officer.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "is on the public register" })).ToBeVisibleAsync();
        await BrowserFixture.AssertAccessibleAsync(officer);

        var visitor = await browser.NewPageAsync();
        var sockets = new List<string>();
        visitor.WebSocket += (_, socket) => sockets.Add(socket.Url);
        await visitor.SetViewportSizeAsync(320, 800);
        await visitor.GotoAsync("/register");
        await visitor.GetByLabel("Supplier or product").FillAsync("Register Browser PAS");
        await visitor.GetByLabel("Supplier or product").PressAsync("Enter");
        var entry = visitor.GetByRole(AriaRole.Region, new() { Name = "Register Browser PAS 4.1 by Acme Clinical Systems Ltd" });
        await Assertions.Expect(entry).ToBeVisibleAsync();
        await Assertions.Expect(entry).ToContainTextAsync("Signed off");
        await Assertions.Expect(entry).ToContainTextAsync("Demo Valley");
        Assert.DoesNotContain(Private, await visitor.ContentAsync(), StringComparison.Ordinal);
        Assert.Empty(sockets);
        await BrowserFixture.AssertAccessibleAsync(visitor);
        await NarrowScreen.AssertNoSidewaysScrollAsync(visitor);
        await BrowserFixture.ScreenshotAsync(visitor, "register-entry-320.png", fullPage: true);

        // Withdrawal takes effect at once.
        await officer.GetByRole(AriaRole.Button, new() { Name = "Withdraw from the register" }).ClickAsync();
        await Assertions.Expect(officer.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "is no longer on the public register" })).ToBeVisibleAsync();
        await visitor.ReloadAsync();
        await Assertions.Expect(visitor.GetByText("Nothing on the register matches")).ToBeVisibleAsync();

        // The scorecard PDF's QR code opens its verification address: signed out at 320 px, the result is in the page as it arrives.
        string code;
        using (var scope = browser.App.Services.CreateScope())
        {
            var issued = await scope.ServiceProvider.GetRequiredService<IssuedScorecardService>().IssueAsync(officerCaller, id);
            Assert.True(issued.Succeeded, issued.Message);
            code = issued.Value!.VerificationCode;
        }

        var arrived = await visitor.GotoAsync(ScorecardPdf.VerificationPath(code));
        Assert.Contains("Genuine: issued by the portal", await arrived!.TextAsync(), StringComparison.Ordinal);
        await BrowserFixture.WaitForInteractiveAsync(visitor);
        var result = visitor.GetByRole(AriaRole.Status).Filter(new() { HasTextString = "Genuine: issued by the portal" });
        await Assertions.Expect(result).ToContainTextAsync($"OAP-{id:D5}");
        var checkAnother = visitor.GetByRole(AriaRole.Heading, new() { Name = "Check a code" });
        Assert.True((await result.BoundingBoxAsync())!.Y < (await checkAnother.BoundingBoxAsync())!.Y, "At 320 px the result is below the forms, out of sight.");
        // The live page takes over the check made for the first answer rather than failing or checking again.
        await Assertions.Expect(visitor.GetByLabel("Verification code")).ToHaveValueAsync(code);
        await Assertions.Expect(visitor.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        Assert.DoesNotContain(Private, await visitor.ContentAsync(), StringComparison.Ordinal);
        await BrowserFixture.AssertAccessibleAsync(visitor);
        await NarrowScreen.AssertNoSidewaysScrollAsync(visitor);
        await BrowserFixture.ScreenshotAsync(visitor, "verify-from-qr-320.png", fullPage: true);
    }
}
