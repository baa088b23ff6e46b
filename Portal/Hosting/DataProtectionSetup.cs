using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Portal.Data;

namespace Portal.Hosting;

/// <summary>Where the Data Protection keys are kept (DataProtection:Store).</summary>
public enum KeyStore
{
    /// <summary>A folder (DataProtection:KeysDirectory): the embedded default; instances share it only on shared storage.</summary>
    Folder,

    /// <summary>The portal's database, which every instance already shares.</summary>
    Database,
}

public static class DataProtectionSetup
{
    /// <summary>
    /// Sign-in cookies and form tokens are protected by keys, which every instance must read alike, or a person signed
    /// in through one instance is a stranger to the next. DataProtection:Store chooses where they are kept:
    /// <list type="bullet">
    /// <item><c>Folder</c> (default): DataProtection:KeysDirectory, by default App_Data/keys. Instances share the keys
    /// only if the folder is on storage they all mount, which the operator states with DataProtection:SharedFolder=true.</item>
    /// <item><c>Database</c>: the DataProtectionKeys table of the portal's own database, which every instance shares.</item>
    /// </list>
    /// With DataProtection:CertificatePath (a PFX file, and DataProtection:CertificatePassword if it has one) the keys
    /// are encrypted at rest with that certificate, whichever the store. On App Service the certificate can live in Key
    /// Vault: App Service loads it into the app (WEBSITE_LOAD_CERTIFICATES) as /var/ssl/private/&lt;thumbprint&gt;.p12,
    /// which is the path to give. When it is renewed, the old one goes in DataProtection:PreviousCertificatePaths
    /// (same password), so keys it protected still open and nobody is signed out by the renewal.
    /// Outside Development, a deployment of several instances (Hosting:Instances greater than 1) with keys in a folder
    /// not marked shared is refused at start-up, naming the settings that fix it.
    /// </summary>
    public static WebApplicationBuilder AddPortalDataProtection(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var store = ReadStore(configuration);
        RefuseUnsharedKeysAcrossInstances(configuration, builder.Environment, store);

        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("nhs-open-api-portal");
        if (store == KeyStore.Database)
        {
            dataProtection.PersistKeysToDbContext<PortalDbContext>();
        }
        else
        {
            var directory = configuration["DataProtection:KeysDirectory"];
            if (string.IsNullOrWhiteSpace(directory))
            {
                directory = Path.Combine(builder.Environment.ContentRootPath, "App_Data", "keys");
            }

            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(directory));
        }

        var certificatePath = configuration["DataProtection:CertificatePath"];
        if (!string.IsNullOrWhiteSpace(certificatePath))
        {
            var password = configuration["DataProtection:CertificatePassword"];
            dataProtection.ProtectKeysWithCertificate(LoadCertificate(certificatePath, password, "DataProtection:CertificatePath"));
            var previous = configuration.GetSection("DataProtection:PreviousCertificatePaths").Get<string[]>() ?? [];
            if (previous.Length > 0)
            {
                dataProtection.UnprotectKeysWithAnyCertificate(
                    previous.Select(path => LoadCertificate(path, password, "DataProtection:PreviousCertificatePaths")).ToArray());
            }
        }

        return builder;
    }

    private static X509Certificate2 LoadCertificate(string path, string? password, string setting)
    {
        if (!File.Exists(path))
        {
            throw new PortalConfigurationException(
                $"{setting} names '{path}', which does not exist. Give the path of a PFX certificate, or remove the setting.");
        }

        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException e)
        {
            throw new PortalConfigurationException(
                $"{setting} names '{path}', which could not be opened as a PFX certificate ({e.Message}). Check the file and DataProtection:CertificatePassword.");
        }
    }

    private static KeyStore ReadStore(IConfiguration configuration)
    {
        var setting = configuration["DataProtection:Store"];
        if (string.IsNullOrWhiteSpace(setting))
        {
            return KeyStore.Folder;
        }

        return Enum.TryParse<KeyStore>(setting.Trim(), ignoreCase: true, out var store) && Enum.IsDefined(store)
            ? store
            : throw new PortalConfigurationException(
                $"DataProtection:Store is '{setting}'. Set it to Folder (keys in DataProtection:KeysDirectory) or Database (keys in the portal's database, shared by every instance).");
    }

    private static void RefuseUnsharedKeysAcrossInstances(ConfigurationManager configuration, IHostEnvironment environment, KeyStore store)
    {
        var instances = HostingInstances.Read(configuration);

        if (environment.IsDevelopment() || instances == 1 || store == KeyStore.Database
            || configuration.GetValue("DataProtection:SharedFolder", defaultValue: false))
        {
            return;
        }

        throw new PortalConfigurationException(
            $"Hosting:Instances is {instances}, but the keys that protect sign-in cookies and form tokens are in a folder of this " +
            "instance's own (DataProtection:KeysDirectory), so a person signed in through one instance would be signed out by the next. " +
            "Set DataProtection:Store=Database to keep the keys in the portal's database, or, if DataProtection:KeysDirectory is on " +
            "storage every instance mounts, say so with DataProtection:SharedFolder=true.");
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

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DataProtectionSetup));
        if (ReadStore(app.Configuration) == KeyStore.Database)
        {
            logger.LogWarning(
                "The keys protecting sign-in cookies and form tokens are stored unencrypted in the DataProtectionKeys table, " +
                "where anyone who can read the database can read them. Set DataProtection:CertificatePath (and " +
                "DataProtection:CertificatePassword) to a PFX certificate to encrypt them.");
        }
        else
        {
            logger.LogWarning(
                "The keys protecting sign-in cookies and form tokens are stored unencrypted. Set DataProtection:CertificatePath " +
                "(and DataProtection:CertificatePassword) to a PFX certificate to encrypt them, and let only the portal read the " +
                "keys folder (DataProtection:KeysDirectory).");
        }
    }
}
