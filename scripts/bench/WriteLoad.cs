using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.AccessTokens;
using Portal.Data.Assessments;
using Portal.Data.Users;

namespace Portal.Benchmarks;

/// <summary>A supplier's account manager with a personal access token, answering the one assessment they write to.</summary>
public sealed record BenchWriter(int UserId, string Token, int SupplierId, int NhsOrganisationId, int AssessmentId);

/// <summary>
/// The writers of the write runs: one account manager for each of several suppliers, each with an assessment of a
/// different NHS organisation that waits for its answers, and a read-write token made for the run. Tokens are
/// written straight to the benchmark's database, as the seeding is; the portal checks them on every request.
/// </summary>
public static class BenchWriters
{
    public static async Task<IReadOnlyList<BenchWriter>> PrepareAsync(BenchDatabase database, int count, DateTime now, CancellationToken cancellationToken)
    {
        await using var db = await database.Contexts.CreateDbContextAsync(cancellationToken);
        // The seeded suppliers' own managers (not the demo people), on assessments still waiting for the supplier.
        var candidates = await db.Assessments.AsNoTracking()
            .Where(a => a.Status == AssessmentStatus.AwaitingSupplier)
            .Join(db.Users.Where(u => u.TenantId == "bench" && u.Role == PortalRoles.SupplierAccountManager),
                a => a.SupplierId, u => u.SupplierId, (a, u) => new { a.Id, SupplierId = a.SupplierId!.Value, a.NhsOrganisationId, UserId = u.Id })
            .OrderBy(x => x.Id)
            .ToListAsync(cancellationToken);

        // One writer per supplier, and a different NHS organisation for each while there are enough of them.
        var suppliers = new HashSet<int>();
        var organisations = new HashSet<int>();
        var chosen = new List<BenchWriter>();
        foreach (var pass in new[] { true, false })
        {
            foreach (var c in candidates)
            {
                if (chosen.Count < count && !suppliers.Contains(c.SupplierId) && (!pass || !organisations.Contains(c.NhsOrganisationId)))
                {
                    suppliers.Add(c.SupplierId);
                    organisations.Add(c.NhsOrganisationId);
                    chosen.Add(new BenchWriter(c.UserId, $"{PersonalAccessToken.Prefix}bench_{c.UserId}_{Guid.NewGuid():N}", c.SupplierId, c.NhsOrganisationId, c.Id));
                }
            }
        }

        foreach (var writer in chosen)
        {
            db.PersonalAccessTokens.Add(new PersonalAccessToken
            {
                UserId = writer.UserId,
                Name = "Benchmark writer",
                TokenHash = PersonalAccessToken.HashOf(writer.Token),
                Hint = PersonalAccessToken.HintOf(writer.Token),
                Scope = TokenScope.ReadWrite,
                CreatedAt = now,
                ExpiresAt = now.AddDays(1),
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        return chosen;
    }

    /// <summary>How many answers the portal recorded in the audit trail for these writers' assessments so far.</summary>
    public static async Task<int> AuditedAnswersAsync(BenchDatabase database, IReadOnlyList<BenchWriter> writers, CancellationToken cancellationToken)
    {
        var ids = writers.Select(w => (int?)w.AssessmentId).ToList();
        await using var db = await database.Contexts.CreateDbContextAsync(cancellationToken);
        return await db.AuditEvents.CountAsync(e => e.Action == "ResponseSaved" && ids.Contains(e.AssessmentId), cancellationToken);
    }
}

/// <summary>What a write run saw. Latency and rate are of the successful writes sent after the warm-up; saves, 412s and errors are counted over the whole run.</summary>
public sealed record WriteFigures(
    int Instances,
    int Writers,
    double Seconds,
    Distribution Latency,
    double WritesPerSecond,
    int Saved,
    int PreconditionFailed,
    int Errors,
    string? FirstError)
{
    /// <summary>The portals' CPU time per counted write, in milliseconds; set by the caller that can see the portal processes.</summary>
    public double PortalCpuPerWrite { get; init; } = double.NaN;

    /// <summary>/health through the same instances with as many clients, measured just before the writes.</summary>
    public LoadFigures? Health { get; init; }

    /// <summary>ResponseSaved audit events the run added, to set beside <see cref="Saved"/>.</summary>
    public int AuditedAnswers { get; init; }
}

/// <summary>How each answer sent was taken: saved, refused as stale (412), or an error (anything else, or no answer).</summary>
public enum WriteOutcome
{
    Saved,
    Stale,
    Error,
}

/// <summary>
/// A closed loop of suppliers saving answers through the REST API: each writer sends
/// <c>PUT /api/v1/assessments/{id}/responses/{code}</c> with the ETag the last answer to that requirement gave in
/// <c>If-Match</c>, going round its assessment's requirements, for a fixed time after a warm-up. With several
/// instances, writer n goes to instance n mod the count. Only ever aimed at loopback addresses.
/// </summary>
public sealed class WriteRun : IDisposable
{
    private const int MaxWritesPerRun = 200_000;

    private readonly HttpClient _http;

    public WriteRun(int writers)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = writers,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>2xx is saved, 412 is an expected refusal of a stale If-Match, anything else is an error.</summary>
    public static WriteOutcome Classify(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => WriteOutcome.Saved,
        412 => WriteOutcome.Stale,
        _ => WriteOutcome.Error,
    };

    /// <summary>
    /// Each writer reads its assessment's answers and their ETags through the instance it will write to: done before
    /// the run, so neither its time nor its CPU is counted.
    /// </summary>
    public async Task<Dictionary<string, string>[]> ReadAnswersAsync(IReadOnlyList<Uri> instances, IReadOnlyList<BenchWriter> writers, CancellationToken cancellationToken)
    {
        LoopbackOnly(instances);
        return await Task.WhenAll(writers.Select((w, n) => EditableAsync(instances[n % instances.Count], w, cancellationToken)));
    }

    /// <param name="etags">From <see cref="ReadAnswersAsync"/> with the same instances and writers; kept up to date as answers are saved.</param>
    public async Task<WriteFigures> RunAsync(
        IReadOnlyList<Uri> instances, IReadOnlyList<BenchWriter> writers, Dictionary<string, string>[] etags, TimeSpan duration, TimeSpan warmUp,
        CancellationToken cancellationToken)
    {
        LoopbackOnly(instances);
        var portals = writers.Select((_, n) => instances[n % instances.Count]).ToArray();
        var latencies = new List<double>[writers.Count];
        int saved = 0, stale = 0, errors = 0, issued = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var end = warmUp + duration;

        async Task WriterAsync(int n)
        {
            latencies[n] = [];
            var writer = writers[n];
            var answers = etags[n];
            var codes = answers.Keys.Order(StringComparer.Ordinal).ToArray();
            for (var i = 0; clock.Elapsed < end && !cancellationToken.IsCancellationRequested; i++)
            {
                if (Interlocked.Increment(ref issued) > MaxWritesPerRun)
                {
                    return;
                }

                var code = codes[i % codes.Length];
                var counted = clock.Elapsed >= warmUp;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var request = Put(portals[n], writer, code, answers[code], i);
                    using var response = await _http.SendAsync(request, cancellationToken);
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    var took = Stopwatch.GetElapsedTime(started);
                    switch (Classify(response.StatusCode))
                    {
                        case WriteOutcome.Saved:
                            Interlocked.Increment(ref saved);
                            answers[code] = response.Headers.ETag?.ToString() ?? throw new InvalidOperationException($"PUT {request.RequestUri} answered without an ETag.");
                            if (counted)
                            {
                                latencies[n].Add(took.TotalMilliseconds);
                            }

                            break;
                        case WriteOutcome.Stale:
                            // Someone else changed the answer: read it again, as a client should, and go on.
                            Interlocked.Increment(ref stale);
                            answers[code] = await ETagAsync(portals[n], writer, code, cancellationToken);
                            break;
                        default:
                            Interlocked.Increment(ref errors);
                            Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode} for PUT {request.RequestUri}: {Shorten(body)}", null);
                            break;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, ex.Message, null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, writers.Count).Select(n => Task.Run(() => WriterAsync(n), cancellationToken)));
        var measured = clock.Elapsed - warmUp;
        var all = latencies.SelectMany(l => l).ToList();
        return new WriteFigures(instances.Count, writers.Count, measured.TotalSeconds, Distribution.Of(all), all.Count / measured.TotalSeconds,
            saved, stale, errors, firstError);
    }

    public void Dispose() => _http.Dispose();

    private static void LoopbackOnly(IReadOnlyList<Uri> instances)
    {
        foreach (var instance in instances)
        {
            if (!IPAddress.TryParse(instance.Host, out var address) || !IPAddress.IsLoopback(address))
            {
                throw new ArgumentException($"Write runs only target a loopback address, not {instance.Host}.", nameof(instances));
            }
        }
    }

    /// <summary>The writer's editable requirements and the ETag each answer has now.</summary>
    private async Task<Dictionary<string, string>> EditableAsync(Uri portal, BenchWriter writer, CancellationToken cancellationToken)
    {
        using var request = Authorised(HttpMethod.Get, new Uri(portal, $"/api/v1/assessments/{writer.AssessmentId}/responses"), writer);
        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {request.RequestUri} as supplier user {writer.UserId} answered {(int)response.StatusCode}: {Shorten(await response.Content.ReadAsStringAsync(cancellationToken))}");
        }

        var items = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var editable = items.EnumerateArray()
            .Where(i => Property(i, "editable").GetBoolean())
            .ToDictionary(i => Property(i, "code").GetString()!, i => Property(i, "etag").GetString()!, StringComparer.Ordinal);
        return editable.Count > 0
            ? editable
            : throw new InvalidOperationException($"Assessment {writer.AssessmentId} has no requirement its supplier may answer.");
    }

    private async Task<string> ETagAsync(Uri portal, BenchWriter writer, string code, CancellationToken cancellationToken)
    {
        using var request = Authorised(HttpMethod.Get, new Uri(portal, $"/api/v1/assessments/{writer.AssessmentId}/responses/{code}"), writer);
        using var response = await _http.SendAsync(request, cancellationToken);
        return response.Headers.ETag?.ToString() ?? throw new InvalidOperationException($"GET {request.RequestUri} answered {(int)response.StatusCode} without an ETag.");
    }

    private static HttpRequestMessage Put(Uri portal, BenchWriter writer, string code, string etag, int n)
    {
        var request = Authorised(HttpMethod.Put, new Uri(portal, $"/api/v1/assessments/{writer.AssessmentId}/responses/{code}"), writer);
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        // A different narrative each time, so every save changes the answer and is audited.
        request.Content = JsonContent.Create(new
        {
            claim = n % 3 == 0 ? "PartiallyMeets" : "Meets",
            narrative = $"Our open API covers {code}: documented endpoints, published specification and conformance tests (revision {n}).",
        });
        return request;
    }

    private static HttpRequestMessage Authorised(HttpMethod method, Uri uri, BenchWriter writer)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Add("Authorization", $"Bearer {writer.Token}");
        request.Headers.Add("Accept", "application/json");
        return request;
    }

    /// <summary>A property by name whatever its casing (the API writes camelCase: "eTag").</summary>
    private static JsonElement Property(JsonElement item, string name)
    {
        foreach (var property in item.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        throw new InvalidOperationException($"A response item has no '{name}'.");
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
