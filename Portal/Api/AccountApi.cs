using System.ComponentModel;
using Portal.Auth;

namespace Portal.Api;

/// <summary>Who the API thinks you are: the quickest check that a token works.</summary>
public static class AccountApi
{
    public sealed record Me(
        [property: Description("Your portal user id.")] int UserId,
        [property: Description("Your name as the portal shows it.")] string Name,
        [property: Description("Your e-mail address.")] string Email,
        [property: Description("Your portal role: ProcurementOfficer, SupplierAccountManager, CcioReviewer or Administrator; null when none is assigned.")] string? Role,
        [property: Description("The NHS organisation you act for, if any.")] OrganisationRef? Organisation,
        [property: Description("The supplier you act for, if any.")] SupplierRef? Supplier,
        [property: Description("What the token may do: Read or ReadWrite.")] string Scope);

    public sealed record OrganisationRef(int Id, string Name, string? OdsCode);

    public sealed record SupplierRef(int Id, string Name);

    public static void MapAccountApi(this RouteGroupBuilder api) =>
        api.MapGet("/me", (HttpContext http) =>
            {
                var caller = http.Caller();
                return new ApiJson<Me>(new Me(
                    caller.UserId,
                    caller.DisplayName,
                    caller.Email,
                    caller.PrimaryRole,
                    caller.NhsOrganisationId is { } organisationId ? new OrganisationRef(organisationId, caller.NhsOrganisationName!, caller.OdsCode) : null,
                    caller.SupplierId is { } supplierId ? new SupplierRef(supplierId, caller.SupplierName!) : null,
                    ApiAuthentication.MayWrite(http.User) ? "ReadWrite" : "Read"));
            })
            .WithTags(ApiDocumentation.Account)
            .WithName("GetMe").Returns<AccountApi.Me>()
            .WithSummary("Who am I")
            .WithDescription("The person the token belongs to, their role, the organisation or supplier they act for, and what the token may do. Call it first to check a token works.");
}
