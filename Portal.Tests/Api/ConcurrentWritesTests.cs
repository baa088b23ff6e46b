using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Audit;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>
/// What a hostile tester did to freeze every write: many saves at once with one stale If-Match, requests cancelled in
/// flight, then a write somewhere else. Every write must finish (done, or refused with 409/412) and none may wait for
/// ever on something an earlier one left held.
/// </summary>
public sealed class ConcurrentWritesTests : IAsyncLifetime
{
    // Long enough for any honest write on a busy CI machine; a write that takes this long is stuck, not slow.
    private static readonly TimeSpan Stuck = TimeSpan.FromSeconds(60);

    private readonly PortalAppFactory _factory = new();
    private int _assessmentId;
    private HttpClient _supplier = default!;

    public async Task InitializeAsync()
    {
        _assessmentId = await _factory.InvitedAssessmentAsync();
        _supplier = await _factory.ApiClientForAsync(TestCallers.Supplier);
    }

    public async Task DisposeAsync()
    {
        _supplier.Dispose();
        await _factory.DisposeAsync();
    }

    private string Answer(string code) => $"/api/v1/assessments/{_assessmentId}/responses/{code}";

    private async Task<HttpStatusCode> PutAsync(string code, string narrative, string? ifMatch, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Answer(code))
        {
            Content = JsonContent.Create(new { claim = "Meets", narrative }),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        using var response = await _supplier.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    [Fact]
    public async Task Saves_with_one_stale_if_match_and_cancelled_requests_leave_every_later_write_free_to_finish()
    {
        Assert.Equal(HttpStatusCode.OK, await PutAsync("P.1", "First answer.", null));
        using var read = await _supplier.GetAsync(Answer("P.1"));
        var etag = read.Headers.ETag!.Tag;

        var racing = Enumerable.Range(1, 4).Select(i => PutAsync("P.1", $"Racing answer {i}.", etag)).ToList();
        var cancelled = Enumerable.Range(1, 4).Select(async i =>
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(i * 5));
            try
            {
                return await PutAsync("P.3", $"Cancelled answer {i}.", null, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                return HttpStatusCode.RequestTimeout;
            }
        }).ToList();
        var raced = await Task.WhenAll(racing).WaitAsync(Stuck);
        await Task.WhenAll(cancelled).WaitAsync(Stuck);

        Assert.Single(raced, s => s == HttpStatusCode.OK);
        Assert.All(raced.Where(s => s != HttpStatusCode.OK), s => Assert.True(
            s is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict, $"A racing save with a stale If-Match answered {(int)s}."));

        Assert.Equal(HttpStatusCode.OK, await PutAsync("P.4", "A later answer.", null).WaitAsync(Stuck));

        // Another organisation's officer, who shares nothing with this assessment, can still write.
        using var otherOfficer = await _factory.ApiClientForAsync(TestCallers.OtherOfficer);
        using var started = await otherOfficer.PostAsync("/api/v1/assessments", null).WaitAsync(Stuck);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);

        var contexts = _factory.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await contexts.CreateDbContextAsync();
        var verification = await AuditChain.VerifyAsync(db, []);
        Assert.True(verification.Intact, verification.Problem);
    }
}
