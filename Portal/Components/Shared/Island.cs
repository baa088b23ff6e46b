using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;

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
/// has no circuit here. A native select works.
/// </para>
/// <para>
/// An exception that left an island would end its circuit, and every other island on the page with it: the layout's
/// error boundary is not in that circuit. So an island catches what its lifecycle and its event handlers throw, logs
/// it and sets <see cref="Failed"/>; its markup then shows <c>FailureNotice</c> with <see cref="Retry"/> in place of its
/// content, whose fields keep what was typed for when the person tries again.
/// </para>
/// </summary>
public abstract class Island : ComponentBase, IHandleEvent
{
    [Inject] private NavigationManager PageNavigation { get; set; } = default!;

    [Inject] private ILoggerFactory Loggers { get; set; } = default!;

    private Exception? _failure;

    /// <summary>Something the island ran threw: its markup shows a FailureNotice instead of its content.</summary>
    protected bool Failed => _failure is not null;

    /// <summary>
    /// For the FailureNotice's "Try again": shows the content again, as it was (what was typed is in the island's
    /// fields). None while prerendered, where no button can answer; the notice then offers a reload.
    /// </summary>
    protected EventCallback Retry => Waiting ? default : EventCallback.Factory.Create(this, RetryAsync);

    // An island loads what it shows in OnParametersSetAsync (not OnInitializedAsync), so trying again loads it again:
    // after a failed load, and after a command that failed part-way (it may have changed what the island shows). What
    // the person typed is in the island's fields, which loading leaves alone.
    private async Task RetryAsync()
    {
        _failure = null;
        await OnParametersSetAsync();
    }

    /// <summary>
    /// True while the island is prerendered HTML that its circuit has not yet taken over. Its inputs and buttons are
    /// disabled meanwhile: text typed into a prerendered field would be lost when the circuit replaces it, and a click
    /// would reach nothing.
    /// </summary>
    protected bool Waiting { get; private set; } = true;

    /// <summary>Written as <c>data-island</c> on the island's outer element: "waiting" until live (browser tests wait for none).</summary>
    protected string IslandState => Waiting ? "waiting" : "live";

    /// <summary>The FailureNotice's sentence for an island: what is safe, and that what was typed waits for "Try again".</summary>
    protected string IslandReassurance => Waiting
        ? "The rest of the page still works, and anything you saved is safe."
        : "The rest of the page still works. Anything you saved is safe, and what you typed here is still there when you try again.";

    public override async Task SetParametersAsync(ParameterView parameters)
    {
        try
        {
            await base.SetParametersAsync(parameters);
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            Fail(ex);
        }
    }

    // In place of ComponentBase's: the same renders, with what a handler throws kept inside the island.
    async Task IHandleEvent.HandleEventAsync(EventCallbackWorkItem callback, object? arg)
    {
        try
        {
            var task = callback.InvokeAsync(arg);
            if (!task.IsCompleted)
            {
                StateHasChanged();
            }

            await task;
        }
        catch (Exception ex) when (IsFailure(ex))
        {
            Fail(ex);
        }

        StateHasChanged();
    }

    // A redirect leaving a prerender (NavigationException) and a cancelled task (the person left, the circuit closed)
    // are not failures to show, as ComponentBase does not treat them as such either.
    private static bool IsFailure(Exception ex) => ex is not (NavigationException or OperationCanceledException);

    private void Fail(Exception ex)
    {
        Loggers.CreateLogger(GetType()).LogError(ex, "{Island} failed; it shows that in place of its content and the rest of the page carries on.", GetType().Name);
        _failure = ex;
        StateHasChanged();
    }

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
