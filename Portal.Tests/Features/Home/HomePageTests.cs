using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Assessments;
using Portal.Features.Assessments;
using Portal.Features.Home;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Features.Home;

public sealed class HomePageTests : ComponentTestBase
{
    [Fact]
    public async Task A_procurement_officer_sees_their_organisations_work_and_the_next_step()
    {
        await SignInAsync(TestCallers.Officer);

        var cut = RenderWithProviders<HomePage>();

        cut.WaitForAssertion(() => Assert.Contains("Assessments for Demo Valley NHS Foundation Trust", cut.Markup, StringComparison.Ordinal));
        Assert.NotNull(cut.Find("a[href='/policy/what-applies']"));
        Assert.Contains("107 requirements", cut.Markup, StringComparison.Ordinal);
    }

    /// <summary>
    /// The home page's counts are the organisation's, however many assessments it holds: they once came from the 500
    /// most recently changed rows, so a trust with more saw fewer drafts at home than in its list.
    /// </summary>
    [Fact]
    public async Task A_procurement_officers_counts_cover_every_assessment_and_agree_with_the_list()
    {
        var officer = await SignInAsync(TestCallers.Officer);
        var first = await TestAssessments.ConfirmedAsync(Database, officer);
        await CopiesAsync(first, 540);
        var today = TimeProvider.System.PortalToday();
        await using (var db = Database.CreateDbContext())
        {
            var ids = await db.Assessments.Where(a => a.Id > first).OrderBy(a => a.Id).Select(a => a.Id).ToListAsync();
            await db.Assessments.Where(a => a.Id >= first).ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, AssessmentStatus.Draft));
            await db.Assessments.Where(a => ids.Take(7).Contains(a.Id)).ExecuteUpdateAsync(set => set.SetProperty(a => a.Status, AssessmentStatus.Submitted));
            await db.Assessments.Where(a => ids.Skip(7).Take(4).Contains(a.Id)).ExecuteUpdateAsync(set => set
                .SetProperty(a => a.Status, AssessmentStatus.AwaitingSupplier).SetProperty(a => a.ResponseDueDate, today.AddDays(-3)));
        }

        var assessments = new AssessmentService(Database, TimeProvider.System);
        var drafts = (await assessments.PageAsync(officer, new(Status: AssessmentStatus.Draft))).Total;
        var cut = RenderWithProviders<HomePage>();

        Assert.True(drafts > 500, $"Only {drafts} drafts were made.");
        cut.WaitForAssertion(() => Assert.Contains($"7 to review, {drafts} in draft, 4 overdue.", cut.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Equal(10, cut.FindAll("td[data-label='Reference']").Count);
    }

    /// <summary>Copies of one assessment's row in SQL: hundreds of real journeys would take minutes.</summary>
    private async Task CopiesAsync(int id, int count)
    {
        await using var db = Database.CreateDbContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var columns = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM pragma_table_info('Assessments') WHERE name <> 'Id'";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                columns.Add($"\"{reader.GetString(0)}\"");
            }
        }

        var list = string.Join(", ", columns);
        await using var insert = connection.CreateCommand();
        insert.CommandText = $"""
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {count})
            INSERT INTO "Assessments" ({list}) SELECT {list} FROM "Assessments", n WHERE "Assessments"."Id" = {id}
            """;
        Assert.Equal(count, await insert.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task A_supplier_sees_their_company_and_no_nhs_organisations_work()
    {
        await SignInAsync(TestCallers.Supplier);

        var cut = RenderWithProviders<HomePage>();

        cut.WaitForAssertion(() => Assert.Contains("Assessments waiting for Acme Clinical Systems Ltd", cut.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("Demo Valley", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_person_without_a_portal_role_is_told_how_to_get_one()
    {
        await SignInAsync(TestCallers.Officer, withRole: false);

        var cut = RenderWithProviders<HomePage>();

        cut.WaitForAssertion(() => Assert.Contains("Your account has no portal role yet", cut.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("Assessments for", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_administrator_sees_how_many_people_wait_to_be_linked()
    {
        await SignInAsync(TestCallers.Administrator);
        await using (var db = Database.CreateDbContext())
        {
            db.Users.Add(new Portal.Data.Users.PortalUser
            {
                TenantId = "tenant", ObjectId = "new-person", DisplayName = "New Person", Email = "new@nhs.net", CreatedAt = DateTime.UtcNow,
            });
            await db.SaveChangesAsync();
        }

        var cut = RenderWithProviders<HomePage>();

        cut.WaitForAssertion(() => Assert.Contains("1 person is waiting to be linked", cut.Markup, StringComparison.Ordinal));
    }
}
