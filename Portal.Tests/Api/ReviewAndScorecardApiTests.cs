using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>
/// The review decision and the scorecard issue over the API: each refusal the service gives arrives as its own status
/// with a problem body, and a GET never issues a scorecard.
/// </summary>
public sealed class ReviewAndScorecardApiTests : IAsyncLifetime
{
    private readonly PortalAppFactory _factory = new();
    private int _underReview;
    private int _submitted;
    private HttpClient _officer = default!;
    private HttpClient _supplier = default!;
    private HttpClient _otherOfficer = default!;

    public async Task InitializeAsync()
    {
        var contexts = _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var officer = await TestCallers.ForAsync(contexts, TestCallers.Officer);
        var supplier = await TestCallers.ForAsync(contexts, TestCallers.Supplier);
        var journey = new TestJourney(contexts, Path.Combine(Path.GetTempPath(), "portal-tests", Guid.NewGuid().ToString("N")));
        _underReview = await journey.SubmittedAsync(officer, supplier);
        Assert.True((await journey.Reviews.StartAsync(officer, _underReview)).Succeeded);
        _submitted = await journey.SubmittedAsync(officer, supplier);
        _officer = await _factory.ApiClientForAsync(TestCallers.Officer);
        _supplier = await _factory.ApiClientForAsync(TestCallers.Supplier);
        _otherOfficer = await _factory.ApiClientForAsync(TestCallers.OtherOfficer);
    }

    public async Task DisposeAsync()
    {
        _officer.Dispose();
        _supplier.Dispose();
        _otherOfficer.Dispose();
        await _factory.DisposeAsync();
    }

    private static readonly string[] FirstRequirement = ["P.1"];

    private static object Accept(string code = "P.1") => new { requirements = new[] { code }, outcome = "Accepted" };

    private static async Task<HttpResponseMessage> DecideAsync(HttpClient client, int id, object body, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/assessments/{id}/review/decisions") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    private async Task<string> ETagAsync(int id)
    {
        using var review = await _officer.GetAsync($"/api/v1/assessments/{id}/review");
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        return review.Headers.ETag!.Tag;
    }

    [Fact]
    public async Task A_decision_with_the_reviews_etag_answers_the_review_with_a_new_etag_and_the_old_one_is_then_412()
    {
        var etag = await ETagAsync(_underReview);

        using var decided = await DecideAsync(_officer, _underReview, Accept("P.1"), etag);
        using var again = await DecideAsync(_officer, _underReview, Accept("P.2"), etag);

        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var review = await decided.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(review.GetProperty("items").EnumerateArray(), i => i.GetProperty("code").GetString() == "P.1" && i.GetProperty("outcome").GetString() == "Accepted");
        Assert.NotEqual(etag, decided.Headers.ETag!.Tag);
        await ApiAssert.ProblemAsync(again, HttpStatusCode.PreconditionFailed, "changed since you opened it");
    }

    [Fact]
    public async Task A_decision_without_if_match_is_428()
    {
        using var response = await DecideAsync(_officer, _underReview, Accept(), null);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.PreconditionRequired, "If-Match");
    }

    [Fact]
    public async Task A_clarification_without_a_question_is_400_naming_the_note()
    {
        using var response = await DecideAsync(_officer, _underReview, new { requirements = FirstRequirement, outcome = "ClarificationRequested" }, await ETagAsync(_underReview));

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "question");
        Assert.True(problem.GetProperty("errors").TryGetProperty("note", out _));
    }

    [Fact]
    public async Task The_supplier_is_403_and_another_organisation_404_for_the_review_and_its_decisions()
    {
        var etag = await ETagAsync(_underReview);

        using var bySupplier = await DecideAsync(_supplier, _underReview, Accept(), etag);
        using var byOther = await DecideAsync(_otherOfficer, _underReview, Accept(), etag);
        using var supplierReads = await _supplier.GetAsync($"/api/v1/assessments/{_underReview}/review");
        using var otherReads = await _otherOfficer.GetAsync($"/api/v1/assessments/{_underReview}/sign-off");

        await ApiAssert.ProblemAsync(bySupplier, HttpStatusCode.Forbidden, "procurement officer");
        await ApiAssert.ProblemAsync(byOther, HttpStatusCode.NotFound);
        await ApiAssert.ProblemAsync(supplierReads, HttpStatusCode.Forbidden, "NHS staff");
        await ApiAssert.ProblemAsync(otherReads, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_decision_before_the_review_starts_is_409()
    {
        using var response = await DecideAsync(_officer, _submitted, Accept(), await ETagAsync(_submitted));

        await ApiAssert.ProblemAsync(response, HttpStatusCode.Conflict, "under review");
    }

    [Fact]
    public async Task A_get_of_the_pdf_is_a_preview_that_records_nothing_and_a_post_issues_it()
    {
        var contexts = _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        async Task<int> IssuedAsync()
        {
            await using var db = await contexts.CreateDbContextAsync();
            return await db.IssuedScorecards.CountAsync(s => s.AssessmentId == _underReview);
        }

        using var preview = await _supplier.GetAsync($"/api/v1/assessments/{_underReview}/scorecard.pdf");
        var afterPreview = await IssuedAsync();
        using var issued = await _supplier.PostAsync($"/api/v1/assessments/{_underReview}/scorecard.pdf", null);
        using var refused = await _otherOfficer.PostAsync($"/api/v1/assessments/{_underReview}/scorecard.pdf", null);

        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        Assert.Equal("application/pdf", preview.Content.Headers.ContentType!.MediaType);
        Assert.Equal(0, afterPreview);
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        Assert.Equal("application/pdf", issued.Content.Headers.ContentType!.MediaType);
        Assert.Equal(1, await IssuedAsync());
        await using var db = await contexts.CreateDbContextAsync();
        var code = await db.IssuedScorecards.Where(s => s.AssessmentId == _underReview).Select(s => s.VerificationCode).SingleAsync();
        Assert.Equal($"\"{code[..32]}\"", issued.Headers.ETag!.Tag);
        await ApiAssert.ProblemAsync(refused, HttpStatusCode.NotFound, "no scorecard");
    }
}
