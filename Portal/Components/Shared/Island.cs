using Microsoft.AspNetCore.Components;

namespace Portal.Components.Shared;

/// <summary>
/// The part of a page where a person acts (a form, a button that changes something). A page that mostly shows is sent
/// without a circuit ([ExcludeFromInteractiveRouting]) and places its islands with <c>@rendermode="InteractiveServer"</c>:
/// only they go live, so the browser rebuilds only their markup when the circuit attaches (the long task behind the
/// live pages' blocking time) and the circuit holds only their components (README "Pages with and without a live
/// connection"). The same component also works unchanged inside a live page.
/// <para>
/// Its parameters must be plain values (they are written, protected, into the page for its circuit to read back), it
/// is placed with a <c>@key</c> (an unkeyed island whose parameters changed is thrown away when the page is fetched
/// again), and it may not use MudBlazor's popovers (selects, menus, tooltips): their provider is in the layout, which
/// has no circuit here. A native select works. An exception in an island ends its circuit and every island with it (the
/// layout's error boundary is not in that circuit): its commands return outcomes rather than throw.
/// </para>
/// </summary>
public abstract class Island : ComponentBase
{
    [Inject] private NavigationManager PageNavigation { get; set; } = default!;

    /// <summary>
    /// True while the island is prerendered HTML that its circuit has not yet taken over. Its inputs and buttons are
    /// disabled meanwhile: text typed into a prerendered field would be lost when the circuit replaces it, and a click
    /// would reach nothing.
    /// </summary>
    protected bool Waiting { get; private set; } = true;

    /// <summary>Written as <c>data-island</c> on the island's outer element: "waiting" until live (browser tests wait for none).</summary>
    protected string IslandState => Waiting ? "waiting" : "live";

    /// <summary>Runs only once a circuit has rendered the island (never while prerendering): the island is live.</summary>
    protected sealed override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            Waiting = false;
            StateHasChanged();
        }
    }

    /// <summary>
    /// Tells the page that a command changed what it shows. A live page listening (<paramref name="changed"/>) reloads
    /// its data; a page sent without a circuit cannot listen, so it is fetched again by enhanced navigation, which
    /// patches the static parts and keeps this island, with what it says, as it is.
    /// </summary>
    protected async Task PageChangedAsync(EventCallback changed)
    {
        if (changed.HasDelegate)
        {
            await changed.InvokeAsync();
        }
        else
        {
            PageNavigation.Refresh();
        }
    }
}
