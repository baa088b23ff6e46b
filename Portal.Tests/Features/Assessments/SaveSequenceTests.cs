using Portal.Features.Assessments.Start;

namespace Portal.Tests.Features.Assessments;

public sealed class SaveSequenceTests
{
    [Fact]
    public async Task A_save_starts_only_after_the_one_before_it_has_finished()
    {
        var saves = new SaveSequence();
        var first = new TaskCompletionSource<int>();
        var secondStarted = false;

        var one = saves.RunAsync(() => first.Task);
        var two = saves.RunAsync(() =>
        {
            secondStarted = true;
            return Task.FromResult(2);
        });
        var startedBeforeTheFirstFinished = secondStarted;
        first.SetResult(1);

        Assert.False(startedBeforeTheFirstFinished);
        Assert.Equal(1, await one);
        Assert.Equal(2, await two);
    }

    [Fact]
    public async Task A_failed_save_does_not_stop_the_next_one()
    {
        var saves = new SaveSequence();

        var failed = saves.RunAsync<int>(() => throw new InvalidOperationException("The database went away."));
        var next = saves.RunAsync(() => Task.FromResult(2));

        await Assert.ThrowsAsync<InvalidOperationException>(() => failed);
        Assert.Equal(2, await next);
    }
}
