using Microsoft.AspNetCore.DataProtection;

namespace Portal.Hosting;

public static class DataProtectionSetup
{
    /// <summary>
    /// Sign-in cookies and form tokens are protected by keys. Keeping the keys in a folder (by default App_Data/keys)
    /// means people stay signed in across restarts; several instances behind a load balancer must share the folder.
    /// </summary>
    public static WebApplicationBuilder AddPortalDataProtection(this WebApplicationBuilder builder)
    {
        var directory = builder.Configuration["DataProtection:KeysDirectory"];
        if (string.IsNullOrWhiteSpace(directory))
        {
            directory = Path.Combine(builder.Environment.ContentRootPath, "App_Data", "keys");
        }

        builder.Services.AddDataProtection()
            .SetApplicationName("nhs-open-api-portal")
            .PersistKeysToFileSystem(new DirectoryInfo(directory));
        return builder;
    }
}
