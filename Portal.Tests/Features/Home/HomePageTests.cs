using Bunit;
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
