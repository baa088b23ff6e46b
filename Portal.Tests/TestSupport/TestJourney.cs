using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Data.Policy;
using Portal.Data.Reviews;
using Portal.Features.Evidence;
using Portal.Features.Reviews;
using Portal.Features.SignOffs;
using Portal.Features;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Moves an assessment along the real workflow through the real services, for tests of the later steps: on a test
/// database, or on a running portal's database (browser tests) with documents kept in <paramref name="evidenceDirectory"/>.
/// </summary>
public sealed class TestJourney(IDbContextFactory<PortalDbContext> database, string evidenceDirectory)
{
    public TestJourney(TestDatabase database)
        : this(database, Path.Combine(database.Directory, "evidence"))
    {
    }

    /// <summary>Where this journey's documents are kept: the test database's folder, or the running portal's.</summary>
    public IEvidenceStore Store { get; } = new LocalFolderEvidenceStore(evidenceDirectory);

    public EvidenceWorkspaceService Workspace { get; } = new(database, new LocalFolderEvidenceStore(evidenceDirectory),
        Options.Create(new EvidenceOptions()), TimeProvider.System);

    public ReviewService Reviews => new(database, Workspace, TimeProvider.System);

    public SignOffService SignOffs { get; } = new(database, TimeProvider.System);

    /// <summary>
    /// Invites the supplier, who answers every requirement ("meets" unless <paramref name="answer"/> says otherwise for a
    /// code), does whatever <paramref name="beforeSubmit"/> does (such as adding evidence) and submits.
    /// </summary>
    public async Task<int> SubmittedAsync(
        Caller officer, Caller supplier, ScopeConditions conditions = ScopeConditions.ConfidentialPatientData,
        Func<string, ResponseDraft?>? answer = null, Func<int, Task>? beforeSubmit = null)
    {
        var id = await TestAssessments.InvitedAsync(database, officer, supplier.Email, supplier.SupplierName!, conditions);
        var view = (await Workspace.GetAsync(supplier, id))!;
        foreach (var requirement in view.Requirements)
        {
            var draft = answer?.Invoke(requirement.Code) ?? new(ComplianceClaim.Meets, $"Answer to {requirement.Code}", null, null, null);
            await Workspace.SaveResponseAsync(supplier, id, requirement.Code, draft, ReadVersion.Of(requirement.Response?.ConcurrencyStamp));
        }

        foreach (var function in view.Functions)
        {
            await Workspace.SaveFunctionAsync(supplier, id, function.Id, "GET /Patient", null, ReadVersion.Of(function.ConcurrencyStamp));
        }

        if (beforeSubmit is not null)
        {
            await beforeSubmit(id);
        }

        var submitted = await Workspace.SubmitAsync(supplier, id);
        Assert.True(submitted.Succeeded, submitted.Message);
        return id;
    }

    public async Task<int> AwaitingSignOffAsync(Caller officer, Caller supplier)
    {
        var id = await SubmittedAsync(officer, supplier);
        Assert.True((await Reviews.StartAsync(officer, id)).Succeeded);
        Assert.True((await Reviews.DecideAsync(officer, id, await CodesAsync(id), ReviewOutcome.Accepted, null, TestVersions.Any)).Succeeded);
        var sent = await Reviews.SendForSignOffAsync(officer, id);
        Assert.True(sent.Succeeded, sent.Message);
        return id;
    }

    public async Task<List<string>> CodesAsync(int assessmentId)
    {
        await using var db = await database.CreateDbContextAsync();
        return await db.AssessmentRequirements.Where(r => r.AssessmentId == assessmentId && r.InScope).Select(r => r.Code).ToListAsync();
    }
}
