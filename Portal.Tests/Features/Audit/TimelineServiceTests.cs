using Portal.Auth;
using Portal.Features.Audit;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Audit;

public sealed class TimelineServiceTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private int _assessmentId;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var journey = new TestJourney(_database);
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        _assessmentId = await journey.SubmittedAsync(officer, await TestCallers.ForAsync(_database, TestCallers.Supplier));
        await journey.Reviews.CommentAsync(officer, _assessmentId, "P.1", "Internal: check their DSPT status.", isInternal: true);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Nhs_staff_see_every_event_and_the_supplier_only_those_on_its_own_answers()
    {
        var timeline = new TimelineService(_database, new AuditDigests(_database, new AppendOnlyFileDigestStore(Path.Combine(_database.Directory, "digests.jsonl")), TimeProvider.System));

        var nhs = (await timeline.GetAsync(await TestCallers.ForAsync(_database, TestCallers.Ccio), _assessmentId))!;
        var supplier = (await timeline.GetAsync(await TestCallers.ForAsync(_database, TestCallers.Supplier), _assessmentId))!;

        Assert.Contains(nhs, e => e.Action == "InternalNoteAdded");
        Assert.Contains(nhs, e => e.Action == "AssessmentStartConfirmed");
        Assert.Contains(supplier, e => e.Action == "ResponseSaved");
        Assert.Contains(supplier, e => e.Action == "AssessmentSubmitted");
        Assert.DoesNotContain(supplier, e => e.Action is "InternalNoteAdded" or "AssessmentStartConfirmed" or "RequirementTakenOutOfScope");
        Assert.Null(await timeline.GetAsync(await TestCallers.ForAsync(_database, TestCallers.OtherSupplier), _assessmentId));
    }

    [Fact]
    public async Task The_timeline_pages_newest_first_and_finds_events_by_the_words_in_them()
    {
        var timeline = new TimelineService(_database, new AuditDigests(_database, new AppendOnlyFileDigestStore(Path.Combine(_database.Directory, "digests.jsonl")), TimeProvider.System));
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        var all = (await timeline.GetAsync(officer, _assessmentId))!;

        var first = (await timeline.PageAsync(officer, _assessmentId, null, 1))!;
        var beyond = (await timeline.PageAsync(officer, _assessmentId, null, 9999))!;
        var found = (await timeline.PageAsync(officer, _assessmentId, "internal note", 1))!;
        var literal = (await timeline.PageAsync(officer, _assessmentId, "%", 1))!;

        Assert.Equal(all.Count, first.Total);
        Assert.Equal(all.Take(TimelineService.PageSize).Select(e => e.Sequence), first.Entries.Select(e => e.Sequence));
        Assert.Equal(first.Pages, beyond.PageNumber);
        Assert.Equal("InternalNoteAdded", Assert.Single(found.Entries).Action);
        Assert.Equal(0, literal.Total);
    }

    [Fact]
    public async Task Events_recorded_with_the_codes_names_before_they_were_worded_read_in_words()
    {
        // Until 3 December 2026 the trail recorded "PartiallyMeets", "ClarificationRequested" and "True"; those events
        // stay as written (the trail is hash-chained) and the timeline says what they mean.
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        await using (var db = _database.CreateDbContext())
        {
            AuditTrail.Record(db, officer, DateTime.UtcNow, "ResponseSaved", "RequirementResponse", "OAP/P.2", "Saved the answer to P.2: PartiallyMeets.",
                "Meets", "PartiallyMeets", _assessmentId);
            AuditTrail.Record(db, officer, DateTime.UtcNow, "ReviewDecisionRecorded", "ReviewDecision", "OAP/P.2", "Clarification requested on P.2",
                null, "ClarificationRequested", _assessmentId);
            await db.SaveChangesAsync();
        }

        var timeline = new TimelineService(_database, new AuditDigests(_database, new AppendOnlyFileDigestStore(Path.Combine(_database.Directory, "digests.jsonl")), TimeProvider.System));
        var page = (await timeline.PageAsync(officer, _assessmentId, null, 1))!;

        var answer = page.Entries.First(e => e.Action == "ResponseSaved");
        Assert.Equal(("Meets", "Partially meets"), (answer.Before, answer.After));
        Assert.Equal("Clarification requested", page.Entries.First(e => e.Action == "ReviewDecisionRecorded").After);
        var found = (await timeline.PageAsync(officer, _assessmentId, "partially meets", 1))!;
        Assert.Contains(found.Entries, e => e.Summary == "Saved the answer to P.2: PartiallyMeets." && e.After == "Partially meets");
        Assert.Equal("Deactivated", AuditValues.Readable("PersonDeactivated", "False"));
        Assert.Equal("PartiallyMeets", AuditValues.Readable("ProductAdded", "PartiallyMeets"));
        Assert.Equal("3", AuditValues.Readable("ResponseSaved", "3"));
    }

    [Fact]
    public async Task Only_nhs_staff_verify_the_chain()
    {
        var timeline = new TimelineService(_database, new AuditDigests(_database, new AppendOnlyFileDigestStore(Path.Combine(_database.Directory, "digests.jsonl")), TimeProvider.System));

        var verification = await timeline.VerifyAsync(await TestCallers.ForAsync(_database, TestCallers.Officer));

        Assert.True(verification.Intact, verification.Problem);
        await Assert.ThrowsAsync<AccessDeniedException>(async () => await timeline.VerifyAsync(await TestCallers.ForAsync(_database, TestCallers.Supplier)));
    }
}
