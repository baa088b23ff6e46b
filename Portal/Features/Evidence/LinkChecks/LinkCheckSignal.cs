using System.Threading.Channels;

namespace Portal.Features.Evidence.LinkChecks;

/// <summary>
/// Tells this instance's link-check worker that a link was just added, so it checks it promptly rather than at its
/// next interval. Raises before the worker looks count as one; nothing is locked.
/// </summary>
public sealed class LinkCheckSignal
{
    private readonly Channel<bool> _raised = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    public void Raise() => _raised.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_raised.Reader.TryRead(out _))
        {
            return;
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await _raised.Reader.WaitToReadAsync(limit.Token);
            _raised.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}
