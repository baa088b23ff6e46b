using System.Security.Claims;
using MudBlazor;
using Portal.Data.Users;

namespace Portal.Components.Layout;

/// <summary>What the navigation drawer lists, for whom, and which link is the current page (NavMenu writes it out).</summary>
public static class PortalNavigation
{
    private static readonly string[] AssessmentRoles =
        [PortalRoles.ProcurementOfficer, PortalRoles.SupplierAccountManager, PortalRoles.CcioReviewer, PortalRoles.Administrator];

    private static readonly string[] DashboardRoles = [PortalRoles.ProcurementOfficer, PortalRoles.CcioReviewer, PortalRoles.Administrator];

    /// <summary>A link in the drawer. <paramref name="Roles"/>: shown only to people in one of them (everyone when null).</summary>
    /// <param name="Exact">Current only on its own address, not on the addresses below it (Home, the policy library).</param>
    /// <param name="FullLoad">
    /// Not a page of the portal's own (the API reference): the browser loads it whole. Written as target="_top", which
    /// neither Blazor's live router nor its enhanced navigation takes over (both leave links aimed at another frame).
    /// </param>
    public sealed record Link(string Href, string Text, string Icon, bool Exact = false, IReadOnlyList<string>? Roles = null, bool FullLoad = false)
    {
        /// <summary>Whether <paramref name="path"/> (the address's path, no query) is this link's page or, unless exact, below it.</summary>
        public bool IsCurrent(string path)
        {
            var href = Href.TrimEnd('/');
            var here = path.TrimEnd('/');
            return string.Equals(here, href, StringComparison.OrdinalIgnoreCase)
                || (!Exact && here.StartsWith(href + "/", StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>Links under a heading that opens and closes; <paramref name="Open"/> at first (it opens anyway on one of its pages).</summary>
    public sealed record Group(string Title, string Icon, bool Open, IReadOnlyList<Link> Links, IReadOnlyList<string>? Roles = null);

    public static IReadOnlyList<Link> Links { get; } =
    [
        new("/", "Home", Icons.Material.Outlined.Home, Exact: true),
        new("/assessments", "Assessments", Icons.Material.Outlined.Assignment, Roles: AssessmentRoles),
        new("/scorecards/verify", "Verify a scorecard", Icons.Material.Outlined.VerifiedUser),
        new("/register", "Public register", Icons.Material.Outlined.Public),
        new("/dashboard", "Dashboard", Icons.Material.Outlined.BarChart, Roles: DashboardRoles),
        new("/notifications", "Notifications", Icons.Material.Outlined.Notifications),
        new("/account/mail", "E-mail", Icons.Material.Outlined.Email),
        new("/policy", "Policy library", Icons.Material.Outlined.MenuBook, Exact: true),
        new("/policy/what-applies", "What applies to my system?", Icons.Material.Outlined.Checklist),
    ];

    public static IReadOnlyList<Group> Groups { get; } =
    [
        new("Portal API", Icons.Material.Outlined.Api, Open: false,
        [
            new("/api/getting-started", "Getting started", Icons.Material.Outlined.School),
            new("/api/docs", "API reference", Icons.Material.Outlined.Description, FullLoad: true),
            new("/api/changelog", "Versions and changes", Icons.Material.Outlined.History),
            new("/account/tokens", "API tokens", Icons.Material.Outlined.Key),
        ]),
        new("Administration", Icons.Material.Outlined.AdminPanelSettings, Open: true,
        [
            new("/admin/users", "People and organisations", Icons.Material.Outlined.People),
            new("/admin/catalogue", "Catalogue versions", Icons.Material.Outlined.LibraryBooks),
        ], Roles: [PortalRoles.Administrator]),
    ];

    /// <summary>Whether <paramref name="person"/> is shown something limited to <paramref name="roles"/> (null: everyone).</summary>
    public static bool Shows(IReadOnlyList<string>? roles, ClaimsPrincipal? person) =>
        roles is null || (person is not null && roles.Any(person.IsInRole));
}
