using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Data;
using Portal.Data.Mail;

namespace Portal.Features.Mail;

/// <summary>
/// Once a day (from Mail:DigestHourUtc), gathers each person's held updates and reminders into one mail. The digest's
/// key names the person and the day, so however many instances or rounds run it, each person gets one a day.
/// </summary>
public sealed class MailDigests(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock, IOptions<MailOptions> options)
{
    public const string DigestText = "Here is what happened in the Open API compliance portal that needs your attention or may interest you.";

    /// <summary>Writes today's digests that are due; returns how many.</summary>
    public async Task<int> GatherAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var from = now.Date.AddHours(Math.Clamp(options.Value.DigestHourUtc, 0, 23));
        if (now < from)
        {
            return 0;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var held = await db.OutboxMessages
            .Where(m => m.Status == OutboxStatus.HeldForDigest && m.CreatedAt < from && m.UserId != null)
            .OrderBy(m => m.Id)
            .ToListAsync(cancellationToken);
        var written = 0;
        foreach (var person in held.GroupBy(m => m.UserId!.Value))
        {
            var key = string.Create(CultureInfo.InvariantCulture, $"digest:{person.Key}:{from:yyyy-MM-dd}");
            var address = person.First().ToAddress;
            var digest = await db.OutboxMessages.SingleOrDefaultAsync(m => m.Key == key && m.ToAddress == address, cancellationToken);
            if (digest is null)
            {
                digest = new OutboxMessage
                {
                    Key = key, ToAddress = address, UserId = person.Key, Kind = MailKind.Digest, Subject = MailWording.Subject(MailKind.Digest, null, null),
                    Text = DigestText, Link = "/notifications", Status = OutboxStatus.Pending, CreatedAt = now, NextAttemptAt = now,
                };
                db.OutboxMessages.Add(digest);
                written++;
            }

            var strategy = db.Database.CreateExecutionStrategy();
            await strategy.ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
                foreach (var item in person)
                {
                    item.Status = OutboxStatus.Digested;
                    item.DigestId = digest.Id;
                }

                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            });
        }

        return written;
    }
}
