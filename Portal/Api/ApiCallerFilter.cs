using Portal.Auth;

namespace Portal.Api;

/// <summary>
/// Resolves who is calling, once per request, as the pages do; refuses a read-only token any change. Endpoints
/// then take the caller from <see cref="ApiCallers.Caller"/> and hand it to the feature services, which decide.
/// </summary>
public sealed class ApiCallerFilter(CallerResolver callers) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var caller = await callers.ResolveAsync(http.User, http.RequestAborted);
        if (caller is null)
        {
            return ApiProblem.Forbidden("Your portal account is not active. Contact your portal administrator.");
        }

        var isWrite = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
        if (isWrite && !ApiAuthentication.MayWrite(http.User))
        {
            return ApiProblem.Forbidden("This personal access token is read-only. Create a read-and-write token at /account/tokens to change data.");
        }

        http.Items[typeof(Caller)] = caller;
        return await next(context);
    }
}

public static class ApiCallers
{
    /// <summary>The caller <see cref="ApiCallerFilter"/> resolved for this request.</summary>
    public static Caller Caller(this HttpContext http) =>
        http.Items[typeof(Caller)] as Caller ?? throw new InvalidOperationException("The API caller filter has not run for this endpoint.");
}
