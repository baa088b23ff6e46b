using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Evidence;
using Portal.Features;
using Portal.Features.Evidence;
using Portal.Features.Register;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Register;

public sealed class RegisterServiceTests : IAsyncLifetime
{
    private RegisterTestBed _bed = default!;

    public async Task InitializeAsync() => _bed = await RegisterTestBed.CreateAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task A_published_assessment_is_listed_with_its_status_and_leaves_at_once_when_withdrawn_both_audited()
    {
        var version = await _bed.Pack.VersionAsync();
        var id = await _bed.SignedOffAsync(version);

        var published = await _bed.Register.PublishAsync(_bed.Pack.OfficerA, id);
        var listed = Assert.Single((await _bed.Register.PageAsync(null, 1)).Entries);
        var withdrawn = await _bed.Register.WithdrawAsync(_bed.Pack.CcioA, id);
        var after = await _bed.Register.PageAsync(null, 1);

        Assert.True(published.Succeeded, published.Message);
        Assert.Equal(("Acme Clinical Systems Ltd", "CarePAS", "5.2", "Meets the policy", "XDV"),
            (listed.Supplier, listed.Product, listed.Version, listed.Status.Text, listed.OrganisationOdsCode));
        Assert.Equal(TimeProvider.System.PortalToday(), listed.SignedOffOn);
        Assert.True(withdrawn.Succeeded, withdrawn.Message);
        Assert.Empty(after.Entries);
        Assert.Equal(0, after.Total);
        await using var db = _bed.Pack.Db();
        Assert.Equal(["PublishedToRegister", "WithdrawnFromRegister"],
            await db.AuditEvents.Where(e => e.AssessmentId == id && e.Action.Contains("Register")).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
    }

    [Fact]
    public async Task Nothing_an_organisation_wrote_privately_reaches_the_register()
    {
        var version = await _bed.Pack.VersionAsync();
        var id = await _bed.SignedOffAsync(version, SignOffService.Choice.ApproveWithConditions);
        Assert.True((await _bed.Register.PublishAsync(_bed.Pack.OfficerA, id)).Succeeded);

        var page = await _bed.Register.PageAsync(null, 1);
        var all = await _bed.Register.ListAllAsync(null).ToListAsync();

        var entry = Assert.Single(page.Entries);
        Assert.Equal("Signed off with conditions", entry.Status.Text);
        var everything = JsonSerializer.Serialize(new object[] { page, all });
        Assert.DoesNotContain(RegisterTestBed.Marker, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Chris Morgan", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("Olivia Hart", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_accepted_work_off_plan_is_shown_by_its_latest_date()
    {
        var version = await _bed.Pack.VersionAsync();
        var early = TimeProvider.System.PortalToday().AddDays(40);
        var late = TimeProvider.System.PortalToday().AddDays(120);
        var id = await _bed.SignedOffAsync(version, answer: code => code switch
        {
            "P.1" => new ResponseDraft(ComplianceClaim.WillMeetByDate, "Planned", null, early, "Publish the specification"),
            "P.2" => new ResponseDraft(ComplianceClaim.WillMeetByDate, "Planned", null, late, "Open the sandbox"),
            _ => null,
        });
        Assert.True((await _bed.Register.PublishAsync(_bed.Pack.OfficerA, id)).Succeeded);

        var entry = Assert.Single((await _bed.Register.PageAsync(null, 1)).Entries);

        Assert.Equal(RegisterStatusKind.MeetsWithPlan, entry.Status.Kind);
        Assert.Equal(late, entry.Status.PlanDate);
        Assert.StartsWith("Meets with a work-off plan to ", entry.Status.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reopened_assessment_leaves_the_register()
    {
        var version = await _bed.Pack.VersionAsync();
        var id = await _bed.SignedOffAsync(version);
        Assert.True((await _bed.Register.PublishAsync(_bed.Pack.OfficerA, id)).Succeeded);
        var answer = (await _bed.Pack.Journey.Workspace.GetAsync(_bed.Pack.Supplier, id))!.Requirements.Single(r => r.Code == "P.1");

        var changed = await _bed.Pack.Journey.Workspace.SaveResponseAsync(_bed.Pack.Supplier, id, "P.1",
            new(ComplianceClaim.PartiallyMeets, "Changed after sign-off.", null, null, null), ReadVersion.Of(answer.Response!.ConcurrencyStamp));

        Assert.True(changed.Succeeded, changed.Message);
        Assert.Empty((await _bed.Register.PageAsync(null, 1)).Entries);
        // The choice to publish was for that sign-off: it is withdrawn with it, audited, and a later sign-off is not
        // published unless someone chooses again.
        await using var db = _bed.Pack.Db();
        var publication = await db.RegisterPublications.SingleAsync(p => p.AssessmentId == id);
        Assert.NotNull(publication.WithdrawnAt);
        Assert.Contains(await db.AuditEvents.Where(e => e.AssessmentId == id).Select(e => e.Action).ToListAsync(), a => a == "WithdrawnFromRegister");
    }

    [Fact]
    public async Task Only_a_signed_off_assessment_naming_a_product_version_can_be_published_and_the_refusal_says_what_to_do()
    {
        var unnamed = await _bed.SignedOffAsync(null);
        var version = await _bed.Pack.VersionAsync();
        var draft = await _bed.Pack.AssessmentAsync(_bed.Pack.OfficerA, version);

        var noVersion = await _bed.Register.PublishAsync(_bed.Pack.OfficerA, unnamed);
        var notSigned = await _bed.Register.PublishAsync(_bed.Pack.OfficerA, draft);
        var state = await _bed.Register.FindAsync(_bed.Pack.OfficerA, unnamed);

        Assert.Equal(OutcomeKind.Conflict, noVersion.Kind);
        Assert.Contains("product version", noVersion.Message, StringComparison.Ordinal);
        Assert.Equal(OutcomeKind.Conflict, notSigned.Kind);
        Assert.Contains("Only a signed-off assessment", notSigned.Message, StringComparison.Ordinal);
        Assert.False(state.Value!.MayChange);
        Assert.Equal(noVersion.Message, state.Value.WhyNot);
        await using var db = _bed.Pack.Db();
        Assert.False(await db.RegisterPublications.AnyAsync());
    }

    [Fact]
    public async Task Another_organisation_gets_not_found_and_the_supplier_may_not_publish_or_withdraw()
    {
        var version = await _bed.Pack.VersionAsync();
        var id = await _bed.SignedOffAsync(version);

        Assert.Equal(OutcomeKind.NotFound, (await _bed.Register.PublishAsync(_bed.Pack.OfficerB, id)).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await _bed.Register.FindAsync(_bed.Pack.OfficerB, id)).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await _bed.Register.PublishAsync(_bed.Pack.OtherSupplier, id)).Kind);
        Assert.Equal(OutcomeKind.Forbidden, (await _bed.Register.PublishAsync(_bed.Pack.Supplier, id)).Kind);
        Assert.True((await _bed.Register.PublishAsync(_bed.Pack.OfficerA, id)).Succeeded);
        Assert.Equal(OutcomeKind.Forbidden, (await _bed.Register.WithdrawAsync(_bed.Pack.Supplier, id)).Kind);
        Assert.Equal(OutcomeKind.NotFound, (await _bed.Register.WithdrawAsync(_bed.Pack.OfficerB, id)).Kind);
        Assert.Single((await _bed.Register.PageAsync(null, 1)).Entries);
    }

    [Fact]
    public async Task Two_people_publishing_at_once_leave_one_publication_and_the_second_is_told_it_is_already_there()
    {
        var version = await _bed.Pack.VersionAsync();
        var id = await _bed.SignedOffAsync(version);
        var racing = new RegisterService(_bed.Racing(async () => Assert.True((await _bed.Register.PublishAsync(_bed.Pack.CcioA, id)).Succeeded)), TimeProvider.System);

        var second = await racing.PublishAsync(_bed.Pack.OfficerA, id);

        Assert.Equal(OutcomeKind.Conflict, second.Kind);
        Assert.Contains("already on the public register", second.Message, StringComparison.Ordinal);
        await using var db = _bed.Pack.Db();
        Assert.Equal(1, await db.RegisterPublications.CountAsync(p => p.AssessmentId == id));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.AssessmentId == id && e.Action == "PublishedToRegister"));
    }

    [Fact]
    public async Task A_withdrawal_racing_a_withdrawal_and_new_publication_ends_in_one_clear_state()
    {
        var version = await _bed.Pack.VersionAsync();
        var id = await _bed.SignedOffAsync(version);
        Assert.True((await _bed.Register.PublishAsync(_bed.Pack.OfficerA, id)).Succeeded);
        var racing = new RegisterService(_bed.Racing(async () =>
        {
            Assert.True((await _bed.Register.WithdrawAsync(_bed.Pack.CcioA, id)).Succeeded);
            Assert.True((await _bed.Register.PublishAsync(_bed.Pack.CcioA, id)).Succeeded);
        }), TimeProvider.System);

        var late = await racing.WithdrawAsync(_bed.Pack.OfficerA, id);

        Assert.Equal(OutcomeKind.Stale, late.Kind);
        Assert.Single((await _bed.Register.PageAsync(null, 1)).Entries);
        await using var db = _bed.Pack.Db();
        Assert.Equal(1, await db.RegisterPublications.CountAsync(p => p.AssessmentId == id && p.WithdrawnAt == null));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.AssessmentId == id && e.Action == "WithdrawnFromRegister"));
    }

    [Fact]
    public async Task The_register_is_searched_by_supplier_or_product_and_paged()
    {
        var carePas = await _bed.Pack.VersionAsync();
        var other = await _bed.Pack.VersionAsync("CareFlow", "1.0");
        foreach (var version in new[] { carePas, other })
        {
            var id = await _bed.SignedOffAsync(version);
            Assert.True((await _bed.Register.PublishAsync(_bed.Pack.OfficerA, id)).Succeeded);
        }

        Assert.Equal("CareFlow", Assert.Single((await _bed.Register.PageAsync("careflow", 1)).Entries).Product);
        Assert.Equal(2, (await _bed.Register.PageAsync("Acme", 1)).Total);
        Assert.Empty((await _bed.Register.PageAsync("Brightwater", 1)).Entries);
        Assert.Empty((await _bed.Register.PageAsync("%", 1)).Entries);
        var second = await _bed.Register.PageAsync(null, 2, pageSize: 1);
        Assert.Equal(("CarePAS", 2, 2), (Assert.Single(second.Entries).Product, second.Total, second.PageCount));
    }

    [Fact]
    public async Task Each_page_shows_the_next_entry_in_product_order_in_the_same_two_commands()
    {
        foreach (var (product, label) in new[] { ("CarePAS", "5.2"), ("Beacon", "3.1"), ("CareFlow", "1.0") })
        {
            var id = await _bed.SignedOffAsync(await _bed.Pack.VersionAsync(product, label));
            Assert.True((await _bed.Register.PublishAsync(_bed.Pack.OfficerA, id)).Succeeded);
        }

        var counter = new SqlCommandCounter(_bed.Pack.Database);
        var register = new RegisterService(counter, TimeProvider.System);
        var shown = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            RegisterService.Page found = default!;
            var commands = await counter.CountAsync(async () => found = await register.PageAsync(null, page, pageSize: 1));
            Assert.Equal(2, commands.Count);
            shown.Add($"{Assert.Single(found.Entries).Product} {found.Entries[0].Version} {found.Entries[0].Status.Code}");
        }

        Assert.Equal(["Beacon 3.1 meets", "CareFlow 1.0 meets", "CarePAS 5.2 meets"], shown);
    }
}
