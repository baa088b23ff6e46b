using Microsoft.EntityFrameworkCore;
using Portal.Features.Audit;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Audit;

/// <summary>
/// An audit event never fails the change it records for being long: SQL Server enforces the column lengths that SQLite
/// ignores, so the text is fitted to them as it is recorded (real SQLite, the stored row read back).
/// </summary>
public sealed class AuditTrailTests : IAsyncLifetime
{
    private TestDatabase _database = default!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task A_summary_or_entity_longer_than_its_column_is_shortened_with_an_ellipsis_and_the_rest_is_kept()
    {
        var officer = await TestCallers.ForAsync(_database, TestCallers.Officer);
        var codes = string.Join(", ", Enumerable.Range(1, 120).Select(i => $"5.1.4.{i} Usage (ident): SLA void"));
        var entity = new string('P', 250) + " 5.2/P.1";
        var after = new string('x', 5000);

        await using (var db = _database.CreateDbContext())
        {
            AuditTrail.Record(db, officer, DateTime.UtcNow, "LongEvent", "Test", entity, $"Reopened {codes}.", after: after);
            await db.SaveChangesAsync();
        }

        await using var read = _database.CreateDbContext();
        var stored = await read.AuditEvents.SingleAsync(e => e.Action == "LongEvent");
        Assert.Equal(AuditTrail.SummaryLength, stored.Summary.Length);
        Assert.EndsWith("\u2026", stored.Summary, StringComparison.Ordinal);
        Assert.StartsWith("Reopened 5.1.4.1 Usage", stored.Summary, StringComparison.Ordinal);
        Assert.Equal(AuditTrail.EntityIdLength, stored.EntityId.Length);
        Assert.Equal(after, stored.After);
        Assert.True((await Portal.Data.Audit.AuditChain.VerifyAsync(read, [])).Intact);
    }

    [Fact]
    public void Text_that_fits_is_kept_exactly() => Assert.Equal("Accepted P.1.", AuditTrail.Fit("Accepted P.1.", AuditTrail.SummaryLength));
}
