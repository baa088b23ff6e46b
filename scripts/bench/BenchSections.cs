namespace Portal.Benchmarks;

/// <summary>
/// Runs the benchmark's parts one by one so that a part that fails (a crashed browser, a page that no longer says
/// what it should) is named with its error at once and recorded in the result, and the parts after it still run.
/// The run then prints every figure it has, lists the failures and exits non-zero: never silence, never a partial
/// table that looks complete.
/// </summary>
public sealed class BenchSections(BenchResult result, Func<string, bool>? runs = null)
{
    /// <param name="holdsOthers">A part that only starts what the parts inside it need: it runs whenever any of them may.</param>
    public async Task RunAsync(string name, Func<Task> part, bool holdsOthers = false)
    {
        if (!holdsOthers && runs is not null && !runs(name))
        {
            Console.WriteLine($"Skipped (not in --only): {name}");
            return;
        }

        try
        {
            await part();
        }
        catch (Exception ex)
        {
            result.Failures.Add(new(name, $"{ex.GetType().Name}: {ex.Message}"));
            Console.Error.WriteLine($"FAILED: {name}: {ex}");
        }
    }
}
