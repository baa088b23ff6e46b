using System.Threading.Channels;

namespace Portal.Data.Scorecards;

/// <summary>
/// Tells this instance's score worker that a save has just made scores stale, so it refreshes them promptly rather
/// than at its next interval. Any number of raises before the worker looks count as one; nothing is ever locked, so a
/// cancelled wait or a failed save leaves nothing held. Other instances' changes are found at the worker's interval.
/// </summary>
public sealed class StaleScoreSignal
{
    private readonly Channel<bool> _raised = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void Raise() => _raised.Writer.TryWrite(true);

    /// <summary>Waits until the signal is raised (true) or <paramref name="timeout"/> passes (false).</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_raised.Reader.TryRead(out _))
        {
            return true;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _raised.Reader.WaitToReadAsync(limit.Token);
            return _raised.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
