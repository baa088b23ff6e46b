using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data.Assessments;
using Portal.Data.SignOffs;
using Portal.Features;
using Portal.Features.SignOffs;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.SignOffs;

/// <summary>
/// A sign-off condition's owner: the side that owns it and, optionally, a named person of that side of this
/// assessment. Who may be named is listed only to a CCIO who may sign off, and the id sent back is checked, never trusted.
/// </summary>
public sealed class ConditionOwnerTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private Caller _officer = default!;
    private Caller _supplier = default!;
    private Caller _ccio = default!;
    private TestJourney _journey = default!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _supplier = await TestCallers.ForAsync(_database, TestCallers.Supplier);
        _ccio = await TestCallers.ForAsync(_database, TestCallers.Ccio);
        _journey = new TestJourney(_database);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private async Task<int> UserIdAsync(string demoObjectId) => (await TestCallers.ForAsync(_database, demoObjectId)).UserId;

    private static DateOnly Due => TimeProvider.System.PortalToday().AddDays(30);

    private static SignOffService.Input WithConditions(params SignOffService.ConditionInput[] conditions) =>
        new(SignOffService.Choice.ApproveWithConditions, true, "HL-9", null, null, conditions);

    [Fact]
    public async Task The_ccio_is_offered_the_active_people_of_the_assessing_organisation_and_of_the_supplier_and_nobody_else()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var owners = (await _journey.SignOffs.ListConditionOwnersAsync(_ccio, id)).Value!;

        Assert.Equal("Demo Valley NHS Foundation Trust", owners.OrganisationName);
        Assert.Equal("Acme Clinical Systems Ltd", owners.SupplierName);
        Assert.Equal(["Ada Price", "Dr Chris Morgan", "Olivia Hart"], owners.Organisation.Select(p => p.Name));
        Assert.Equal("Procurement officer", owners.Organisation.Single(p => p.Name == "Olivia Hart").Role);
        Assert.Equal(["Sam Okafor"], owners.Supplier.Select(p => p.Name));
        Assert.Equal(await UserIdAsync(TestCallers.Supplier), owners.Of(FollowUpParty.Supplier).Single().UserId);
    }

    [Fact]
    public async Task Someone_no_longer_active_is_not_offered()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);
        await using (var db = _database.CreateDbContext())
        {
            await db.Users.Where(u => u.DisplayName == "Ada Price").ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false));
        }

        var owners = (await _journey.SignOffs.ListConditionOwnersAsync(_ccio, id)).Value!;

        Assert.DoesNotContain(owners.Organisation, p => p.Name == "Ada Price");
    }

    [Theory]
    [InlineData(TestCallers.Officer, OutcomeKind.Forbidden)]
    [InlineData(TestCallers.Administrator, OutcomeKind.Forbidden)]
    [InlineData(TestCallers.Supplier, OutcomeKind.Forbidden)]
    [InlineData(TestCallers.OtherSupplier, OutcomeKind.NotFound)]
    [InlineData(TestCallers.OtherOfficer, OutcomeKind.NotFound)]
    public async Task Only_a_ccio_who_may_sign_off_the_assessment_sees_who_may_own_a_condition(string who, OutcomeKind expected)
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var listed = await _journey.SignOffs.ListConditionOwnersAsync(await TestCallers.ForAsync(_database, who), id);

        Assert.Equal(expected, listed.Kind);
        Assert.Null(listed.Value);
    }

    [Fact]
    public async Task Once_signed_off_the_people_are_no_longer_listed()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);
        Assert.True((await _journey.SignOffs.DecideAsync(_ccio, id, WithConditions(new SignOffService.ConditionInput("Publish the error catalogue", "Integration lead", Due)), TestVersions.Any)).Succeeded);

        var listed = await _journey.SignOffs.ListConditionOwnersAsync(_ccio, id);

        Assert.Equal(OutcomeKind.Conflict, listed.Kind);
    }

    [Theory]
    [InlineData(TestCallers.OtherSupplier, FollowUpParty.Supplier)]
    [InlineData(TestCallers.OtherOfficer, FollowUpParty.Organisation)]
    [InlineData(TestCallers.Supplier, FollowUpParty.Organisation)]
    [InlineData(TestCallers.Officer, FollowUpParty.Supplier)]
    public async Task A_named_owner_who_is_not_of_the_chosen_side_of_this_assessment_is_refused_beside_that_condition(string who, FollowUpParty party)
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var decided = await _journey.SignOffs.DecideAsync(_ccio, id, WithConditions(
            new("Add the feed to the hazard log", "Clinical safety officer", Due, FollowUpParty.Organisation, await UserIdAsync(TestCallers.Officer)),
            new("Publish the error catalogue", "Integration lead", Due, party, await UserIdAsync(who))), TestVersions.Any);

        Assert.Equal(OutcomeKind.Invalid, decided.Kind);
        Assert.Equal("conditions[1].ownerUserId", decided.Field);
        Assert.StartsWith("Condition 2: the named person must be an active person of", decided.Message, StringComparison.Ordinal);
        await using var db = _database.CreateDbContext();
        Assert.Equal(AssessmentStatus.AwaitingSignOff, (await db.Assessments.SingleAsync(a => a.Id == id)).Status);
        Assert.False(await db.SignOffs.AnyAsync(s => s.AssessmentId == id));
    }

    [Fact]
    public async Task An_unknown_person_or_side_is_refused()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);

        var nobody = await _journey.SignOffs.DecideAsync(_ccio, id, WithConditions(new SignOffService.ConditionInput("Publish the error catalogue", "Integration lead", Due, FollowUpParty.Supplier, 999_999)), TestVersions.Any);
        var noSide = await _journey.SignOffs.DecideAsync(_ccio, id, WithConditions(new SignOffService.ConditionInput("Publish the error catalogue", "Integration lead", Due, (FollowUpParty)7)), TestVersions.Any);

        Assert.Equal(("conditions[0].ownerUserId", OutcomeKind.Invalid), (nobody.Field, nobody.Kind));
        Assert.Equal(("conditions[0].party", OutcomeKind.Invalid), (noSide.Field, noSide.Kind));
    }

    [Fact]
    public async Task The_named_owner_shows_on_the_sign_off_record_and_in_the_follow_ups_and_may_mark_it_done()
    {
        var id = await _journey.AwaitingSignOffAsync(_officer, _supplier);
        var decided = await _journey.SignOffs.DecideAsync(_ccio, id, WithConditions(
            new("Publish the error catalogue", "Integration lead", Due, FollowUpParty.Supplier, await UserIdAsync(TestCallers.Supplier)),
            new("Add the feed to the hazard log", "Clinical safety officer", Due)), TestVersions.Any);
        Assert.True(decided.Succeeded, decided.Message);

        var record = (await _journey.SignOffs.GetAsync(_officer, id))!.Latest!;
        var followUps = new FollowUpService(_database, TimeProvider.System);
        var seen = (await followUps.ListAsync(_supplier, id)).Value!.Items.Single();

        Assert.Equal(["Integration lead (supplier: Sam Okafor)", "Clinical safety officer (NHS organisation)"], record.Conditions.Select(c => c.OwnerText));
        Assert.Equal("Integration lead (supplier: Sam Okafor)", seen.Owner);
        Assert.True(seen.CanMarkDone);
    }
}
