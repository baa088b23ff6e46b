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
