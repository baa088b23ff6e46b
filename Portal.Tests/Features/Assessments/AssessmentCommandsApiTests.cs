using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Assessments;

/// <summary>
/// The assessment commands over the API: each refusal is the HTTP status and problem its kind maps to, and a
/// withdrawal is made on the version named in If-Match, giving back the withdrawn assessment and its new ETag.
/// </summary>
public sealed class AssessmentCommandsApiTests(AssessmentCommandsApiTests.Host host) : IClassFixture<AssessmentCommandsApiTests.Host>
{
    private const string Reason = "The trust cancelled the procurement.";

    /// <summary>One portal for the class, with an API client each for the trust's officer and CCIO and another organisation's officer.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public PortalAppFactory Factory { get; } = new();

        public HttpClient Officer { get; private set; } = default!;

        public HttpClient Ccio { get; private set; } = default!;

        public HttpClient OtherOfficer { get; private set; } = default!;

        public HttpClient Supplier { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            Officer = await Factory.ApiClientForAsync(TestCallers.Officer);
            Ccio = await Factory.ApiClientForAsync(TestCallers.Ccio);
            OtherOfficer = await Factory.ApiClientForAsync(TestCallers.OtherOfficer);
            Supplier = await Factory.ApiClientForAsync(TestCallers.Supplier);
        }

        public async Task DisposeAsync()
        {
            foreach (var client in new[] { Officer, Ccio, OtherOfficer, Supplier })
            {
                client.Dispose();
            }

            await Factory.DisposeAsync();
        }
    }

    private async Task<(int Id, string ETag)> InvitedAsync()
    {
        var id = await host.Factory.InvitedAssessmentAsync();
        using var read = await host.Officer.GetAsync($"/api/v1/assessments/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        return (id, read.Headers.ETag!.Tag);
    }

    private static async Task<HttpResponseMessage> WithdrawAsync(HttpClient client, int id, string? reason, string? ifMatch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/assessments/{id}/withdraw") { Content = JsonContent.Create(new { reason }) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    private async Task<string> StatusAsync(int id)
    {
        var contexts = host.Factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        return (await db.Assessments.Where(a => a.Id == id).Select(a => a.Status).SingleAsync()).ToString();
    }

    [Fact]
    public async Task Withdrawing_with_the_etag_read_gives_back_the_withdrawn_assessment_and_its_new_etag()
    {
        var (id, etag) = await InvitedAsync();

        using var response = await WithdrawAsync(host.Officer, id, Reason, etag);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Withdrawn", body.GetProperty("summary").GetProperty("status").GetString());
        Assert.NotEqual(etag, response.Headers.ETag!.Tag);
        using var reread = await host.Officer.GetAsync($"/api/v1/assessments/{id}");
        Assert.Equal(reread.Headers.ETag!.Tag, response.Headers.ETag.Tag);
    }

    [Fact]
    public async Task A_reason_too_short_is_400_naming_the_reason_field()
    {
        var (id, etag) = await InvitedAsync();

        using var response = await WithdrawAsync(host.Officer, id, "No.", etag);

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, "at least 10 characters");
        Assert.True(problem.GetProperty("errors").TryGetProperty("reason", out _));
        Assert.Equal("AwaitingSupplier", await StatusAsync(id));
    }

    [Fact]
    public async Task Another_organisations_officer_gets_404_as_for_an_assessment_that_does_not_exist()
    {
        var (id, etag) = await InvitedAsync();

        using var theirs = await WithdrawAsync(host.OtherOfficer, id, Reason, etag);
        using var missing = await WithdrawAsync(host.Officer, 99999, Reason, etag);

        await ApiAssert.ProblemAsync(theirs, HttpStatusCode.NotFound, $"Assessment {id} does not exist, or you may not see it.");
        await ApiAssert.ProblemAsync(missing, HttpStatusCode.NotFound, "Assessment 99999 does not exist, or you may not see it.");
        Assert.Equal("AwaitingSupplier", await StatusAsync(id));
    }

    [Fact]
    public async Task The_ccio_and_the_supplier_who_can_see_it_get_403()
    {
        var (id, etag) = await InvitedAsync();

        using var byCcio = await WithdrawAsync(host.Ccio, id, Reason, etag);
        using var bySupplier = await WithdrawAsync(host.Supplier, id, Reason, etag);

        await ApiAssert.ProblemAsync(byCcio, HttpStatusCode.Forbidden, "Only a procurement officer");
        await ApiAssert.ProblemAsync(bySupplier, HttpStatusCode.Forbidden, "Only a procurement officer");
        Assert.Equal("AwaitingSupplier", await StatusAsync(id));
    }

    [Fact]
    public async Task An_old_etag_is_412_and_no_etag_is_428()
    {
        var (id, _) = await InvitedAsync();
        var old = $"\"{Guid.NewGuid():N}\"";

        using var stale = await WithdrawAsync(host.Officer, id, Reason, old);
        using var unnamed = await WithdrawAsync(host.Officer, id, Reason, null);

        await ApiAssert.ProblemAsync(stale, HttpStatusCode.PreconditionFailed, "changed since you opened it");
        await ApiAssert.ProblemAsync(unnamed, HttpStatusCode.PreconditionRequired, "If-Match");
        Assert.Equal("AwaitingSupplier", await StatusAsync(id));
    }

    [Fact]
    public async Task Withdrawing_an_assessment_already_withdrawn_is_409()
    {
        var (id, etag) = await InvitedAsync();
        using var first = await WithdrawAsync(host.Officer, id, Reason, etag);

        using var again = await WithdrawAsync(host.Officer, id, Reason, first.Headers.ETag!.Tag);

        await ApiAssert.ProblemAsync(again, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Starting_a_draft_is_201_with_its_address_and_etag_for_an_officer_and_403_for_a_ccio()
    {
        using var created = await host.Officer.PostAsync("/api/v1/assessments", null);
        using var byCcio = await host.Ccio.PostAsync("/api/v1/assessments", null);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("summary").GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/assessments/{id}", created.Headers.Location!.OriginalString);
        Assert.NotNull(created.Headers.ETag);
        Assert.Equal("Draft", await StatusAsync(id));
        await ApiAssert.ProblemAsync(byCcio, HttpStatusCode.Forbidden, "Only a procurement officer");
    }
}
