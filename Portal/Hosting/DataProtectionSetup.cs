using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace Portal.Hosting;

public static class DataProtectionSetup
{
    /// <summary>
    /// Sign-in cookies and form tokens are protected by keys. Keeping the keys in a folder (by default App_Data/keys)
    /// means people stay signed in across restarts; several instances behind a load balancer must share the folder.
    /// With DataProtection:CertificatePath (a PFX file, and DataProtection:CertificatePassword if it has one) the keys
    /// are encrypted at rest with that certificate.
    /// </summary>
    public static WebApplicationBuilder AddPortalDataProtection(this WebApplicationBuilder builder)
    {
        var directory = builder.Configuration["DataProtection:KeysDirectory"];
        if (string.IsNullOrWhiteSpace(directory))
        {
            directory = Path.Combine(builder.Environment.ContentRootPath, "App_Data", "keys");
        }

        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName("nhs-open-api-portal")
            .PersistKeysToFileSystem(new DirectoryInfo(directory));

        var certificatePath = builder.Configuration["DataProtection:CertificatePath"];
        if (!string.IsNullOrWhiteSpace(certificatePath))
        {
            if (!File.Exists(certificatePath))
            {
                throw new PortalConfigurationException(
                    $"DataProtection:CertificatePath names '{certificatePath}', which does not exist. Give the path of a PFX certificate, or remove the setting.");
            }

            dataProtection.ProtectKeysWithCertificate(
                X509CertificateLoader.LoadPkcs12FromFile(certificatePath, builder.Configuration["DataProtection:CertificatePassword"]));
        }

        return builder;
    }

    /// <summary>
    /// Outside Development, says once at start-up that the keys are unencrypted at rest and which setting fixes it.
    /// (The framework's own warning, which names no setting, is filtered out of the log: see LoggingSetup.)
    /// </summary>
    public static void WarnIfPortalKeysUnencrypted(this WebApplication app)
    {
        if (app.Environment.IsDevelopment() || !string.IsNullOrWhiteSpace(app.Configuration["DataProtection:CertificatePath"]))
        {
            return;
        }

        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DataProtectionSetup)).LogWarning(
            "The keys protecting sign-in cookies and form tokens are stored unencrypted. Set DataProtection:CertificatePath " +
            "(and DataProtection:CertificatePassword) to a PFX certificate to encrypt them, and let only the portal read the " +
            "keys folder (DataProtection:KeysDirectory).");
    }
}
