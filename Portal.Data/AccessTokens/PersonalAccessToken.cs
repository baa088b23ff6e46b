using System.Security.Cryptography;
using System.Text;
using Portal.Data.Users;

namespace Portal.Data.AccessTokens;

/// <summary>What a personal access token may do through the API.</summary>
public enum TokenScope
{
    /// <summary>Reads only; any write is refused.</summary>
    Read,

    /// <summary>Reads and writes, within what the person may do in the portal.</summary>
    ReadWrite,
}

/// <summary>
/// A token a person creates to call the portal's API as themselves. Only the SHA-256 of the token is kept: the
/// token itself is shown once, when it is made. Tokens start with <see cref="Prefix"/> so a leaked one is easy to
/// find in code, logs and secret scanners.
/// </summary>
public class PersonalAccessToken
{
    public const string Prefix = "oap_";

    public int Id { get; set; }

    public int UserId { get; set; }

    public PortalUser? User { get; set; }

    public required string Name { get; set; }

    /// <summary>Lower-case hex SHA-256 of the whole token, prefix included.</summary>
    public required string TokenHash { get; set; }

    /// <summary>The prefix and the last four characters, enough for the owner to tell tokens apart.</summary>
    public required string Hint { get; set; }

    public TokenScope Scope { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime ExpiresAt { get; set; }

    public DateTime? LastUsedAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public bool IsUsableAt(DateTime now) => RevokedAt is null && ExpiresAt > now;

    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string HintOf(string token) => $"{Prefix}…{token[^4..]}";
}
