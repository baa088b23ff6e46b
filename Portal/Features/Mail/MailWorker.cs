using Microsoft.Extensions.Options;
using Portal.Hosting;

namespace Portal.Features.Mail;

/// <summary>
/// Sends the outbox and the daily digests, every Mail:PollSeconds, on the one instance holding the "mail"
/// <see cref="JobLease"/>. The claim on each mail (<see cref="OutboxSender"/>) keeps it safe even when runs overlap.
/// </summary>
public sealed partial class MailWorker(
    JobLease lease, OutboxSender sender, MailDigests digests, TimeProvider clock, IOptions<MailOptions> options, ILogger<MailWorker> logger) : BackgroundService
{
    public const string Job = "mail";

    public sealed record Round(int Digests, OutboxSender.Round Sending);

    /// <summary>One round: null when another instance holds the job.</summary>
    public async Task<Round?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        if (!await lease.TryTakeAsync(Job, options.Value.ClaimLength, cancellationToken))
        {
            return null;
        }

        return await lease.RecordRunAsync(Job, async token =>
        {
            var written = await digests.GatherAsync(token);
            return new Round(written, await sender.SendDueAsync(lease.Holder, token));
        }, Describe, cancellationToken);
    }

    private static string Describe(Round round) => round.Sending.Kept
        ? "No way to send mail is configured: mail is kept in the outbox."
        : $"Sent {round.Sending.Sent}, failed {round.Sending.Failed}, digests written {round.Digests}.";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, options.Value.PollSeconds)), clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The mail round failed; the next round tries again.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
