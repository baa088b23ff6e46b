using AngleSharp.Dom;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using MudBlazor.Services;
using Portal.Components.Layout;
using Portal.Data.Users;

namespace Portal.Tests.Components;

/// <summary>
/// The navigation drawer (NavMenu, one component writing MudBlazor's nav markup): what each person is shown, which link
/// is the current page as the address changes on a live page, and which group starts open.
/// </summary>
public sealed class NavMenuTests : BunitContext
{
    private readonly BunitAuthorizationContext _authorization;

    public NavMenuTests()
    {
        Services.AddMudServices();
        _authorization = AddAuthorization();
        _authorization.SetAuthorized("Test person");
    }

    private IRenderedComponent<NavMenu> RenderAs(string role, string path)
    {
        _authorization.SetRoles(role);
        Services.GetRequiredService<NavigationManager>().NavigateTo(path);
        return Render<NavMenu>();
    }

    private static IReadOnlyList<string> LinkTexts(IRenderedComponent<NavMenu> menu) =>
        [.. menu.FindAll("a").Select(a => a.TextContent.Trim())];

    private static IElement LinkNamed(IRenderedComponent<NavMenu> menu, string text) =>
        menu.FindAll("a").Single(a => a.TextContent.Trim() == text);

    private static IElement GroupTitled(IRenderedComponent<NavMenu> menu, string title) =>
        menu.FindAll("details").Single(d => d.QuerySelector("summary")!.TextContent.Trim() == title);

    [Fact]
    public void Each_person_is_shown_the_links_their_role_can_use()
    {
        var officer = LinkTexts(RenderAs(PortalRoles.ProcurementOfficer, "/"));
        Assert.Contains("Assessments", officer);
        Assert.Contains("Dashboard", officer);
        Assert.DoesNotContain("People and organisations", officer);
        Assert.Contains("API tokens", officer);

        var supplier = LinkTexts(RenderAs(PortalRoles.SupplierAccountManager, "/"));
        Assert.Contains("Assessments", supplier);
        Assert.DoesNotContain("Dashboard", supplier);

        var administrator = RenderAs(PortalRoles.Administrator, "/");
        Assert.Contains("People and organisations", LinkTexts(administrator));
        Assert.True(GroupTitled(administrator, "Administration").HasAttribute("open"), "The administration group starts open.");
    }

    [Theory]
    [InlineData("/", "Home")]
    [InlineData("/assessments", "Assessments")]
    [InlineData("/assessments/12/evidence", "Assessments")]
    [InlineData("/policy", "Policy library")]
    [InlineData("/policy/what-applies", "What applies to my system?")]
    [InlineData("/account/tokens", "API tokens")]
    public void The_current_pages_link_and_only_it_is_marked_current(string path, string current)
    {
        var menu = RenderAs(PortalRoles.ProcurementOfficer, path);

        var marked = menu.FindAll("a[aria-current='page']");
        Assert.Equal(current, Assert.Single(marked).TextContent.Trim());
        Assert.Contains("active", marked[0].ClassList);
    }

    [Fact]
    public void A_policy_requirement_is_not_the_library_list_and_no_link_is_current_on_a_page_outside_the_menu()
    {
        var menu = RenderAs(PortalRoles.ProcurementOfficer, "/policy/requirements/P.1");

        Assert.Empty(menu.FindAll("a[aria-current]"));
    }

    [Fact]
    public void On_a_live_page_the_current_mark_follows_the_address_and_a_group_opens_on_one_of_its_pages()
    {
        var menu = RenderAs(PortalRoles.ProcurementOfficer, "/notifications");
        Assert.False(GroupTitled(menu, "Portal API").HasAttribute("open"), "The API group starts closed.");

        Services.GetRequiredService<NavigationManager>().NavigateTo("/api/changelog");

        menu.WaitForAssertion(() => Assert.Equal("Versions and changes", menu.Find("a[aria-current='page']").TextContent.Trim()));
        Assert.Null(LinkNamed(menu, "Notifications").GetAttribute("aria-current"));
        Assert.True(GroupTitled(menu, "Portal API").HasAttribute("open"), "A group opens on one of its own pages.");

        Services.GetRequiredService<NavigationManager>().NavigateTo("/notifications");
        menu.WaitForAssertion(() => Assert.Equal("Notifications", menu.Find("a[aria-current='page']").TextContent.Trim()));
        Assert.True(GroupTitled(menu, "Portal API").HasAttribute("open"), "Moving on does not close a group that was open.");
    }

    [Fact]
    public void The_api_reference_is_loaded_whole_not_by_blazors_navigation()
    {
        var menu = RenderAs(PortalRoles.ProcurementOfficer, "/");

        Assert.Equal("_top", LinkNamed(menu, "API reference").GetAttribute("target"));
        Assert.Null(LinkNamed(menu, "Home").GetAttribute("target"));
    }
}
