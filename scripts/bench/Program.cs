using System.Globalization;
using Portal.Benchmarks;
using Portal.Data.Audit;
using Portal.Features.Audit;

// The benchmark behind scripts/bench.sh; README "Benchmarks" says what it measures and why.
var settings = BenchSettings.Parse(args);
var root = settings.RepositoryRoot;
var work = Path.Combine(root, "artifacts", "bench");
Directory.CreateDirectory(work);
// Bounded, but with room for a full run on a machine that other builds load (a full run takes about 8 minutes when quiet).
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(90));
var token = cancel.Token;
var loadAtStart = Machine.LoadAverage();
// The database is seeded afresh, so digests of the last run's audit chains would no longer match it.
foreach (var stale in Directory.GetFiles(work, "audit-digests-*.jsonl"))
{
    File.Delete(stale);
}

Console.WriteLine($"Seeding {settings.Size.Assessments:N0} assessments for {settings.Size.Organisations} NHS organisations and {settings.Size.Suppliers} suppliers...");
var now = DateTime.UtcNow;
var data = await new NhsScaleData(Path.Combine(work, "portal-bench.db"), settings.Size, now).CreateAsync(token);
Console.WriteLine($"Seeded {data.Rows.Values.Sum():N0} rows in {data.SeedTime.TotalSeconds:N1} s (migrations {data.MigrateTime.TotalSeconds:N1} s).");

var result = new BenchResult
{
    StartedAt = now.ToString("O", CultureInfo.InvariantCulture),
    Commit = settings.Commit,
    Machine = Machine.Describe(loadAtStart),
    DataSet = settings.Size,
    Rows = data.Rows,
    MigrateSeconds = data.MigrateTime.TotalSeconds,
    SeedSeconds = data.SeedTime.TotalSeconds,
    DatabaseBytes = data.DatabaseBytes,
    PageAssessmentRequirements = data.PageAssessmentRequirements,
};

// A part that fails is named with its error, the parts that worked are still printed, and the run exits non-zero.
var sections = new BenchSections(result, settings.Runs);
string[] instanceNames = ["portal", "portal-2", "portal-fair-use-1", "portal-fair-use-2"];
await sections.RunAsync("The portal and its pages", async () =>
{
    Console.WriteLine("Starting the Release portal on Kestrel...");
    await using var portal = await PortalUnderTest.StartAsync(settings.PortalDll, Path.Combine(work, "portal-bench.db"), work, instanceNames[0], token);
    var database = new BenchDatabase(Path.Combine(work, "portal-bench.db"));
    Console.WriteLine("Waiting for the portal's score worker to finish its first round (every seeded score and organisation's lists)...");
    result.ScoreWorkerFirstRoundSeconds = (await ScoreWorkerRound.WaitAsync(database, TimeSpan.FromMinutes(20), token)).TotalSeconds;
    Console.WriteLine($"The score worker's first round was done {result.ScoreWorkerFirstRoundSeconds:N0} s after the portal answered.");
    var writers = await BenchWriters.PrepareAsync(database, settings.Writers, now, token);
    var officer = await DevelopmentSignIn.AsAsync(portal.Address, data.OfficerUserId, token);
    using var load = new LoadRun(portal.Address, officer, settings.Clients);
    // The same officer through the REST API, with her Development demo token (the API signs in by bearer token only).
    using var api = new LoadRun(portal.Address, officer, settings.Clients, Portal.Data.Seed.PortalSeeder.DemoToken("olivia.hart"));
    var ids = data.DemoTrustAssessmentIds;
    string Each(int n, string format) => string.Format(CultureInfo.InvariantCulture, format, ids[n % ids.Count]);
    var pageReference = $"OAP-{data.PageAssessmentId:D5}";

    // Each page is fetched once first, to be sure the run measures the page it names and not a sign-in redirect.
    await Expect(load, "/assessments", "Showing 1 to 25 of", token);
    await Expect(load, "/assessments?status=UnderReview&page=2", "Showing ", token);
    await Expect(load, $"/assessments/{data.PageAssessmentId}", pageReference, token);
    await Expect(load, $"/assessments/{data.PageAssessmentId}/evidence", pageReference, token);
    await Expect(load, $"/assessments/{data.PageAssessmentId}/scorecard.json", pageReference, token);
    await Expect(load, $"/assessments/{data.PageAssessmentId}/scorecard.pdf", "%PDF-", token);
    await Expect(api, $"/api/v1/assessments/{data.PageAssessmentId}/scorecard", pageReference, token);
    await Expect(api, "/api/v1/assessments?status=UnderReview&page=2", "\"total\"", token);

    async Task<LoadFigures> Run(string label, Func<int, string> path, LoadRun? runner = null)
    {
        Console.WriteLine($"Load: {label}, {settings.Clients} clients for {settings.Duration.TotalSeconds:N0} s...");
        var cpuBefore = portal.CpuTime();
        var figures = await (runner ?? load).RunAsync(label, path, settings.Clients, settings.Duration, settings.WarmUp, token);
        // The warm-up's requests are not counted, so its share of CPU is taken out in proportion to time.
        var cpu = (portal.CpuTime() - cpuBefore).TotalMilliseconds * figures.Seconds / (figures.Seconds + settings.WarmUp.TotalSeconds);
        return figures with { PortalCpuPerRequest = cpu / Math.Max(1, figures.Complete.Count) };
    }

    // One round over every page first, uncounted, so JIT and tiered compilation are done before the first measured run.
    string[] warmUp = ["/assessments", "/assessments?status=SignedOff&page=2", "/assessments/{0}", "/assessments/{0}/evidence", "/assessments/{0}/scorecard.json"];
    // With --only, the uncounted rounds are left out too: the parts it names are looked at again, not compared.
    if (settings.Only.Count == 0)
    {
        Console.WriteLine($"Warming the portal up for {settings.Duration.TotalSeconds / 2:N0} s...");
        await load.RunAsync("warm-up", n => Each(n, warmUp[n % warmUp.Length]), settings.Clients, settings.Duration / 2, TimeSpan.Zero, token);
        string[] apiWarmUp = ["/api/v1/assessments?page=2", "/api/v1/assessments/{0}/scorecard"];
        await api.RunAsync("API warm-up", n => Each(n, apiWarmUp[n % apiWarmUp.Length]), settings.Clients, settings.Duration / 4, TimeSpan.Zero, token);
    }

    var health = await Run("/health", _ => "/health");
    async Task Measure(string label, Func<int, string> path, bool pageGoal, LoadRun? runner = null) => await sections.RunAsync(label, async () =>
    {
        var figures = await Run(label, path, runner);
        result.Load.Add(new(label, figures, health, pageGoal ? new Goal("p95 <= 150 ms", figures.Failures == 0 && figures.FirstByte.P95 <= 150) : null));
    });

    string[] statuses = ["AwaitingSupplier", "UnderReview", "SignedOff"];
    await Measure("Assessments list (/assessments)", _ => "/assessments", pageGoal: true);
    // Each view at its one address: the list sends any other (such as page=1) on to it with a 302, which is not a page.
    await Measure("Assessments list, by status, pages 1-4", n => 1 + n / 3 % 4 is var page && page == 1
        ? $"/assessments?status={statuses[n % 3]}"
        : $"/assessments?status={statuses[n % 3]}&page={page}", pageGoal: true);
    await Measure("Assessment page (/assessments/{id})", n => Each(n, "/assessments/{0}"), pageGoal: true);
    await Measure("Evidence workspace, ~60 requirements", n => Each(n, "/assessments/{0}/evidence"), pageGoal: true);
    await Measure("Scorecard JSON export", n => Each(n, "/assessments/{0}/scorecard.json"), pageGoal: false);
    await Measure("API: scorecard JSON (/api/v1/.../scorecard)", n => Each(n, "/api/v1/assessments/{0}/scorecard"), pageGoal: false, api);
    await Measure("API: assessments, by status, pages 1-4", n => $"/api/v1/assessments?status={statuses[n % 3]}&page={1 + n / 3 % 4}", pageGoal: false, api);
    await sections.RunAsync("Dashboard aggregates", async () =>
    {
        Console.WriteLine("Dashboard: a visit before the score worker's round, the round, then one visit after another...");
        var dashboard = await DashboardTiming.MeasureAsync(database, data.OfficerUserId, settings.DashboardVisits, token);
        result.Dashboard = new(dashboard, new Goal("median and first visits <= 50 ms",
            dashboard.Visits.Median <= 50 && dashboard.FirstVisitMs <= 50 && dashboard.BeforeWorkerMs <= 50));
        foreach (var command in dashboard.Commands ?? [])
        {
            Console.WriteLine($"  {command.MedianMs,8:N1} ms  {command.Sql.ReplaceLineEndings(" ")[..Math.Min(160, command.Sql.ReplaceLineEndings(" ").Length)]}");
        }
    });
    // After the organisation's dashboard, which it changes: every seeded organisation goes under the demo ICB.
    await sections.RunAsync("ICB roll-up dashboard", async () =>
    {
        Console.WriteLine("ICB roll-up: every organisation under the demo ICB; a visit before the members' round, the round, then one visit after another...");
        var icb = await IcbRollUpTiming.MeasureAsync(database, settings.DashboardVisits, token);
        result.IcbRollUp = new(icb, new Goal("median and first visits <= 50 ms", icb.Visits.Median <= 50 && icb.FirstVisitMs <= 50 && icb.BeforeWorkerMs <= 50));
        foreach (var command in icb.Commands)
        {
            Console.WriteLine($"  {command.MedianMs,8:N1} ms  {command.Sql.ReplaceLineEndings(" ")[..Math.Min(160, command.Sql.ReplaceLineEndings(" ").Length)]}");
        }
    });
    await sections.RunAsync("Organisation dashboard page (/dashboard)", async () =>
    {
        await Expect(load, "/dashboard", "Dashboard", token);
        await Measure("Organisation dashboard page (/dashboard)", _ => "/dashboard", pageGoal: false);
    });
    // Issue 18: the public register with its published product versions, signed out, as the public reads it.
    await sections.RunAsync("Public register, signed out", async () =>
    {
        using var signedOut = new LoadRun(portal.Address, new SignedInCookies([]), settings.Clients);
        var published = settings.Size.PublishedVersions;
        var lastPage = Math.Max(1, (published + 24) / 25);
        var farPage = Math.Max(1, lastPage * 7 / 8);
        string[] searches = ["Meridian", "Cedar", "Harbour", "Nimbus"];
        await Expect(signedOut, "/register", "; page 1 of ", token);
        await Expect(signedOut, $"/register?page={farPage}", $"; page {farPage} of ", token);
        await Expect(signedOut, $"/register?search={searches[0]}", " match ", token);
        await Expect(signedOut, "/api/v1/register", "\"total\"", token);
        await Expect(signedOut, "/api/v1/register.csv", "supplier,product,version", token);
        await Measure("Register, signed out (/register), first page", _ => "/register", pageGoal: false, signedOut);
        await Measure($"Register, signed out, a far page (/register?page={farPage})", _ => $"/register?page={farPage}", pageGoal: false, signedOut);
        await Measure("Register, signed out, a search (/register?search=...)", n => $"/register?search={searches[n % searches.Length]}", pageGoal: false, signedOut);
        await Measure("API: register JSON, first page (/api/v1/register)", _ => "/api/v1/register", pageGoal: false, signedOut);
        // The whole file each time, by fewer clients: each request is every published version.
        using var csv = new LoadRun(portal.Address, new SignedInCookies([]), 4);
        await sections.RunAsync($"Register CSV, whole file, {published:N0} entries (/api/v1/register.csv), 4 clients", async () =>
        {
            var label = $"Register CSV, whole file, {published:N0} entries (/api/v1/register.csv), 4 clients";
            Console.WriteLine($"Load: {label} for {settings.Duration.TotalSeconds:N0} s...");
            var cpuBefore = portal.CpuTime();
            var figures = await csv.RunAsync(label, _ => "/api/v1/register.csv", 4, settings.Duration, settings.WarmUp, token);
            var cpu = (portal.CpuTime() - cpuBefore).TotalMilliseconds * figures.Seconds / (figures.Seconds + settings.WarmUp.TotalSeconds);
            result.Load.Add(new(label, figures with { PortalCpuPerRequest = cpu / Math.Max(1, figures.Complete.Count) }, health, null));
        });
    });
    await Measure("Scorecard PDF download (preview, records nothing)", n => Each(n, "/assessments/{0}/scorecard.pdf"), pageGoal: false);
    result.Load.Add(new("/health (baseline)", health, health, null));

    await sections.RunAsync("PDF scorecard against a bare document", async () =>
    {
        Console.WriteLine($"PDF: rendering the scorecard of {pageReference} and a bare document in turn, {settings.PdfRenders} times each...");
        var pdf = await ScorecardPdfTiming.MeasureAsync(database, data.PageAssessmentId, data.OfficerUserId, settings.PdfRenders, token);
        result.Pdf = new(pdf,
            new Goal("median <= 20 ms", pdf.Render.Median <= 20),
            new Goal("<= 150 KB", pdf.Bytes <= 150 * 1024),
            new Goal("median ratio <= 2.0 x bare", pdf.TimesBare <= 2.0));
    });

    await sections.RunAsync("Memory per circuit", async () =>
    {
        // The assessment page, its evidence workspace as the officer reads the supplier's answers (read-only), and the
        // workspace as the supplier's account manager answers (its forms and editors: the heaviest page a person keeps open).
        var supplier = await DevelopmentSignIn.AsAsync(portal.Address, data.SupplierUserId, token);
        (string Path, string Expect, SignedInCookies Who)[] measured =
        [
            ($"/assessments/{data.PageAssessmentId}", pageReference, officer),
            ($"/assessments/{data.PageAssessmentId}/evidence", "Evidence for", officer),
            ($"/assessments/{data.SupplierEditingAssessmentId}/evidence", "Evidence for", supplier),
        ];
        foreach (var (path, expect, who) in measured)
        {
            Console.WriteLine($"Memory: opening {settings.Circuits} Chromium pages on {path}{(ReferenceEquals(who, supplier) ? " (the supplier answering)" : "")}...");
            var circuits = await CircuitMemory.MeasureAsync(portal, who, path, expect, settings.Circuits, settings.Chromium, token);
            circuits = circuits with { Path = ReferenceEquals(who, supplier) ? $"{path}, the supplier answering" : $"{path}, the officer reading" };
            result.Circuits.Add(new(circuits, new Goal("managed heap <= 250 KB", circuits.HeapPerCircuit <= 250 * 1024)));
        }
    });

    await sections.RunAsync("Pages in a browser, beside a bare Blazor Server app", async () =>
    {
        string[] pages = ["/", "/assessments", $"/assessments/{data.PageAssessmentId}", $"/assessments/{data.PageAssessmentId}/evidence", $"/assessments/{data.PageAssessmentId}/scorecard", "/dashboard"];
        string[] barePages = ["/", "/counter"];
        await using var bareApp = await PortalUnderTest.StartBareAsync(settings.BareDll, work, token);
        await sections.RunAsync("Bytes per page", async () =>
        {
            Console.WriteLine($"Bytes: first and repeat visits to {pages.Length} pages, and to the bare Blazor app's home and counter pages...");
            var portalBytes = await PageBytes.MeasureAsync("portal", portal.Address, officer, pages, "html[data-interactive='true'], [data-static-page]", settings.Chromium);
            var bareBytes = await PageBytes.MeasureAsync("bare", bareApp.Address, null, barePages, "h1", settings.Chromium);
            foreach (var (figures, n) in portalBytes.Select((f, n) => (f, n)))
            {
                result.Bytes.Add(new(figures, bareBytes[Math.Min(n, 1)],
                    new Goal("first visit <= 200 KB", figures.FirstVisit <= 200 * 1024),
                    new Goal("repeat visit <= 80 KB", figures.RepeatVisit <= 80 * 1024)));
            }
        });
        await sections.RunAsync("Lighthouse", async () =>
        {
            Console.WriteLine($"Lighthouse: {pages.Length} pages and the bare Blazor app's {barePages.Length}, one after another...");
            var bare = new List<LighthouseFigures>();
            foreach (var path in barePages)
            {
                bare.Add(await LighthouseRun.MeasureAsync("bare", bareApp.Address, path, null, settings.Chromium, work, token));
            }

            foreach (var (path, n) in pages.Select((p, n) => (p, n)))
            {
                var figures = await LighthouseRun.MeasureAsync("portal", portal.Address, path, officer, settings.Chromium, work, token);
                result.Lighthouse.Add(new(figures, bare[Math.Min(n, 1)],
                    new Goal("LCP <= 2.5 s", figures.LargestContentfulPaintMs <= 2500),
                    new Goal("TBT <= 200 ms", figures.TotalBlockingTimeMs <= 200)));
            }
        });
    });

    await sections.RunAsync("Upload memory", async () =>
    {
        Console.WriteLine("Memory: one ordinary upload and one inflation bomb, each through the API...");
        foreach (var upload in await UploadMemory.MeasureAsync(portal, database, writers[0], token))
        {
            result.Uploads.Add(new(upload, new Goal("peak growth <= 50 MB", upload.PeakGrowth <= 50L << 20)));
        }
    });

    // Writes come last, since they change the answers the pages above were measured on.
    async Task MeasureWrites(string label, IReadOnlyList<PortalUnderTest> instances) => await sections.RunAsync($"Writes through {label}", async () =>
    {
        var addresses = instances.Select(i => i.Address).ToList();
        using var run = new WriteRun(writers.Count);
        var answers = await run.ReadAnswersAsync(addresses, writers, token);
        var auditedBefore = await BenchWriters.AuditedAnswersAsync(database, writers, token);
        // One uncounted round first, as for the pages, so an instance just started has compiled its write path.
        Console.WriteLine($"Warming the write path up through {label} for {settings.Duration.TotalSeconds / 2:N0} s...");
        var warm = await run.RunAsync(addresses, writers, answers, settings.Duration / 2, TimeSpan.Zero, token);

        Console.WriteLine($"Load: /health through {label}, {writers.Count} clients for {settings.Duration.TotalSeconds:N0} s...");
        using var healthRun = new LoadRun(addresses, officer, writers.Count);
        var health = await healthRun.RunAsync("/health", _ => "/health", writers.Count, settings.Duration, settings.WarmUp, token);

        Console.WriteLine($"Writes: {writers.Count} suppliers saving answers through {label} for {settings.Duration.TotalSeconds:N0} s...");
        var cpuBefore = instances.Sum(i => i.CpuTime().TotalMilliseconds);
        var figures = await run.RunAsync(addresses, writers, answers, settings.Duration, settings.WarmUp, token);
        var cpu = (instances.Sum(i => i.CpuTime().TotalMilliseconds) - cpuBefore) * figures.Seconds / (figures.Seconds + settings.WarmUp.TotalSeconds);
        var audited = await BenchWriters.AuditedAnswersAsync(database, writers, token) - auditedBefore;
        // Saves, 412s and errors are counted over every write sent, the warm-ups' included; only latency and rate are timed.
        figures = figures with
        {
            Saved = warm.Saved + figures.Saved,
            PreconditionFailed = warm.PreconditionFailed + figures.PreconditionFailed,
            Errors = warm.Errors + figures.Errors,
            FirstError = warm.FirstError ?? figures.FirstError,
            Health = health,
            PortalCpuPerWrite = cpu / Math.Max(1, figures.Latency.Count),
            AuditedAnswers = audited,
        };
        result.Writes.Add(new($"Writes with audit, {label} ({writers.Count} writers)", figures,
            new Goal("0 errors", figures.Errors == 0), new Goal("one per save", audited == figures.Saved)));
    });

    await MeasureWrites("1 instance", [portal]);
    Console.WriteLine("Starting a second instance of the portal on the same database...");
    await sections.RunAsync("Two instances on one database", async () =>
    {
        await using var second = await PortalUnderTest.StartAsync(settings.PortalDll, Path.Combine(work, "portal-bench.db"), work, instanceNames[1], token);
        await MeasureWrites("2 instances, one database", [portal, second]);

        // Pages through the reverse proxy with session affinity (tools/Portal.Proxy), as a load balancer serves them:
        // one instance behind it, then both, measured one after the other in this run. The load's requests carry no
        // affinity cookie, so the proxy sends each to the next instance in turn, as it would many people's first pages.
        string[] proxiedPages = ["/assessments", "/assessments/{0}"];
        await sections.RunAsync("Pages behind the proxy", async () =>
        {
            foreach (var instances in new[] { new[] { portal }, new[] { portal, second } })
            {
                var label = instances.Length == 1 ? "1 instance" : $"{instances.Length} instances, one database";
                await using var proxy = await Portal.Proxy.PortalProxy.StartAsync(instances.Select(i => i.Address).ToList(), cancellationToken: token);
                using var proxied = new LoadRun(proxy.Address, officer, settings.Clients);
                Console.WriteLine($"Warming {label} up behind the proxy for {settings.Duration.TotalSeconds / 2:N0} s...");
                await proxied.RunAsync("warm-up", n => Each(n, proxiedPages[n % proxiedPages.Length]), settings.Clients, settings.Duration / 2, TimeSpan.Zero, token);
                Console.WriteLine($"Load: /health behind the proxy, {label}, {settings.Clients} clients for {settings.Duration.TotalSeconds:N0} s...");
                var proxiedHealth = await proxied.RunAsync("/health", _ => "/health", settings.Clients, settings.Duration, settings.WarmUp, token);
                foreach (var (name, page) in new[] { ("Assessments list", "/assessments"), ("Assessment page", "/assessments/{0}") })
                {
                    Console.WriteLine($"Load: {name} behind the proxy, {label}, {settings.Clients} clients for {settings.Duration.TotalSeconds:N0} s...");
                    var cpuBefore = instances.Select(i => i.CpuTime().TotalMilliseconds).ToArray();
                    var figures = await proxied.RunAsync(name, n => Each(n, page), settings.Clients, settings.Duration, settings.WarmUp, token);
                    var cpu = instances.Select((i, n) => i.CpuTime().TotalMilliseconds - cpuBefore[n]).ToArray();
                    var share = instances.Length == 1 ? "" : $", CPU split {string.Join("/", cpu.Select(c => (100 * c / cpu.Sum()).ToString("N0", CultureInfo.InvariantCulture)))}%";
                    figures = figures with { PortalCpuPerRequest = cpu.Sum() * figures.Seconds / (figures.Seconds + settings.WarmUp.TotalSeconds) / Math.Max(1, figures.Complete.Count) };
                    result.Load.Add(new($"Behind the proxy, {label}: {name}{share}", figures, proxiedHealth, null));
                }
            }
        });
    }, holdsOthers: true);

    // Issue 15: the API's per-token limit held across two instances counting in one Redis, beside one instance.
    await sections.RunAsync("Fair-use limit across two instances", async () =>
    {
        var fairUse = await FairUseAcrossInstances.MeasureAsync(settings.PortalDll, Path.Combine(work, "portal-bench.db"), work, token);
        foreach (var figures in fairUse)
        {
            result.FairUse.Add(new(figures, figures.Instances == 1 ? null : fairUse[0],
                new Goal("admitted within 10% of the limit", Math.Abs(figures.PercentOff) <= 10)));
        }
    });

    await sections.RunAsync("Audit chains", async () =>
    {
        Console.WriteLine("Verifying the audit chains against both instances' digests...");
        result.Chains = await VerifyChainsAsync(database, instanceNames.Select(n => PortalUnderTest.DigestFile(work, n)).Where(File.Exists), token);
    });
}, holdsOthers: true);

result.Machine = Machine.Describe(loadAtStart);
Console.WriteLine();
Console.Write(result.Table());
Console.WriteLine($"Figures written to {result.Write(work)}");
if (result.Failures.Count > 0)
{
    Console.Error.WriteLine($"The benchmark FAILED in {result.Failures.Count} part(s); the figures above are from the parts that worked:");
    foreach (var failure in result.Failures)
    {
        Console.Error.WriteLine($"  {failure.Section}: {failure.Error}");
    }

    return 1;
}

return 0;

static async Task<BenchResult.ChainResult> VerifyChainsAsync(BenchDatabase database, IEnumerable<string> digestFiles, CancellationToken token)
{
    var digests = new List<AuditDigest>();
    foreach (var file in digestFiles)
    {
        digests.AddRange((await new AppendOnlyFileDigestStore(file).ReadAllAsync(token)).Digests);
    }

    await using var db = await database.Contexts.CreateDbContextAsync(token);
    var verification = await AuditChain.VerifyAsync(db, digests, token);
    return new(verification.EventsChecked, verification.ChainsChecked, verification.DigestsChecked, verification.Problem,
        new Goal("every chain verifies", verification.Intact));
}

static async Task Expect(LoadRun load, string path, string text, CancellationToken token)
{
    var body = await load.FetchAsync(path, token);
    if (!body.Contains(text, StringComparison.Ordinal))
    {
        throw new InvalidOperationException($"{path} did not contain '{text}'.");
    }
}
