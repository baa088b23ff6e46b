using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Features;
using Portal.Features.Assessments;
using Portal.Features.Evidence;
using Portal.Features.EvidencePacks;
using Portal.Features.Products;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.EvidencePacks;

/// <summary>
/// The people and services of the pack tests, on a database of their own: Acme's account manager keeps the pack; trust A
/// (Demo Valley, ODS XDV) and trust B (Demo Shire ICB, ODS XDS) each assess Acme's product version.
/// </summary>
public sealed class PackTestBed : IAsyncDisposable
{
    public const string TrustA = "XDV";
    public const string TrustB = "XDS";

    private PackTestBed(TestDatabase database) => Database = database;

    public TestDatabase Database { get; }

    public Caller Supplier { get; private set; } = default!;

    public Caller OtherSupplier { get; private set; } = default!;

    public Caller OfficerA { get; private set; } = default!;

    public Caller OfficerB { get; private set; } = default!;

    public Caller CcioA { get; private set; } = default!;

    public EvidenceOptions Limits { get; } = new() { MaxFileBytes = 64 * 1024, AssessmentQuotaBytes = 1024 * 1024 };

    public IEvidenceStore Store { get; private set; } = default!;

    public ProductService Products => new(Database, TimeProvider.System);

    public EvidencePackService Packs => new(Database, Store, Options.Create(Limits), TimeProvider.System);

    public PackFillService Fill => new(Database, Store, Options.Create(Limits), TimeProvider.System);

    public TestJourney Journey { get; private set; } = default!;

    public static async Task<PackTestBed> CreateAsync()
    {
        var bed = new PackTestBed(await TestDatabase.CreateAsync());
        bed.Store = new LocalFolderEvidenceStore(Path.Combine(bed.Database.Directory, "evidence"));
        bed.Journey = new TestJourney(bed.Database);
        bed.Supplier = await TestCallers.ForAsync(bed.Database, TestCallers.Supplier);
        bed.OtherSupplier = await TestCallers.ForAsync(bed.Database, TestCallers.OtherSupplier);
        bed.OfficerA = await TestCallers.ForAsync(bed.Database, TestCallers.Officer);
        bed.OfficerB = await TestCallers.ForAsync(bed.Database, TestCallers.OtherOfficer);
        bed.CcioA = await TestCallers.ForAsync(bed.Database, TestCallers.Ccio);
        return bed;
    }

    public ValueTask DisposeAsync() => Database.DisposeAsync();

    /// <summary>Acme's product CarePAS and its version 5.2.</summary>
    public async Task<int> VersionAsync(string product = "CarePAS", string label = "5.2")
    {
        var added = await Products.AddProductAsync(Supplier, new(product, "Patient administration"));
        Assert.True(added.Succeeded, added.Message);
        var version = await Products.AddVersionAsync(Supplier, added.Value!.Id, new(label, new DateOnly(2026, 3, 12), null));
        Assert.True(version.Succeeded, version.Message);
        return version.Value!.Id;
    }

    /// <summary>
    /// A pack for the version answering every requirement of the current catalogue except <paramref name="unanswered"/>,
    /// with a link on P.1 and a document on P.2.
    /// </summary>
    public async Task<PackView> PackAsync(int versionId, params string[] unanswered)
    {
        var started = await Packs.CreateAsync(Supplier, new(versionId, null));
        Assert.True(started.Succeeded, started.Message);
        var pack = started.Value!;
        foreach (var requirement in pack.Requirements.Where(r => !unanswered.Contains(r.Code)))
        {
            var saved = await Packs.SaveAnswerAsync(Supplier, pack.Id, requirement.Code,
                new ResponseDraft(ComplianceClaim.Meets, $"Pack answer to {requirement.Code}", null, null, null), ReadVersion.Of(pack.ConcurrencyStamp));
            Assert.True(saved.Succeeded, saved.Message);
            pack = saved.Value!;
        }

        var linked = await Packs.AddLinkAsync(Supplier, pack.Id, "P.1",
            new EvidenceInput(EvidenceItemKind.Documentation, "API reference", "https://developer.acme.example/api", new DateOnly(2026, 3, 1), null),
            ReadVersion.Of(pack.ConcurrencyStamp));
        Assert.True(linked.Succeeded, linked.Message);
        using var document = new MemoryStream(Encoding.UTF8.GetBytes("CarePAS interface specification, version 5.2"));
        var uploaded = await Packs.AddDocumentAsync(Supplier, pack.Id, "P.2",
            new EvidenceInput(EvidenceItemKind.OpenApiSpecification, "Interface specification", null, new DateOnly(2026, 3, 1), null), "spec.txt", document,
            ReadVersion.Of(linked.Value!.ConcurrencyStamp));
        Assert.True(uploaded.Succeeded, uploaded.Message);
        return uploaded.Value!;
    }

    public async Task ShareAsync(int packId, string odsCode)
    {
        var shared = await Packs.ShareAsync(Supplier, packId, odsCode);
        Assert.True(shared.Succeeded, shared.Message);
    }

    /// <summary>An assessment by <paramref name="officer"/>'s organisation of Acme's system, naming the version, waiting for the supplier.</summary>
    public Task<int> AssessmentAsync(Caller officer, int? versionId) => AssessmentAsync(Database, officer, Supplier, versionId);

    /// <summary>The same, on any database (a browser test's running portal).</summary>
    public static async Task<int> AssessmentAsync(IDbContextFactory<PortalDbContext> database, Caller officer, Caller supplier, int? versionId)
    {
        var start = new AssessmentStartService(database, TimeProvider.System);
        var id = (await start.CreateDraftAsync(officer)).Value!.Summary.Id;
        int acme;
        await using (var db = await database.CreateDbContextAsync())
        {
            acme = await db.Suppliers.Where(s => s.Name == "Acme Clinical Systems Ltd").Select(s => s.Id).SingleAsync();
        }

        await start.SaveRouteAsync(officer, id, AssessmentRoute.Procure);
        await start.SaveSystemAsync(officer, id, new AssessmentStartService.SystemDetails(
            "Patient administration system", acme, null, null, null, null,
            TimeProvider.System.PortalToday().AddDays(30), TimeProvider.System.PortalToday().AddDays(90)));
        if (versionId is not null)
        {
            var chosen = await new ProductService(database, TimeProvider.System).ChooseVersionAsync(officer, id, versionId);
            Assert.True(chosen.Succeeded, chosen.Message);
        }

        await start.SaveConditionsAsync(officer, id, ScopeConditions.ConfidentialPatientData);
        await start.SaveFunctionsAsync(officer, id, [new("Register a new patient", null)]);
        await start.ConfirmScopeAsync(officer, id);
        var confirmed = await start.ConfirmAsync(officer, id);
        Assert.True(confirmed.Succeeded, confirmed.Message);
        var invited = await new InvitationService(database, TimeProvider.System, new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider(),
            new Portal.Features.Evidence.LocalFolderEvidenceStore(Path.Combine(Path.GetTempPath(), "portal-tests", "no-documents")))
            .InviteAsync(officer, id, supplier.Email);
        Assert.True(invited.Succeeded, invited.Message);
        return id;
    }

    public async Task<List<string>> InScopeAsync(int assessmentId)
    {
        await using var db = Database.CreateDbContext();
        return await db.AssessmentRequirements.Where(r => r.AssessmentId == assessmentId && r.InScope).OrderBy(r => r.Order).Select(r => r.Code).ToListAsync();
    }

    public PortalDbContext Db() => Database.CreateDbContext();
}
