namespace Portal.Auth;

public static class PortalClaimTypes
{
    /// <summary>The id of the person's portal user record, added at sign-in.</summary>
    public const string UserId = "portal_user_id";
}
