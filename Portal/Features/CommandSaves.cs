using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Features;

/// <summary>The end of every command's unit of work.</summary>
public static class CommandSaves
{
    /// <summary>
    /// Saves the command's changes. When someone else saved the same record between this command's read and its write
    /// (its concurrency stamp no longer matches), nothing is saved and the command is stale, with
    /// <paramref name="staleMessage"/> telling the person what to do; a check before commit that refused
    /// (<see cref="PortalDbContext.ChecksBeforeCommit"/>) is Invalid with its message; null means saved.
    /// </summary>
    public static async Task<Refusal?> SaveCommandAsync(this PortalDbContext db, string staleMessage, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Outcome.Stale(staleMessage);
        }
        catch (SaveRefusedException refused)
        {
            return refused.Stale ? Outcome.Stale(refused.Message) : Outcome.Invalid(refused.Message, refused.Field);
        }
    }
}
