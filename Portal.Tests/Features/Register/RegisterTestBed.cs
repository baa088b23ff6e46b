using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Evidence;
using Portal.Data.Reviews;
using Portal.Data.SignOffs;
using Portal.Features;
using Portal.Features.Evidence;
using Portal.Features.Register;
using Portal.Features.SignOffs;
using Portal.Tests.Features.EvidencePacks;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Register;

/// <summary>
/// Signed-off assessments of Acme's CarePAS 5.2 to publish, on the pack tests' people and database. Every private text an
/// organisation writes (review notes, internal comments, conditions, sign-off reasons and clinical safety notes) carries
/// <see cref="Marker"/>, so a test can show that none of it reaches the register.
/// </summary>
public sealed class RegisterTestBed : IAsyncDisposable
{
    public const string Marker = "PRIVATE-MARKER-7f3c";

    private RegisterTestBed(PackTestBed pack) => Pack = pack;

    public PackTestBed Pack { get; }

    public RegisterService Register => new(Pack.Database, TimeProvider.System);

    public static async Task<RegisterTestBed> CreateAsync() => new(await PackTestBed.CreateAsync());

    public ValueTask DisposeAsync() => Pack.DisposeAsync();

    /// <summary>
    /// An assessment by trust A answered "meets" throughout (or as <paramref name="answer"/> says), accepted at review with
    /// a private note and comment, signed off by the CCIO as <paramref name="choice"/> with private reasons, and naming
    /// the product version <paramref name="versionId"/> (none when null).
    /// </summary>
    public async Task<int> SignedOffAsync(int? versionId, SignOffService.Choice choice = SignOffService.Choice.Approve, Func<string, ResponseDraft?>? answer = null)
    {
        var journey = Pack.Journey;
        var id = await journey.SubmittedAsync(Pack.OfficerA, Pack.Supplier, answer: answer);
        Assert.True((await journey.Reviews.StartAsync(Pack.OfficerA, id)).Succeeded);
        var decided = await journey.Reviews.DecideAsync(Pack.OfficerA, id, await journey.CodesAsync(id), ReviewOutcome.Accepted, $"Review note {Marker}", TestVersions.Any);
        Assert.True(decided.Succeeded, decided.Message);
        Assert.True((await journey.Reviews.CommentAsync(Pack.OfficerA, id, "P.1", $"Internal comment {Marker}", isInternal: true)).Succeeded);
        Assert.True((await journey.Reviews.SendForSignOffAsync(Pack.OfficerA, id)).Succeeded);
        IReadOnlyList<SignOffService.ConditionInput> conditions = choice == SignOffService.Choice.ApproveWithConditions
            ? [new($"Condition {Marker}", $"Owner {Marker}", TimeProvider.System.PortalToday().AddDays(30), FollowUpParty.Organisation)]
            : [];
        var signed = await journey.SignOffs.DecideAsync(Pack.CcioA, id,
            new(choice, true, $"HL-{Marker}", $"Clinical notes {Marker}", $"Reasons {Marker}", conditions), TestVersions.Any);
        Assert.True(signed.Succeeded, signed.Message);
        if (versionId is not null)
        {
            // The assessment's start named the version in the real journey (PackTestBed.AssessmentAsync shows it); here
            // only the register's reading of it matters.
            await using var db = Pack.Db();
            await db.Assessments.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.ProductVersionId, versionId));
        }

        return id;
    }

    /// <summary>A database on which <paramref name="other"/> happens once, just before the first save's transaction begins.</summary>
    public IDbContextFactory<PortalDbContext> Racing(Func<Task> other) => new RacingFactory(Pack.Database, other);

    private sealed class RacingFactory(TestDatabase database, Func<Task> other) : DbTransactionInterceptor, IDbContextFactory<PortalDbContext>
    {
        private bool _raced;

        public PortalDbContext CreateDbContext()
        {
            var builder = new DbContextOptionsBuilder<PortalDbContext>();
            Portal.Data.DatabaseSetup.Configure(builder, database.Options);
            builder.AddInterceptors(this);
            return new PortalDbContext(builder.Options);
        }

        public override async ValueTask<InterceptionResult<System.Data.Common.DbTransaction>> TransactionStartingAsync(
            System.Data.Common.DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<System.Data.Common.DbTransaction> result,
            CancellationToken cancellationToken = default)
        {
            if (!_raced)
            {
                _raced = true;
                await other();
            }

            return result;
        }
    }
}
