using Microsoft.AspNetCore.HttpOverrides;

namespace Portal.Hosting;

public static class ForwardedHeadersSetup
{
    public static ForwardedHeadersOptions? Read(IConfiguration configuration) => null;
}
