using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Policy.Catalogue;
using Portal.Data.Reviews;
using Portal.Features;
using Portal.Features.Assessments;
using Portal.Features.Evidence;
using Portal.Features.Policy;
using Portal.Features.Reassessments;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Reassessments;

/// <summary>
/// One signed-off upgrade assessment shared by the tests of the class (signing off is the slow part); each test starts
/// its own reassessment of it, or checks who may not.
/// </summary>
public sealed class ReassessmentFixture : IAsyncLifetime
{
    public const string ReviewNote = "Internal: the supplier's roadmap slipped twice before";
    public const string InternalComment = "Internal: ask the CSO before accepting this one";

    public TestDatabase Database { get; private set; } = default!;

    public TestJourney Journey { get; private set; } = default!;

    public Caller Officer { get; private set; } = default!;

    public Caller OtherOfficer { get; private set; } = default!;

    public Caller Supplier { get; private set; } = default!;

    public Caller Ccio { get; private set; } = default!;

    public int SourceId { get; private set; }

    public DateTime SignedAt { get; private set; }

    /// <summary>
    /// The source's in-scope codes: [0] link whose spec changed, [1] document replaced, [2] expired, [3] reworded, [4] unchanged link,
    /// [5] unchanged document, [6] document the store lost since sign-off.
    /// </summary>
    public List<string> Codes { get; private set; } = [];

    public ReassessmentService Service => new(Database, TimeProvider.System);

    public InvitationService Invitations => new(Database, TimeProvider.System, new EphemeralDataProtectionProvider(), Journey.Store);

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Journey = new TestJourney(Database);
        Officer = await TestCallers.ForAsync(Database, TestCallers.Officer);
        OtherOfficer = await TestCallers.ForAsync(Database, TestCallers.OtherOfficer);
        Supplier = await TestCallers.ForAsync(Database, TestCallers.Supplier);
        Ccio = await TestCallers.ForAsync(Database, TestCallers.Ccio);

        var (id, codes) = await TestReassessments.SignedOffAsync(Database, Journey, Officer, Supplier, Ccio, ReviewNote, InternalComment);
        Codes = codes.Take(7).ToList();
        SourceId = id;

        await using var db = Database.CreateDbContext();
        SignedAt = await db.SignOffs.Where(s => s.AssessmentId == id).Select(s => s.SignedAt).SingleAsync();
        // The link checker's findings, as it records them: [0]'s specification read differently after sign-off, [4]'s the same.
        db.LinkChecks.RemoveRange(await db.LinkChecks.Where(c => c.AssessmentId == id).ToListAsync());
        await TestReassessments.AddCheckAsync(db, id, Codes[0], SignedAt.AddDays(-1), "aaaa");
        await TestReassessments.AddCheckAsync(db, id, Codes[0], SignedAt.AddDays(1), "bbbb");
        await TestReassessments.AddCheckAsync(db, id, Codes[4], SignedAt.AddDays(-1), "cccc");
        await TestReassessments.AddCheckAsync(db, id, Codes[4], SignedAt.AddDays(1), "CCCC");
        // [1]'s document was replaced after sign-off; [5]'s was there before it. [2]'s evidence has expired since.
        var responses = await db.RequirementResponses.Where(r => r.AssessmentId == id)
            .Join(db.AssessmentRequirements, r => r.AssessmentRequirementId, a => a.Id, (r, a) => new { r.Id, a.Code }).ToDictionaryAsync(r => r.Code, r => r.Id);
        await AddDocumentAsync(db, id, responses[Codes[1]], SignedAt.AddHours(2), "replaced");
        KeptDocument = await AddDocumentAsync(db, id, responses[Codes[5]], SignedAt.AddDays(-2), "kept");
        var lost = await AddDocumentAsync(db, id, responses[Codes[6]], SignedAt.AddDays(-2), "lost");
        await Journey.Store.DeleteAsync(lost.StoredName, default);
        var expiring = await db.EvidenceItems.SingleAsync(e => e.AssessmentId == id && e.Url == $"https://developer.acme.example/{Codes[2]}");
        expiring.ValidUntil = TimeProvider.System.PortalToday().AddDays(-1);
        await db.SaveChangesAsync();

        // A new catalogue version rewords [3] (its statement) and nothing else.
        var administrator = await TestCallers.ForAsync(Database, TestCallers.Administrator);
        var catalogue = new PolicyCatalogueService(Database);
        var current = (await catalogue.ExportAsync(administrator, (await catalogue.CurrentVersionAsync(administrator))!.Id))!;
        var reworded = current with
        {
            Version = "2026-12",
            Requirements = current.Requirements.Select(r => r.Id == Codes[3] ? r with { Statement = r.Statement + " Reworded for 2026." } : r).ToList(),
        };
        var import = new CatalogueImportService(Database, TimeProvider.System);
        var draft = await import.ImportDraftAsync(administrator, "2026-12.json", Encoding.UTF8.GetBytes(CatalogueJson.Write(reworded)));
        Assert.True(draft.Succeeded, draft.Message);
        Assert.True((await import.PublishAsync(administrator, draft.Value!.DraftVersionId)).Succeeded);
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();

    /// <summary>Takes a reassessment through the guided start and invites the supplier, which carries forward.</summary>
    public Task GuidedStartAndInviteAsync(int draftId) => TestReassessments.GuidedStartAndInviteAsync(Database, Journey.Store, Officer, Supplier, draftId);

    /// <summary>Unlinks the reassessments earlier tests started from the source, so each test starts its own.</summary>
    public async Task ForgetReassessmentsAsync()
    {
        await using var db = Database.CreateDbContext();
        await db.Assessments.Where(a => a.ReassessesAssessmentId == SourceId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.ReassessesAssessmentId, (int?)null));
    }

    /// <summary>The signed-off assessment's document for [5], as the store holds it.</summary>
    public StoredDocument KeptDocument { get; private set; } = default!;

    /// <summary>A document of the signed-off assessment, really stored (so carrying it forward reads it back).</summary>
    private async Task<StoredDocument> AddDocumentAsync(Portal.Data.PortalDbContext db, int assessmentId, int responseId, DateTime at, string name)
    {
        var stored = await Journey.Store.SaveAsync(new MemoryStream(SampleDocuments.Pdf()), default);
        await Journey.Store.PromoteAsync(stored.StoredName, default);
        db.EvidenceItems.Add(new EvidenceItem
        {
            AssessmentId = assessmentId, RequirementResponseId = responseId, Kind = EvidenceItemKind.Documentation, Title = $"Report ({name})",
            StoredName = stored.StoredName, FileName = $"{name}.pdf", ContentType = "application/pdf", SizeBytes = stored.SizeBytes, Sha256 = stored.Sha256,
            EvidenceDate = DateOnly.FromDateTime(at), AddedAt = at, AddedByUserId = 1,
        });
        return stored;
    }
}

public sealed class ReassessmentServiceTests(ReassessmentFixture fixture) : IClassFixture<ReassessmentFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ForgetReassessmentsAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Only_changed_expired_or_reworded_requirements_reopen_and_the_rest_carry_forward_with_provenance()
    {
        var started = await fixture.Service.StartAsync(fixture.Officer, fixture.SourceId, null);
        Assert.True(started.Succeeded, started.Message);
        await fixture.GuidedStartAndInviteAsync(started.Value);

        await using var db = fixture.Database.CreateDbContext();
        var reassessment = await db.Assessments.AsNoTracking().SingleAsync(a => a.Id == started.Value);
        var currentVersion = await db.FrameworkVersions.Where(v => v.Label == "2026-12").Select(v => v.Id).SingleAsync();
        Assert.Equal((fixture.SourceId, currentVersion, AssessmentRoute.Upgrade), (reassessment.ReassessesAssessmentId!.Value, reassessment.FrameworkVersionId, reassessment.Route!.Value));
        var workspace = (await fixture.Journey.Workspace.GetAsync(fixture.Supplier, started.Value))!;
        var byCode = workspace.Requirements.ToDictionary(r => r.Code);
        var reopened = workspace.Requirements.Where(r => r.Response?.ReopenedReason is not null).ToDictionary(r => r.Code, r => r.Response!.ReopenedReason!);

        Assert.Equal(fixture.Codes.Take(4).Append(fixture.Codes[6]).Order(), reopened.Keys.Order());
        Assert.StartsWith("Evidence changed: the content at", reopened[fixture.Codes[0]]);
        Assert.Contains("(replaced)", reopened[fixture.Codes[1]]);
        Assert.Contains("after sign-off", reopened[fixture.Codes[1]]);
        Assert.StartsWith("Evidence expired:", reopened[fixture.Codes[2]]);
        Assert.StartsWith("The catalogue's wording", reopened[fixture.Codes[3]]);
        Assert.StartsWith("Evidence missing: the document \u201cReport (lost)\u201d could not be read", reopened[fixture.Codes[6]]);
        Assert.DoesNotContain(byCode[fixture.Codes[6]].Response!.Evidence, e => e.Title == "Report (lost)");
        foreach (var code in fixture.Codes.Take(4))
        {
            // The old words and evidence stay as a starting point; the claim is to be given afresh, and reviewed afresh.
            Assert.Null(byCode[code].Response!.Claim);
            Assert.Equal($"Answer to {code}", byCode[code].Response!.Narrative);
            Assert.False(byCode[code].IsAnswered);
        }

        var signedOn = fixture.SignedAt.ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        var source = Assessment.ReferenceOf(fixture.SourceId);
        var carried = workspace.Requirements.Where(r => !reopened.ContainsKey(r.Code) && r.Response is not null).ToList();
        Assert.NotEmpty(carried);
        Assert.All(carried, r =>
        {
            Assert.Equal(ComplianceClaim.Meets, r.Response!.Claim);
            Assert.Equal($"Carried forward from {source}, signed off {signedOn}", r.Response.CarriedForwardFrom);
        });
        Assert.Equal("Report (kept)", Assert.Single(byCode[fixture.Codes[5]].Response!.Evidence).Title);
        // The reassessment owns a copy of the document: removing either assessment's evidence never takes the other's file.
        var copy = await db.EvidenceItems.AsNoTracking().SingleAsync(e => e.AssessmentId == started.Value && e.Title == "Report (kept)");
        Assert.NotEqual(fixture.KeptDocument.StoredName, copy.StoredName);
        await using (var read = await fixture.Journey.Store.OpenAsync(copy.StoredName!, copy.Sha256!, default))
        {
            Assert.Equal(fixture.KeptDocument.SizeBytes, read.Length);
        }
        Assert.Equal($"Evidence for {fixture.Codes[4]}", Assert.Single(byCode[fixture.Codes[4]].Response!.Evidence).Title);

        var review = (await fixture.Journey.Reviews.FindAsync(fixture.Officer, started.Value)).Value!;
        Assert.All(review.Items.Where(i => carried.Any(c => c.Code == i.Code)), i => Assert.Equal((ReviewOutcome.Accepted, source), (i.Outcome!.Value, i.DecisionCarriedFrom!)));
        Assert.All(review.Items.Where(i => reopened.ContainsKey(i.Code)), i => Assert.Null(i.Outcome));

        var supplierSees = JsonSerializer.Serialize(workspace);
        Assert.DoesNotContain(ReassessmentFixture.ReviewNote, supplierSees);
        Assert.DoesNotContain(ReassessmentFixture.InternalComment, supplierSees);
        Assert.False(await db.RequirementComments.AnyAsync(c => c.AssessmentId == started.Value));
        Assert.False(await db.ReviewDecisions.AnyAsync(d => d.AssessmentId == started.Value && d.Note != null));
        Assert.False(await db.SignOffs.AnyAsync(s => s.AssessmentId == started.Value));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.Action == "ReassessmentCarriedForward" && e.AssessmentId == started.Value));
    }

    [Fact]
    public async Task A_storage_blip_while_promoting_the_copies_neither_fails_the_committed_invitation_nor_deletes_a_copy_a_row_names()
    {
        var started = (await fixture.Service.StartAsync(fixture.Officer, fixture.SourceId, null)).Value;
        var blipping = new PromoteFails(fixture.Journey.Store);

        await TestReassessments.GuidedStartAndInviteAsync(fixture.Database, blipping, fixture.Officer, fixture.Supplier, started);

        await using var db = fixture.Database.CreateDbContext();
        var copy = await db.EvidenceItems.AsNoTracking().SingleAsync(e => e.AssessmentId == started && e.Title == "Report (kept)");
        Assert.Contains(copy.StoredName!, blipping.Refused);
        // Still held (pending), so the evidence sweep promotes it: a committed row names it.
        var held = new List<StoreEntry>();
        await foreach (var entry in fixture.Journey.Store.ListAsync(default))
        {
            held.Add(entry);
        }

        Assert.Contains(held, e => e.StoredName == copy.StoredName && e.Pending);
    }

    /// <summary>The real store, except that promoting fails as Blob Storage does when it is briefly unavailable.</summary>
    private sealed class PromoteFails(IEvidenceStore inner) : IEvidenceStore
    {
        public List<string> Refused { get; } = [];

        public string Description => inner.Description;

        public Task<StoredDocument> SaveAsync(Stream content, CancellationToken cancellationToken) => inner.SaveAsync(content, cancellationToken);

        public Task PromoteAsync(string storedName, CancellationToken cancellationToken)
        {
            Refused.Add(storedName);
            throw new IOException("The store is briefly unavailable.");
        }

        public Task<Stream> OpenAsync(string storedName, string sha256, CancellationToken cancellationToken) => inner.OpenAsync(storedName, sha256, cancellationToken);

        public Task DeleteAsync(string storedName, CancellationToken cancellationToken) => inner.DeleteAsync(storedName, cancellationToken);

        public IAsyncEnumerable<StoreEntry> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);
    }

    [Fact]
    public async Task Carrying_forward_again_or_inviting_again_copies_nothing_twice()
    {
        var started = (await fixture.Service.StartAsync(fixture.Officer, fixture.SourceId, null)).Value;
        await fixture.GuidedStartAndInviteAsync(started);
        var counts = await CountsAsync(started);

        Assert.True((await fixture.Invitations.InviteAsync(fixture.Officer, started, "second.person@acme-clinical.example")).Succeeded);
        await using (var db = fixture.Database.CreateDbContext())
        {
            var assessment = await db.Assessments.SingleAsync(a => a.Id == started);
            assessment.CarriedForwardAt = null;
            Assert.Null(await ReassessmentService.CarryForwardAsync(db, fixture.Officer, assessment, DateTime.UtcNow, new DocumentCopies(fixture.Journey.Store), default));
        }

        Assert.Equal(counts, await CountsAsync(started));
    }

    [Fact]
    public async Task Another_organisation_cannot_start_a_reassessment_of_it_nor_can_a_ccio_or_the_supplier()
    {
        var otherOrganisation = await fixture.Service.StartAsync(fixture.OtherOfficer, fixture.SourceId, null);
        var ccio = await fixture.Service.StartAsync(fixture.Ccio, fixture.SourceId, null);
        var supplier = await fixture.Service.StartAsync(fixture.Supplier, fixture.SourceId, null);
        var missing = await fixture.Service.StartAsync(fixture.Officer, int.MaxValue, null);

        Assert.Equal(OutcomeKind.NotFound, otherOrganisation.Kind);
        Assert.Equal(OutcomeKind.Forbidden, ccio.Kind);
        Assert.Equal(OutcomeKind.Forbidden, supplier.Kind);
        Assert.Equal(OutcomeKind.NotFound, missing.Kind);
        Assert.Empty(await fixture.Service.ListSourcesAsync(fixture.OtherOfficer));
        Assert.Empty(await fixture.Service.ListVersionsAsync(fixture.OtherOfficer, fixture.SourceId));
        await using var db = fixture.Database.CreateDbContext();
        Assert.False(await db.Assessments.AnyAsync(a => a.ReassessesAssessmentId == fixture.SourceId));
    }

    [Fact]
    public async Task Only_a_signed_off_assessment_can_be_reassessed_and_only_for_a_version_of_its_supplier()
    {
        var draft = (await new AssessmentStartService(fixture.Database, TimeProvider.System).CreateDraftAsync(fixture.Officer)).Value!.Summary.Id;
        var notSignedOff = await fixture.Service.StartAsync(fixture.Officer, draft, null);
        int otherSuppliersVersion;
        await using (var db = fixture.Database.CreateDbContext())
        {
            var other = await db.Suppliers.Where(s => s.Name != "Acme Clinical Systems Ltd").Select(s => s.Id).FirstAsync();
            var product = new Portal.Data.Products.Product { SupplierId = other, Name = "Other EPR", CreatedAt = DateTime.UtcNow };
            product.Versions.Add(new Portal.Data.Products.ProductVersion { Label = "9.0", CreatedAt = DateTime.UtcNow });
            db.Add(product);
            await db.SaveChangesAsync();
            otherSuppliersVersion = product.Versions[0].Id;
        }

        var wrongVersion = await fixture.Service.StartAsync(fixture.Officer, fixture.SourceId, otherSuppliersVersion);

        Assert.Equal(OutcomeKind.Conflict, notSignedOff.Kind);
        Assert.Equal((OutcomeKind.Invalid, "productVersionId"), (wrongVersion.Kind, wrongVersion.Field));
    }

    [Fact]
    public async Task Two_starts_at_once_make_one_reassessment()
    {
        var outcomes = await Task.WhenAll(
            fixture.Service.StartAsync(fixture.Officer, fixture.SourceId, null),
            fixture.Service.StartAsync(fixture.Officer, fixture.SourceId, null));
        var again = await fixture.Service.StartAsync(fixture.Officer, fixture.SourceId, null);

        Assert.Single(outcomes, o => o.Succeeded);
        Assert.Contains(outcomes.Single(o => !o.Succeeded).Kind, new[] { OutcomeKind.Conflict, OutcomeKind.Stale });
        Assert.Equal(OutcomeKind.Conflict, again.Kind);
        await using var db = fixture.Database.CreateDbContext();
        Assert.Equal(1, await db.Assessments.CountAsync(a => a.ReassessesAssessmentId == fixture.SourceId));
    }

    [Fact]
    public async Task A_reviewer_can_reopen_a_carried_forward_requirement_and_a_supplier_change_ends_the_carry()
    {
        var started = (await fixture.Service.StartAsync(fixture.Officer, fixture.SourceId, null)).Value;
        await fixture.GuidedStartAndInviteAsync(started);
        var workspace = fixture.Journey.Workspace;
        var view = (await workspace.GetAsync(fixture.Supplier, started))!;
        var changed = view.Requirements.First(r => r.Response?.CarriedForwardFrom is not null);

        var saved = await workspace.SaveResponseAsync(fixture.Supplier, started, changed.Code, new(ComplianceClaim.PartiallyMeets, "Changed in 6.0", null, null, null),
            ReadVersion.Of(changed.Response!.ConcurrencyStamp));

        Assert.True(saved.Succeeded, saved.Message);
        Assert.Null(saved.Value!.Response!.CarriedForwardFrom);
        await using (var db = fixture.Database.CreateDbContext())
        {
            Assert.False(await db.ReviewDecisions.AnyAsync(d => d.AssessmentId == started
                && db.AssessmentRequirements.Any(r => r.Id == d.AssessmentRequirementId && r.Code == changed.Code)));
        }

        view = (await workspace.GetAsync(fixture.Supplier, started))!;
        foreach (var requirement in view.Requirements.Where(r => !r.IsAnswered))
        {
            Assert.True((await workspace.SaveResponseAsync(fixture.Supplier, started, requirement.Code, new(ComplianceClaim.Meets, "Fresh answer", null, null, null),
                ReadVersion.Of(requirement.Response?.ConcurrencyStamp))).Succeeded);
        }

        foreach (var function in view.Functions.Where(f => !f.IsAnswered))
        {
            await workspace.SaveFunctionAsync(fixture.Supplier, started, function.Id, "GET /Patient", null, ReadVersion.Of(function.ConcurrencyStamp));
        }

        Assert.True((await workspace.SubmitAsync(fixture.Supplier, started)).Succeeded);
        var reviews = fixture.Journey.Reviews;
        Assert.True((await reviews.StartAsync(fixture.Officer, started)).Succeeded);
        var stillCarried = (await reviews.FindAsync(fixture.Officer, started)).Value!.Items.First(i => i.DecisionCarriedFrom is not null);
        var reopened = await reviews.DecideAsync(fixture.Officer, started, [stillCarried.Code], ReviewOutcome.ClarificationRequested, "Does 6.0 still do this?", TestVersions.Any);

        Assert.True(reopened.Succeeded, reopened.Message);
        var item = reopened.Value!.Items.Single(i => i.Code == stillCarried.Code);
        Assert.Equal((ReviewOutcome.ClarificationRequested, null), (item.Outcome!.Value, item.DecisionCarriedFrom));
    }

    private async Task<(int Responses, int Evidence, int Decisions)> CountsAsync(int assessmentId)
    {
        await using var db = fixture.Database.CreateDbContext();
        return (await db.RequirementResponses.CountAsync(r => r.AssessmentId == assessmentId),
            await db.EvidenceItems.CountAsync(e => e.AssessmentId == assessmentId),
            await db.ReviewDecisions.CountAsync(d => d.AssessmentId == assessmentId));
    }
}
