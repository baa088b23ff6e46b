using System.Globalization;
using System.Security.Claims;
using Microsoft.Identity.Web;

namespace Portal.Auth;

public static class PortalClaimTypes
{
    /// <summary>The id of the person's portal user record, added at sign-in.</summary>
    public const string UserId = "portal_user_id";

    /// <summary>On API calls made with a personal access token: what the token may do (<c>Read</c> or <c>ReadWrite</c>).</summary>
    public const string TokenScope = "portal_token_scope";

    /// <summary>On API calls made with a personal access token: the token's id, which fair-use limits count against.</summary>
    public const string TokenId = "portal_token_id";
}

/// <summary>The identity a portal user record signs in with: the claims the development sign-in and API tokens both give.</summary>
public static class PortalIdentity
{
    public static ClaimsIdentity For(
        string authenticationType, int userId, string displayName, string email, string tenantId, string objectId, string? role, params Claim[] extra)
    {
        List<Claim> claims =
        [
            new(PortalClaimTypes.UserId, userId.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, displayName),
            new(ClaimTypes.Email, email),
            new(ClaimConstants.Tid, tenantId),
            new(ClaimConstants.Oid, objectId),
            .. extra,
        ];
        if (role is not null)
        {
            // The role recorded on the person's portal record (from their last Entra ID sign-in, or the demo record).
            claims.Add(new Claim(ClaimTypes.Role, role));
        }

        return new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role);
    }
}
