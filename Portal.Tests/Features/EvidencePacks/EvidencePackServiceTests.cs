using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Features;
using Portal.Features.Evidence;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.EvidencePacks;

public sealed class EvidencePackServiceTests : IAsyncLifetime
{
    private PackTestBed _bed = default!;

    public async Task InitializeAsync() => _bed = await PackTestBed.CreateAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task A_supplier_keeps_its_own_products_and_versions_and_nobody_else_can_add_to_them()
    {
        var added = await _bed.Products.AddProductAsync(_bed.Supplier, new("CarePAS", null));
        var twice = await _bed.Products.AddProductAsync(_bed.Supplier, new(" CarePAS ", null));
        var byOfficer = await _bed.Products.AddProductAsync(_bed.OfficerA, new("Officer's product", null));
        var versionByOther = await _bed.Products.AddVersionAsync(_bed.OtherSupplier, added.Value!.Id, new("1.0", null, null));
        var version = await _bed.Products.AddVersionAsync(_bed.Supplier, added.Value.Id, new("5.2", new DateOnly(2026, 3, 12), "Spring release"));
        var versionTwice = await _bed.Products.AddVersionAsync(_bed.Supplier, added.Value.Id, new("5.2", null, null));

        Assert.Equal(OutcomeKind.Done, added.Kind);
        Assert.Equal((OutcomeKind.Invalid, "name"), (twice.Kind, twice.Field));
        Assert.Equal(OutcomeKind.Forbidden, byOfficer.Kind);
        Assert.Equal(OutcomeKind.NotFound, versionByOther.Kind);
        Assert.Equal(OutcomeKind.Done, version.Kind);
        Assert.Equal((OutcomeKind.Invalid, "label"), (versionTwice.Kind, versionTwice.Field));
        Assert.Equal("5.2", Assert.Single(Assert.Single(await _bed.Products.ListAsync(_bed.Supplier)).Versions).Label);
        Assert.Empty(await _bed.Products.ListAsync(_bed.OtherSupplier));
    }

    [Fact]
    public async Task An_officer_can_name_only_a_version_of_the_assessed_supplier_and_only_for_their_own_draft()
    {
        var acmeVersion = await _bed.VersionAsync();
        var brightwater = await _bed.Products.AddProductAsync(_bed.OtherSupplier, new("Brightwater EPR", null));
        var otherVersion = (await _bed.Products.AddVersionAsync(_bed.OtherSupplier, brightwater.Value!.Id, new("1.0", null, null))).Value!.Id;
        var start = new Portal.Features.Assessments.AssessmentStartService(_bed.Database, TimeProvider.System);
        var draft = (await start.CreateDraftAsync(_bed.OfficerA)).Value!.Summary.Id;
        await using (var db = _bed.Db())
        {
            var acme = await db.Suppliers.Where(s => s.Name == "Acme Clinical Systems Ltd").Select(s => s.Id).SingleAsync();
            await start.SaveSystemAsync(_bed.OfficerA, draft, new(null, acme, null, null, null, null, null, null));
        }

        var other = await _bed.Products.ChooseVersionAsync(_bed.OfficerA, draft, otherVersion);
        var byTrustB = await _bed.Products.ChooseVersionAsync(_bed.OfficerB, draft, acmeVersion);
        var chosen = await _bed.Products.ChooseVersionAsync(_bed.OfficerA, draft, acmeVersion);

        Assert.Equal((OutcomeKind.Invalid, "productVersionId"), (other.Kind, other.Field));
        Assert.Equal(OutcomeKind.NotFound, byTrustB.Kind);
        Assert.Equal(OutcomeKind.Done, chosen.Kind);
        Assert.Equal(["CarePAS 5.2"], (await _bed.Products.ListVersionsForAssessmentAsync(_bed.OfficerA, draft)).Select(v => v.Name));
        Assert.Empty(await _bed.Products.ListVersionsForAssessmentAsync(_bed.OfficerB, draft));
        await using var read = _bed.Db();
        var saved = await read.Assessments.SingleAsync(a => a.Id == draft);
        Assert.Equal((acmeVersion, "CarePAS", "5.2"), (saved.ProductVersionId!.Value, saved.ProductName!, saved.ProductVersion!));
    }

    [Fact]
    public async Task Filling_copies_answers_and_evidence_with_their_provenance_and_lists_what_the_pack_lacks()
    {
        var version = await _bed.VersionAsync();
        var assessment = await _bed.AssessmentAsync(_bed.OfficerA, version);
        var inScope = await _bed.InScopeAsync(assessment);
        var lacking = inScope.Last();
        var pack = await _bed.PackAsync(version, lacking);
        await _bed.ShareAsync(pack.Id, PackTestBed.TrustA);

        var filled = await _bed.Fill.FillAsync(_bed.Supplier, assessment);

        Assert.True(filled.Succeeded, filled.Message);
        var result = filled.Value!;
        Assert.Equal(inScope.Count - 1, result.Filled.Count);
        Assert.Equal(lacking, Assert.Single(result.ToAnswer).Code);
        var packRevision = (await _bed.Packs.GetAsync(_bed.Supplier, pack.Id))!;
        Assert.StartsWith($"Filled {inScope.Count - 1} requirements from pack v{packRevision.Revision}, ", filled.Message);
        Assert.EndsWith($"1 needs an answer: {lacking}.", filled.Message);
        var workspace = (await _bed.Journey.Workspace.GetAsync(_bed.Supplier, assessment))!;
        var p1 = workspace.Requirements.Single(r => r.Code == "P.1").Response!;
        Assert.Equal(("Pack answer to P.1", ComplianceClaim.Meets), (p1.Narrative!, p1.Claim!.Value));
        Assert.StartsWith($"from pack v{packRevision.Revision}, ", p1.CopiedFrom);
        Assert.Equal("https://developer.acme.example/api", Assert.Single(p1.Evidence).Url);
        Assert.Null(workspace.Requirements.Single(r => r.Code == lacking).Response);

        // The document is the assessment's own copy: the same bytes under another stored name, opened through the usual checks.
        var copied = Assert.Single(workspace.Requirements.Single(r => r.Code == "P.2").Response!.Evidence);
        var download = (await _bed.Journey.Workspace.OpenDocumentAsync(_bed.Supplier, copied.Id))!;
        using (var reader = new StreamReader(download.Content))
        {
            Assert.Equal("CarePAS interface specification, version 5.2", await reader.ReadToEndAsync());
        }

        await using var db = _bed.Db();
        var packStored = await db.EvidencePackItems.Where(e => e.StoredName != null).Select(e => e.StoredName).SingleAsync();
        var assessmentItem = await db.EvidenceItems.SingleAsync(e => e.Id == copied.Id);
        Assert.NotEqual(packStored, assessmentItem.StoredName);
        Assert.Equal((pack.Id, packRevision.Revision), (assessmentItem.CopiedFromPackId!.Value, assessmentItem.CopiedFromPackRevision!.Value));
        Assert.True(await db.AuditEvents.AnyAsync(e => e.AssessmentId == assessment && e.Action == "AssessmentFilledFromPack"));

        // Still the supplier's to change, over the version they read.
        var changed = await _bed.Journey.Workspace.SaveResponseAsync(_bed.Supplier, assessment, "P.1",
            new ResponseDraft(ComplianceClaim.Meets, "Our own words for this trust.", null, null, null), ReadVersion.Of(p1.ConcurrencyStamp));
        Assert.Equal(OutcomeKind.Done, changed.Kind);
        // Their own words now: the reviewer is no longer told the answer came from the pack.
        var own = (await _bed.Journey.Workspace.GetAsync(_bed.Supplier, assessment))!.Requirements.Single(r => r.Code == "P.1").Response!;
        Assert.Null(own.CopiedFrom);
    }

    [Fact]
    public async Task Filling_keeps_answers_the_supplier_already_gave_and_says_so()
    {
        var version = await _bed.VersionAsync();
        var assessment = await _bed.AssessmentAsync(_bed.OfficerA, version);
        var pack = await _bed.PackAsync(version);
        await _bed.ShareAsync(pack.Id, PackTestBed.TrustA);
        await _bed.Journey.Workspace.SaveResponseAsync(_bed.Supplier, assessment, "P.1",
            new ResponseDraft(ComplianceClaim.PartiallyMeets, "Typed for this trust before the fill.", null, null, null), ReadVersion.None);

        var filled = await _bed.Fill.FillAsync(_bed.Supplier, assessment);

        Assert.Equal(["P.1"], filled.Value!.Kept);
        Assert.Contains("1 answer you had already given was kept, not overwritten", filled.Message);
        var p1 = (await _bed.Journey.Workspace.GetAsync(_bed.Supplier, assessment))!.Requirements.Single(r => r.Code == "P.1").Response!;
        Assert.Equal(("Typed for this trust before the fill.", (string?)null), (p1.Narrative!, p1.CopiedFrom));
        Assert.Empty(p1.Evidence);
    }

    [Fact]
    public async Task A_pack_shared_with_trust_A_is_invisible_to_trust_B_and_cannot_fill_trust_Bs_assessment()
    {
        var version = await _bed.VersionAsync();
        var assessmentB = await _bed.AssessmentAsync(_bed.OfficerB, version);
        var pack = await _bed.PackAsync(version);
        await _bed.ShareAsync(pack.Id, PackTestBed.TrustA);
        var documentId = pack.Requirements.Single(r => r.Code == "P.2").Answer!.Evidence.Single().Id;

        var seenByA = await _bed.Packs.GetAsync(_bed.OfficerA, pack.Id);
        var fillB = await _bed.Fill.FillAsync(_bed.Supplier, assessmentB);

        Assert.NotNull(seenByA);
        Assert.Empty(seenByA.Shares);
        Assert.False(seenByA.CanEdit);
        Assert.Null(await _bed.Packs.GetAsync(_bed.OfficerB, pack.Id));
        Assert.Empty(await _bed.Packs.ListAsync(_bed.OfficerB));
        Assert.Null(await _bed.Packs.OpenDocumentAsync(_bed.OfficerB, documentId));
        Assert.NotNull(await _bed.Packs.OpenDocumentAsync(_bed.OfficerA, documentId));
        Assert.Equal(OutcomeKind.Conflict, fillB.Kind);
        Assert.Contains("No evidence pack for this product version is shared with NHS Demo Shire Integrated Care Board", fillB.Message);
        Assert.All((await _bed.Journey.Workspace.GetAsync(_bed.Supplier, assessmentB))!.Requirements, r => Assert.Null(r.Response));
    }

    [Fact]
    public async Task Withdrawal_takes_effect_at_once_and_both_acts_are_audited()
    {
        var version = await _bed.VersionAsync();
        var assessment = await _bed.AssessmentAsync(_bed.OfficerA, version);
        var pack = await _bed.PackAsync(version);
        await _bed.ShareAsync(pack.Id, PackTestBed.TrustA);

        var withdrawn = await _bed.Packs.WithdrawShareAsync(_bed.Supplier, pack.Id, "xdv");
        var fill = await _bed.Fill.FillAsync(_bed.Supplier, assessment);

        Assert.Equal(OutcomeKind.Done, withdrawn.Kind);
        Assert.Null(await _bed.Packs.GetAsync(_bed.OfficerA, pack.Id));
        Assert.Null(await _bed.Fill.FindOfferAsync(_bed.Supplier, assessment));
        Assert.Equal(OutcomeKind.Conflict, fill.Kind);
        Assert.Contains("a share may have been withdrawn", fill.Message);
        Assert.All((await _bed.Journey.Workspace.GetAsync(_bed.Supplier, assessment))!.Requirements, r => Assert.Null(r.Response));
        await using var db = _bed.Db();
        var actions = await db.AuditEvents.Where(e => e.EntityType == "EvidencePack").Select(e => e.Action).ToListAsync();
        Assert.Contains("EvidencePackShared", actions);
        Assert.Contains("EvidencePackShareWithdrawn", actions);
        var share = await db.EvidencePackShares.SingleAsync();
        Assert.NotNull(share.WithdrawnAt);
    }

    [Fact]
    public async Task Two_shares_with_one_trust_at_once_leave_one_active_share_that_can_be_withdrawn()
    {
        var pack = await _bed.PackAsync(await _bed.VersionAsync());

        var shares = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _bed.Packs.ShareAsync(_bed.Supplier, pack.Id, PackTestBed.TrustA)));

        Assert.Equal(1, shares.Count(s => s.Succeeded));
        Assert.All(shares.Where(s => !s.Succeeded), s => Assert.Contains(s.Kind, new[] { OutcomeKind.Stale, OutcomeKind.Conflict }));
        await using (var db = _bed.Db())
        {
            Assert.Equal(1, await db.EvidencePackShares.CountAsync(s => s.EvidencePackId == pack.Id && s.WithdrawnAt == null));
        }

        Assert.Equal(OutcomeKind.Done, (await _bed.Packs.WithdrawShareAsync(_bed.Supplier, pack.Id, PackTestBed.TrustA)).Kind);
        Assert.Null(await _bed.Packs.GetAsync(_bed.OfficerA, pack.Id));
    }

    [Fact]
    public async Task Another_suppliers_pack_is_never_offered_or_filled_into_an_assessment_whatever_set_its_product_version()
    {
        // The other supplier's product, version and pack, shared with trust A.
        var product = (await _bed.Products.AddProductAsync(_bed.OtherSupplier, new("RivalPAS", "Patient administration"))).Value!;
        var rivalVersion = (await _bed.Products.AddVersionAsync(_bed.OtherSupplier, product.Id, new("1.0", new DateOnly(2026, 1, 5), null))).Value!.Id;
        var rivalPack = (await _bed.Packs.CreateAsync(_bed.OtherSupplier, new(rivalVersion, null))).Value!;
        var answered = await _bed.Packs.SaveAnswerAsync(_bed.OtherSupplier, rivalPack.Id, "P.1",
            new ResponseDraft(ComplianceClaim.Meets, "Rival's own answer", null, null, null), ReadVersion.Of(rivalPack.ConcurrencyStamp));
        Assert.True(answered.Succeeded, answered.Message);
        Assert.True((await _bed.Packs.ShareAsync(_bed.OtherSupplier, rivalPack.Id, PackTestBed.TrustA)).Succeeded);
        var acmes = await _bed.AssessmentAsync(_bed.OfficerA, null);
        await using (var db = _bed.Db())
        {
            // As a data fix or a future import might: Acme's assessment names the rival's version without the officer's checks.
            await db.Assessments.Where(a => a.Id == acmes).ExecuteUpdateAsync(set => set.SetProperty(a => a.ProductVersionId, rivalVersion));
        }

        Assert.Null(await _bed.Fill.FindOfferAsync(_bed.Supplier, acmes));
        Assert.NotEqual(OutcomeKind.Done, (await _bed.Fill.FillAsync(_bed.Supplier, acmes)).Kind);
        Assert.All((await _bed.Journey.Workspace.GetAsync(_bed.Supplier, acmes))!.Requirements, r => Assert.Null(r.Response));
    }

    [Fact]
    public async Task Sharing_names_an_organisation_that_exists_or_says_it_does_not()
    {
        var pack = (await _bed.Packs.CreateAsync(_bed.Supplier, new(await _bed.VersionAsync(), null))).Value!;

        var unknown = await _bed.Packs.ShareAsync(_bed.Supplier, pack.Id, "ZZZ9");
        var empty = await _bed.Packs.ShareAsync(_bed.Supplier, pack.Id, " ");

        Assert.Equal((OutcomeKind.Invalid, "odsCode"), (unknown.Kind, unknown.Field));
        Assert.Equal("No NHS organisation in the portal has the ODS code ZZZ9. Check the code with the organisation.", unknown.Message);
        Assert.Equal((OutcomeKind.Invalid, "odsCode"), (empty.Kind, empty.Field));
        await using var db = _bed.Db();
        Assert.False(await db.EvidencePackShares.AnyAsync());
    }

    [Fact]
    public async Task Two_people_editing_a_pack_at_once_the_second_is_told_it_is_stale_and_nothing_of_theirs_is_saved()
    {
        var pack = (await _bed.Packs.CreateAsync(_bed.Supplier, new(await _bed.VersionAsync(), null))).Value!;
        var read = ReadVersion.Of(pack.ConcurrencyStamp);

        var first = await _bed.Packs.SaveAnswerAsync(_bed.Supplier, pack.Id, "P.1", new(ComplianceClaim.Meets, "First person's answer.", null, null, null), read);
        var second = await _bed.Packs.SaveAnswerAsync(_bed.Supplier, pack.Id, "P.3", new(ComplianceClaim.Meets, "Second person's answer.", null, null, null), read);
        var blind = await _bed.Packs.SaveAnswerAsync(_bed.Supplier, pack.Id, "P.3", new(ComplianceClaim.Meets, "Blind write.", null, null, null), ReadVersion.None);

        Assert.Equal(OutcomeKind.Done, first.Kind);
        Assert.Equal(OutcomeKind.Stale, second.Kind);
        Assert.Equal(OutcomeKind.Stale, blind.Kind);
        var now = (await _bed.Packs.GetAsync(_bed.Supplier, pack.Id))!;
        Assert.Null(now.Requirements.Single(r => r.Code == "P.3").Answer);
        Assert.Equal(2, now.Revision);
    }

    [Fact]
    public async Task Hostile_ids_are_refused_as_not_found_another_suppliers_pack_and_another_suppliers_assessment()
    {
        var version = await _bed.VersionAsync();
        var assessment = await _bed.AssessmentAsync(_bed.OfficerA, version);
        var pack = await _bed.PackAsync(version);
        await _bed.ShareAsync(pack.Id, PackTestBed.TrustA);

        Assert.Null(await _bed.Packs.GetAsync(_bed.OtherSupplier, pack.Id));
        Assert.Equal(OutcomeKind.NotFound, (await _bed.Packs.SaveAnswerAsync(_bed.OtherSupplier, pack.Id, "P.1", new(ComplianceClaim.DoesNotMeet, null, null, null, null), TestVersions.Any)).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await _bed.Packs.ShareAsync(_bed.OtherSupplier, pack.Id, PackTestBed.TrustB)).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await _bed.Packs.WithdrawShareAsync(_bed.OtherSupplier, pack.Id, PackTestBed.TrustA)).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await _bed.Packs.CreateAsync(_bed.OtherSupplier, new(version, null))).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await _bed.Fill.FillAsync(_bed.OtherSupplier, assessment)).Kind);
        Assert.Equal(OutcomeKind.Forbidden, (await _bed.Packs.ShareAsync(_bed.OfficerA, pack.Id, PackTestBed.TrustB)).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await _bed.Packs.ShareAsync(_bed.OfficerB, pack.Id, PackTestBed.TrustB)).Kind);
        Assert.Equal(OutcomeKind.Forbidden, (await _bed.Fill.FillAsync(_bed.OfficerA, assessment)).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await _bed.Packs.SaveAnswerAsync(_bed.Supplier, pack.Id, "Z.99", new(ComplianceClaim.Meets, null, null, null, null), TestVersions.Any)).Kind);
        await using var db = _bed.Db();
        Assert.Equal(1, await db.EvidencePackShares.CountAsync());
    }

    [Fact]
    public async Task Trust_As_review_notes_and_sign_off_never_reach_the_pack_or_trust_B()
    {
        const string ReviewNote = "Trust A private review note";
        const string Comment = "Trust A internal comment";
        const string Condition = "Trust A condition on the ADT feed";
        var version = await _bed.VersionAsync();
        var pack = await _bed.PackAsync(version);
        await _bed.ShareAsync(pack.Id, PackTestBed.TrustA);
        await _bed.ShareAsync(pack.Id, PackTestBed.TrustB);
        var assessmentA = await _bed.AssessmentAsync(_bed.OfficerA, version);
        Assert.True((await _bed.Fill.FillAsync(_bed.Supplier, assessmentA)).Succeeded);
        var workspaceA = (await _bed.Journey.Workspace.GetAsync(_bed.Supplier, assessmentA))!;
        foreach (var function in workspaceA.Functions)
        {
            await _bed.Journey.Workspace.SaveFunctionAsync(_bed.Supplier, assessmentA, function.Id, "POST /Patient", null, ReadVersion.Of(function.ConcurrencyStamp));
        }

        Assert.True((await _bed.Journey.Workspace.SubmitAsync(_bed.Supplier, assessmentA)).Succeeded);
        var reviews = _bed.Journey.Reviews;
        Assert.True((await reviews.StartAsync(_bed.OfficerA, assessmentA)).Succeeded);
        Assert.True((await reviews.DecideAsync(_bed.OfficerA, assessmentA, await _bed.InScopeAsync(assessmentA), ReviewOutcome.Accepted, ReviewNote, TestVersions.Any)).Succeeded);
        Assert.True((await reviews.CommentAsync(_bed.OfficerA, assessmentA, "P.1", Comment, isInternal: true)).Succeeded);
        Assert.True((await reviews.SendForSignOffAsync(_bed.OfficerA, assessmentA)).Succeeded);
        var signed = await _bed.Journey.SignOffs.DecideAsync(_bed.CcioA, assessmentA, new(SignOffService.Choice.ApproveWithConditions, true, "HL-7", null, null,
            [new(Condition, "Clinical safety officer", TimeProvider.System.PortalToday().AddDays(30), Portal.Data.SignOffs.FollowUpParty.Organisation)],
            RedAcknowledged: true, RedApprovalReason: "Agreed."), TestVersions.Any);
        Assert.True(signed.Succeeded, signed.Message);

        var assessmentB = await _bed.AssessmentAsync(_bed.OfficerB, version);
        Assert.True((await _bed.Fill.FillAsync(_bed.Supplier, assessmentB)).Succeeded);

        var everythingBCanRead = JsonSerializer.Serialize(new object?[]
        {
            await _bed.Packs.GetAsync(_bed.OfficerB, pack.Id),
            await _bed.Packs.ListAsync(_bed.OfficerB),
            await _bed.Journey.Workspace.GetAsync(_bed.OfficerB, assessmentB),
            await _bed.Packs.GetAsync(_bed.Supplier, pack.Id),
        });
        Assert.DoesNotContain(ReviewNote, everythingBCanRead);
        Assert.DoesNotContain(Comment, everythingBCanRead);
        Assert.DoesNotContain(Condition, everythingBCanRead);
        Assert.DoesNotContain("Dr Chris Morgan", everythingBCanRead);
        Assert.Null(await _bed.Journey.Workspace.GetAsync(_bed.OfficerB, assessmentA));
        await using var db = _bed.Db();
        Assert.False(await db.ReviewDecisions.AnyAsync(d => d.AssessmentId == assessmentB));
        Assert.False(await db.RequirementComments.AnyAsync(c => c.AssessmentId == assessmentB));
        Assert.False(await db.SignOffs.AnyAsync(s => s.AssessmentId == assessmentB));
    }

    [Fact]
    public async Task A_withdrawal_while_a_fill_copies_the_packs_documents_stops_the_fill_and_leaves_nothing_behind()
    {
        var version = await _bed.VersionAsync();
        var assessment = await _bed.AssessmentAsync(_bed.OfficerA, version);
        var pack = await _bed.PackAsync(version);
        await _bed.ShareAsync(pack.Id, PackTestBed.TrustA);
        // The supplier withdraws the share while the fill is copying P.2's document through the store.
        var store = new WhileOpening(_bed.Store, async () => Assert.True((await _bed.Packs.WithdrawShareAsync(_bed.Supplier, pack.Id, PackTestBed.TrustA)).Succeeded));
        var fill = new Portal.Features.EvidencePacks.PackFillService(_bed.Database, store, Microsoft.Extensions.Options.Options.Create(_bed.Limits), TimeProvider.System);

        var filled = await fill.FillAsync(_bed.Supplier, assessment);

        Assert.Equal(1, store.Opened);
        Assert.Equal(OutcomeKind.Stale, filled.Kind);
        Assert.Contains("nothing was filled", filled.Message);
        await using (var db = _bed.Db())
        {
            Assert.False(await db.RequirementResponses.AnyAsync(r => r.AssessmentId == assessment && r.Claim != null));
            Assert.False(await db.EvidenceItems.AnyAsync(e => e.AssessmentId == assessment));
            Assert.False(await db.AuditEvents.AnyAsync(e => e.AssessmentId == assessment && e.Action == "AssessmentFilledFromPack"));
        }

        // Only the pack's own document is left in the store: the copy made before the refusal was removed.
        var stored = new List<string>();
        await foreach (var entry in _bed.Store.ListAsync(CancellationToken.None))
        {
            stored.Add(entry.StoredName);
        }

        Assert.Single(stored);
        var again = await _bed.Fill.FillAsync(_bed.Supplier, assessment);
        Assert.Equal(OutcomeKind.Conflict, again.Kind);
    }

    [Fact]
    public async Task A_fill_cancelled_while_it_copies_the_packs_documents_removes_the_copies_it_made_and_saves_nothing()
    {
        var version = await _bed.VersionAsync();
        var assessment = await _bed.AssessmentAsync(_bed.OfficerA, version);
        var pack = await _bed.PackAsync(version);
        using (var second = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("CarePAS sandbox guide, version 5.2")))
        {
            var added = await _bed.Packs.AddDocumentAsync(_bed.Supplier, pack.Id, "P.2",
                new EvidenceInput(EvidenceItemKind.Documentation, "Sandbox guide", null, new DateOnly(2026, 3, 1), null), "sandbox.txt", second,
                ReadVersion.Of(pack.ConcurrencyStamp));
            Assert.True(added.Succeeded, added.Message);
        }

        await _bed.ShareAsync(pack.Id, PackTestBed.TrustA);
        // The person closes the page (the request is cancelled) after the first document is copied, while the second is read.
        using var closed = new CancellationTokenSource();
        var store = new WhileOpening(_bed.Store, () => Task.CompletedTask, onOpen: opened =>
        {
            if (opened == 2)
            {
                closed.Cancel();
            }
        });
        var fill = new Portal.Features.EvidencePacks.PackFillService(_bed.Database, store, Microsoft.Extensions.Options.Options.Create(_bed.Limits), TimeProvider.System);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fill.FillAsync(_bed.Supplier, assessment, closed.Token));

        Assert.Equal(2, store.Opened);
        await using (var db = _bed.Db())
        {
            Assert.False(await db.EvidenceItems.AnyAsync(e => e.AssessmentId == assessment));
            Assert.False(await db.RequirementResponses.AnyAsync(r => r.AssessmentId == assessment && r.Claim != null));
        }

        // Only the pack's own two documents are left: the first copy was removed, not left for the sweep to find.
        var stored = new List<string>();
        await foreach (var entry in _bed.Store.ListAsync(CancellationToken.None))
        {
            stored.Add(entry.StoredName);
        }

        Assert.Equal(2, stored.Count);
        await using (var db = _bed.Db())
        {
            var packDocuments = await db.EvidencePackItems.Where(e => e.EvidencePackId == pack.Id && e.StoredName != null).Select(e => e.StoredName!).ToListAsync();
            Assert.Equal(packDocuments.Order(), stored.Order());
        }

        Assert.True((await _bed.Fill.FillAsync(_bed.Supplier, assessment)).Succeeded);
    }

    [Fact]
    public async Task Filling_again_after_the_supplier_cleared_an_answer_does_not_copy_its_evidence_twice()
    {
        var version = await _bed.VersionAsync();
        var assessment = await _bed.AssessmentAsync(_bed.OfficerA, version);
        var pack = await _bed.PackAsync(version);
        await _bed.ShareAsync(pack.Id, PackTestBed.TrustA);
        Assert.True((await _bed.Fill.FillAsync(_bed.Supplier, assessment)).Succeeded);
        var p1 = (await _bed.Journey.Workspace.GetAsync(_bed.Supplier, assessment))!.Requirements.Single(r => r.Code == "P.1").Response!;
        var cleared = await _bed.Journey.Workspace.SaveResponseAsync(_bed.Supplier, assessment, "P.1", new ResponseDraft(null, null, null, null, null), ReadVersion.Of(p1.ConcurrencyStamp));
        Assert.True(cleared.Succeeded, cleared.Message);

        var again = await _bed.Fill.FillAsync(_bed.Supplier, assessment);

        Assert.Equal(["P.1"], again.Value!.Filled);
        var refilled = (await _bed.Journey.Workspace.GetAsync(_bed.Supplier, assessment))!.Requirements.Single(r => r.Code == "P.1").Response!;
        Assert.Equal("Pack answer to P.1", refilled.Narrative);
        Assert.Equal("https://developer.acme.example/api", Assert.Single(refilled.Evidence).Url);
    }

    [Fact]
    public async Task The_supplier_sees_their_own_fill_on_the_assessment_timeline()
    {
        var version = await _bed.VersionAsync();
        var assessment = await _bed.AssessmentAsync(_bed.OfficerA, version);
        var pack = await _bed.PackAsync(version);
        await _bed.ShareAsync(pack.Id, PackTestBed.TrustA);
        Assert.True((await _bed.Fill.FillAsync(_bed.Supplier, assessment)).Succeeded);

        var timeline = new Portal.Features.Audit.TimelineService(_bed.Database, new Portal.Features.Audit.AuditDigests(_bed.Database,
            new Portal.Features.Audit.AppendOnlyFileDigestStore(Path.Combine(_bed.Database.Directory, "digests.jsonl")), TimeProvider.System));

        Assert.Contains((await timeline.GetAsync(_bed.Supplier, assessment))!, e => e.Action == "AssessmentFilledFromPack");
        Assert.Contains((await timeline.GetAsync(_bed.OfficerA, assessment))!, e => e.Action == "AssessmentFilledFromPack");
    }

    [Fact]
    public async Task A_pack_document_the_scanner_gives_no_verdict_on_is_refused_and_audited()
    {
        var version = await _bed.VersionAsync();
        var pack = (await _bed.Packs.CreateAsync(_bed.Supplier, new(version, null))).Value!;
        // A real scanner client aimed at a port nobody listens on: no verdict, so the document must not be kept.
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var limits = new EvidenceOptions { MaxFileBytes = _bed.Limits.MaxFileBytes, AssessmentQuotaBytes = _bed.Limits.AssessmentQuotaBytes };
        limits.Scanning.ClamAv.Host = "127.0.0.1";
        limits.Scanning.ClamAv.Port = port;
        limits.Scanning.ClamAv.TimeoutSeconds = 5;
        var scanned = new Portal.Features.EvidencePacks.EvidencePackService(_bed.Database, _bed.Store, Microsoft.Extensions.Options.Options.Create(limits), TimeProvider.System,
            new ClamAvScanner(Microsoft.Extensions.Options.Options.Create(limits)));
        using var document = new MemoryStream(System.Text.Encoding.UTF8.GetBytes("CarePAS interface specification"));

        var added = await scanned.AddDocumentAsync(_bed.Supplier, pack.Id, "P.2",
            new EvidenceInput(EvidenceItemKind.OpenApiSpecification, "Interface specification", null, new DateOnly(2026, 3, 1), null), "spec.txt", document,
            ReadVersion.Of(pack.ConcurrencyStamp));

        Assert.Equal(OutcomeKind.Unavailable, added.Kind);
        await using var db = _bed.Db();
        Assert.False(await db.EvidencePackItems.AnyAsync(e => e.EvidencePackId == pack.Id));
        var audited = await db.AuditEvents.SingleAsync(e => e.Action == "DocumentRefused");
        Assert.Equal("CarePAS 5.2/P.2", audited.EntityId);
        Assert.Contains("the virus scanner gave no verdict", audited.Summary);
    }

    [Fact]
    public async Task Saving_the_system_step_after_a_version_is_chosen_keeps_the_chosen_product_and_version()
    {
        var version = await _bed.VersionAsync();
        var start = new Portal.Features.Assessments.AssessmentStartService(_bed.Database, TimeProvider.System);
        var draft = (await start.CreateDraftAsync(_bed.OfficerA)).Value!.Summary.Id;
        int acme;
        await using (var db = _bed.Db())
        {
            acme = await db.Suppliers.Where(s => s.Name == "Acme Clinical Systems Ltd").Select(s => s.Id).SingleAsync();
        }

        await start.SaveSystemAsync(_bed.OfficerA, draft, new("EPR", acme, "Typed product", "0.9", null, null, null, null));
        Assert.True((await _bed.Products.ChooseVersionAsync(_bed.OfficerA, draft, version)).Succeeded);

        // The page's autosave of another field still carries the text it had before the choice.
        await start.SaveSystemAsync(_bed.OfficerA, draft, new("EPR", acme, "Typed product", "0.9", "Now with a description", null, null, null));

        await using (var read = _bed.Db())
        {
            var saved = await read.Assessments.SingleAsync(a => a.Id == draft);
            Assert.Equal((version, "CarePAS", "5.2", "Now with a description"), (saved.ProductVersionId!.Value, saved.ProductName!, saved.ProductVersion!, saved.Description!));
        }

        // Another supplier: the version goes, and the typed text is the officer's again.
        var other = await start.SaveSystemAsync(_bed.OfficerA, draft, new("EPR", null, "Typed product", "0.9", null, null, null, null));
        Assert.True(other.Succeeded, other.Message);
        await using var after = _bed.Db();
        var cleared = await after.Assessments.SingleAsync(a => a.Id == draft);
        Assert.Equal(((int?)null, "Typed product", "0.9"), (cleared.ProductVersionId, cleared.ProductName, cleared.ProductVersion));
    }

    /// <summary>
    /// The real store, running an act of someone else's the first time a document is opened (mid-fill), and telling
    /// <paramref name="onOpen"/> of every opening (counted from 1) before it reads.
    /// </summary>
    private sealed class WhileOpening(IEvidenceStore inner, Func<Task> act, Action<int>? onOpen = null) : IEvidenceStore
    {
        public int Opened { get; private set; }

        public string Description => inner.Description;

        public Task<StoredDocument> SaveAsync(Stream content, CancellationToken cancellationToken) => inner.SaveAsync(content, cancellationToken);

        public Task PromoteAsync(string storedName, CancellationToken cancellationToken) => inner.PromoteAsync(storedName, cancellationToken);

        public async Task<Stream> OpenAsync(string storedName, string sha256, CancellationToken cancellationToken)
        {
            if (Opened++ == 0)
            {
                await act();
            }

            onOpen?.Invoke(Opened);
            return await inner.OpenAsync(storedName, sha256, cancellationToken);
        }

        public Task DeleteAsync(string storedName, CancellationToken cancellationToken) => inner.DeleteAsync(storedName, cancellationToken);

        public IAsyncEnumerable<StoreEntry> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);
    }
}
