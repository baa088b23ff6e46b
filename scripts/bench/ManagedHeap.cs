using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Portal.Benchmarks;

/// <summary>
/// Reads another .NET process's live managed heap from outside it, through the runtime's diagnostics channel
/// (EventPipe), the way dotnet-gcdump does: enabling the GC heap-collect keyword makes the runtime run one full,
/// blocking collection, and the heap statistics that collection reports are what is still alive. The portal needs
/// no diagnostics endpoint for this: the channel is a socket only the same user can open, there in every .NET process.
/// </summary>
public static class ManagedHeap
{
    public static async Task<long> LiveBytesAfterFullCollectionAsync(int processId, CancellationToken cancellationToken)
    {
        var client = new DiagnosticsClient(processId);
        EventPipeProvider[] providers =
        [
            new("Microsoft-Windows-DotNETRuntime", EventLevel.Informational,
                (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect)),
        ];
        using var session = await client.StartEventPipeSessionAsync(providers, requestRundown: false, circularBufferMB: 64, cancellationToken);
        using var source = new EventPipeEventSource(session.EventStream);
        var heap = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var inducedRunning = false;
        source.Clr.GCStart += e => inducedRunning |= e.Reason == GCReason.Induced && e.Depth == 2;
        source.Clr.GCHeapStats += e =>
        {
            if (inducedRunning)
            {
                heap.TrySetResult(e.TotalHeapSize);
            }
        };
        var processing = Task.Run(source.Process, cancellationToken);
        try
        {
            return await heap.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        finally
        {
            await session.StopAsync(cancellationToken);
            await processing;
        }
    }
}
