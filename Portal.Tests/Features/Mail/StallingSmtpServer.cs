using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.Tests.Features.Mail;

/// <summary>
/// A small SMTP server for one test: it accepts the first <c>accept</c> mails, then takes the next one's content and
/// never answers it, so a sender is held mid-send at a known moment (the relay has the mail, the sender has no reply).
/// Speaks just enough SMTP for MailKit without TLS: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
/// </summary>
public sealed class StallingSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<TcpClient> _clients = [];
    private readonly TaskCompletionSource<string> _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _accept;
    private readonly Task _serving;
    private int _received;

    public StallingSmtpServer(int accept)
    {
        _accept = accept;
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The recipients of the mails it accepted (answered 250), in order.</summary>
    public ConcurrentQueue<string> Accepted { get; } = new();

    /// <summary>Completes with the recipient of the mail it took and never answered.</summary>
    public Task<string> Stalled => _stalled.Task;

    private async Task ServeAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _clients.Add(client);
                _ = Task.Run(() => ConverseAsync(client));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Stopped.
        }
    }

    private async Task ConverseAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            await using var writer = new StreamWriter(stream, Encoding.ASCII, leaveOpen: true) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 stalling.test ESMTP");
            string? recipient = null;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                switch (line.Split(' ', 2)[0].ToUpperInvariant())
                {
                    case "EHLO":
                    case "HELO":
                        await writer.WriteLineAsync("250 stalling.test");
                        break;
                    case "RCPT":
                        recipient = line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.LastIndexOf('>')].ToLowerInvariant();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "MAIL":
                    case "RSET":
                    case "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        while (await reader.ReadLineAsync(_stop.Token) is { } data && data != ".")
                        {
                            // The content is taken and not kept: the test reads what was sent from the outbox and smtp4dev.
                        }

                        if (Interlocked.Increment(ref _received) > _accept)
                        {
                            // Holds the connection open and never answers: the sender waits for a reply that does not come.
                            _stalled.TrySetResult(recipient ?? "");
                            return;
                        }

                        Accepted.Enqueue(recipient ?? "");
                        await writer.WriteLineAsync("250 OK queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        client.Dispose();
                        return;
                    default:
                        await writer.WriteLineAsync("502 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // The sender went away (killed) or the server stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving;
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }
}
