using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Users;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Assessments;

/// <summary>
/// The assessments list and the home page have no circuit: "Start an assessment" and accepting an invitation are forms
/// posted back to the page. Posted over HTTP as a person would, and by hand by people who should not get what they ask.
/// </summary>
public sealed partial class AssessmentListFormsHttpTests : IAsyncLifetime
{
    private readonly PortalAppFactory _factory = new();
    private IDbContextFactory<PortalDbContext> _contexts = default!;
    private int _samsAssessment;
    private int _beasAssessment;

    public async Task InitializeAsync()
    {
        _contexts = _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(_contexts, TestCallers.Officer);
        _samsAssessment = await TestAssessments.InvitedAsync(_contexts, officer);
        _beasAssessment = await TestAssessments.InvitedAsync(_contexts, officer, email: "bea.lindqvist@brightwater-health.example", supplierName: "Brightwater Health Software Ltd");
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private async Task<HttpClient> ClientAsync(string who, string role) => _factory.ClientFor(await _factory.DemoUserIdAsync(who), role);

    [Theory]
    [InlineData("/")]
    [InlineData("/assessments?status=Draft")]
    public async Task An_officer_starts_an_assessment_by_posting_the_pages_form_and_is_sent_to_its_first_step(string path)
    {
        using var client = await ClientAsync(TestCallers.Officer, PortalRoles.ProcurementOfficer);
        var drafts = await DraftCountAsync();

        using var response = await PostFormAsync(client, path, "start-assessment", []);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Matches(@"^/assessments/\d+/start$", response.Headers.Location!.AbsolutePath);
        Assert.Equal(drafts + 1, await DraftCountAsync());
    }

    [Fact]
    public async Task A_supplier_posting_the_start_form_by_hand_starts_nothing()
    {
        using var officer = await ClientAsync(TestCallers.Officer, PortalRoles.ProcurementOfficer);
        using var supplier = await ClientAsync(TestCallers.Supplier, PortalRoles.SupplierAccountManager);
        var page = await supplier.GetStringAsync("/assessments");
        Assert.DoesNotContain("start-assessment", page, StringComparison.Ordinal);
        var drafts = await DraftCountAsync();

        // The supplier's own antiforgery token, on a form the page never drew for them.
        using var response = await supplier.PostAsync("/assessments", new FormUrlEncodedContent(
        [
            new("_handler", "start-assessment"),
            new("__RequestVerificationToken", Token(page)),
        ]));

        Assert.False(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, $"Got {(int)response.StatusCode}.");
        Assert.Equal(drafts, await DraftCountAsync());
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_refused()
    {
        using var client = await ClientAsync(TestCallers.Officer, PortalRoles.ProcurementOfficer);
        var drafts = await DraftCountAsync();

        using var response = await client.PostAsync("/assessments", new FormUrlEncodedContent([new("_handler", "start-assessment")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(drafts, await DraftCountAsync());
    }

    [Fact]
    public async Task A_supplier_accepts_their_invitation_from_the_list_and_is_sent_to_the_evidence()
    {
        using var client = await ClientAsync(TestCallers.Supplier, PortalRoles.SupplierAccountManager);
        var invitation = await InvitationOfAsync(_samsAssessment);

        using var response = await PostFormAsync(client, "/assessments", "accept-invitation", [("invitation", invitation.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/assessments/{_samsAssessment}/evidence", response.Headers.Location!.AbsolutePath);
    }

    [Theory]
    [InlineData("another company's")]
    [InlineData("none")]
    [InlineData("not a number")]
    public async Task Accepting_an_invitation_that_is_not_yours_or_not_one_accepts_nothing_and_says_why(string which)
    {
        using var client = await ClientAsync(TestCallers.Supplier, PortalRoles.SupplierAccountManager);
        var value = which switch
        {
            "another company's" => (await InvitationOfAsync(_beasAssessment)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "none" => "",
            _ => "1; DROP TABLE Assessments",
        };

        using var response = await PostFormAsync(client, "/assessments", "accept-invitation", [("invitation", value)]);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"Got {(int)response.StatusCode}.");
        Assert.Null(response.Headers.Location);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Assert.Contains("role=\"alert\"", body, StringComparison.Ordinal);
        }

        await using var db = await _contexts.CreateDbContextAsync();
        Assert.Equal(AssessmentStatus.AwaitingSupplier, await db.Assessments.Where(a => a.Id == _beasAssessment).Select(a => a.Status).SingleAsync());
        Assert.Null(await db.SupplierInvitations.Where(i => i.AssessmentId == _beasAssessment).Select(i => i.AcceptedAt).SingleAsync());
    }

    /// <summary>Reads the page as the person's browser would, then posts the named form with its antiforgery token.</summary>
    private static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, string formName, (string Name, string Value)[] fields)
    {
        var page = await client.GetStringAsync(path);
        Assert.Contains($"name=\"_handler\" value=\"{formName}\"", page, StringComparison.Ordinal);
        var form = new List<KeyValuePair<string, string>> { new("_handler", formName), new("__RequestVerificationToken", Token(page)) };
        form.AddRange(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return await client.PostAsync(path, new FormUrlEncodedContent(form));
    }

    private static string Token(string page)
    {
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "The page has no antiforgery token.");
        return WebUtility.HtmlDecode(token.Groups["value"].Value);
    }

    private async Task<int> DraftCountAsync()
    {
        await using var db = await _contexts.CreateDbContextAsync();
        return await db.Assessments.CountAsync(a => a.Status == AssessmentStatus.Draft);
    }

    private async Task<int> InvitationOfAsync(int assessmentId)
    {
        await using var db = await _contexts.CreateDbContextAsync();
        return await db.SupplierInvitations.Where(i => i.AssessmentId == assessmentId).Select(i => i.Id).SingleAsync();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
