using System.Net;
using Microsoft.AspNetCore.Http;

namespace Portal.Tests.TestSupport;

/// <summary>
/// Requests that arrive from a chosen network peer (the in-process test server otherwise has no client address), for the
/// limits counted per client address and for what a proxy in front of the portal forwards.
/// </summary>
public static class PeerRequests
{
    public static async Task<HttpResponse> GetFromAsync(this PortalAppFactory factory, IPAddress peer, string path, string? bearer = null, string? forwardedFor = null)
    {
        var context = await factory.Server.SendAsync(request =>
        {
            request.Connection.RemoteIpAddress = peer;
            request.Request.Method = HttpMethods.Get;
            request.Request.Path = path;
            request.Request.Headers.Accept = "application/json";
            if (bearer is not null)
            {
                request.Request.Headers.Authorization = $"Bearer {bearer}";
            }

            if (forwardedFor is not null)
            {
                request.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
        });
        return context.Response;
    }
}
