using Portal.Auth;
using Portal.Features.Assessments;
using Portal.Features.Evidence;
using Portal.Tests.TestSupport;
using Portal.Features;

namespace Portal.Tests.Features.Assessments;

/// <summary>Each party sees only its own: other suppliers and other NHS organisations get nothing.</summary>
public sealed class AssessmentIsolationTests : IAsyncLifetime
{
    private TestDatabase _database = default!;
    private int _assessmentId;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _assessmentId = await TestAssessments.InvitedAsync(_database, await TestCallers.ForAsync(_database, TestCallers.Officer));
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private Task<Caller> Caller(string who) => TestCallers.ForAsync(_database, who);

    [Theory]
    [InlineData(TestCallers.Officer, true)]
    [InlineData(TestCallers.Ccio, true)]
    [InlineData(TestCallers.Supplier, true)]
    [InlineData(TestCallers.OtherSupplier, false)]
    [InlineData(TestCallers.OtherOfficer, false)]
    public async Task Only_the_assessing_organisation_and_the_invited_supplier_see_the_assessment(string who, bool sees)
    {
        var caller = await Caller(who);
        var assessments = new AssessmentService(_database, TimeProvider.System);
        var workspace = new EvidenceWorkspaceService(_database, new NullEvidenceStore(), Microsoft.Extensions.Options.Options.Create(new EvidenceOptions()), TimeProvider.System);

        var listed = (await assessments.GetHomeSummaryAsync(caller)).Latest.Any(a => a.Id == _assessmentId);
        var read = await assessments.GetAsync(caller, _assessmentId);
        var answers = await workspace.GetAsync(caller, _assessmentId);

        Assert.Equal(sees, listed);
        Assert.Equal(sees, read is not null);
        Assert.Equal(sees, answers is not null);
    }

    [Fact]
    public async Task A_supplier_does_not_see_a_draft_for_it_before_it_is_invited()
    {
        var draft = await TestAssessments.ConfirmedAsync(_database, await Caller(TestCallers.Officer));

        var assessments = new AssessmentService(_database, TimeProvider.System);
        var supplier = await Caller(TestCallers.Supplier);

        var listed = (await assessments.PageAsync(supplier, new AssessmentService.ListQuery(PageSize: 100))).Rows;
        var home = await assessments.GetHomeSummaryAsync(supplier);

        Assert.DoesNotContain(listed, a => a.Id == draft);
        Assert.DoesNotContain(home.Latest, a => a.Id == draft);
        // Not counted either: the home page's figures are the supplier's own.
        Assert.Equal(0, home.In(Portal.Data.Assessments.AssessmentStatus.Draft));
    }

    [Fact]
    public async Task Another_supplier_cannot_answer_or_submit()
    {
        var other = await Caller(TestCallers.OtherSupplier);
        var workspace = new EvidenceWorkspaceService(_database, new NullEvidenceStore(), Microsoft.Extensions.Options.Options.Create(new EvidenceOptions()), TimeProvider.System);

        var saved = await workspace.SaveResponseAsync(other, _assessmentId, "P.1", new(Portal.Data.Evidence.ComplianceClaim.Meets, "x", null, null, null), ReadVersion.None);
        var submitted = await workspace.SubmitAsync(other, _assessmentId);

        // Another supplier is not told the assessment exists.
        Assert.Equal(OutcomeKind.NotFound, saved.Kind);
        Assert.Equal(OutcomeKind.NotFound, submitted.Kind);
    }

    private sealed class NullEvidenceStore : IEvidenceStore
    {
        public string Description => "nowhere";

        public Task<StoredDocument> SaveAsync(Stream content, CancellationToken cancellationToken) => throw new InvalidOperationException("Not used.");

        public Task<Stream> OpenAsync(string storedName, string sha256, CancellationToken cancellationToken) => throw new InvalidOperationException("Not used.");

        public Task DeleteAsync(string storedName, CancellationToken cancellationToken) => throw new InvalidOperationException("Not used.");

        public Task PromoteAsync(string storedName, CancellationToken cancellationToken) => throw new InvalidOperationException("Not used.");

        public IAsyncEnumerable<StoreEntry> ListAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("Not used.");
    }
}
