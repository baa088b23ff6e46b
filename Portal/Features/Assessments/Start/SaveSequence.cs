namespace Portal.Features.Assessments.Start;

/// <summary>
/// Runs a step's saves one after another. A field is saved as the officer leaves it, and "Save and continue" saves
/// again; the click that leaves the field starts both, and two saves of the same draft at once would meet each
/// other's concurrency stamp. Each save waits for the one before it, whatever that one's outcome.
/// </summary>
public sealed class SaveSequence
{
    private Task _last = Task.CompletedTask;

    public Task<T> RunAsync<T>(Func<Task<T>> save)
    {
        var run = AfterAsync(_last, save);
        _last = run;
        return run;
    }

    private static async Task<T> AfterAsync<T>(Task previous, Func<Task<T>> save)
    {
        // The earlier save's failure is its own caller's to report; this save still runs.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        return await save();
    }
}
