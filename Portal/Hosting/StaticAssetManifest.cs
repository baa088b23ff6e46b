using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.ResponseCompression;

namespace Portal.Hosting;

/// <summary>
/// Static assets are served by <c>MapStaticAssets</c> from the manifest the SDK writes at build and publish time. The
/// SDK compresses a package's files (MudBlazor's 627 KB stylesheet to 42 KB with Brotli) but gives only their plain
/// addresses the compressed variants: the fingerprinted addresses that pages link, the ones cacheable for a year,
/// went out raw. This completes the manifest before it is mapped: a fingerprinted address with no compressed variant
/// gets those of its plain address, with its own year-long caching, and every fingerprinted address is cacheable by
/// shared caches too (<see cref="CacheFingerprintsPublicly"/>). The files themselves are untouched.
/// </summary>
public static class StaticAssetManifest
{
    /// <summary>
    /// Maps the portal's static assets from the completed manifest (see the class summary) and returns its path, which
    /// the components' endpoints must be given too (<c>WithStaticAssets</c>): pages name their assets (<c>@Assets</c>,
    /// the import map) from the manifest mapped under the same path, and would otherwise link the plain addresses.
    /// </summary>
    public static string? MapPortalStaticAssets(this WebApplication app)
    {
        var manifestPath = Path.Combine(AppContext.BaseDirectory, $"{app.Environment.ApplicationName}.staticwebassets.endpoints.json");
        if (!File.Exists(manifestPath))
        {
            app.MapStaticAssets();
            return null;
        }

        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        if (AddCompressedFingerprints(manifest) + CacheFingerprintsPublicly(manifest) == 0)
        {
            app.MapStaticAssets();
            return null;
        }

        // MapStaticAssets reads a manifest from a file only. The completed one is written beside the temporary files,
        // named by its content so that every process of one build shares one copy and a read-only app folder (a
        // container, App Service's run-from-package) is never written.
        var completed = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        var path = Path.Combine(Path.GetTempPath(), $"portal-staticwebassets-{Convert.ToHexStringLower(SHA256.HashData(completed))[..16]}.endpoints.json");
        try
        {
            if (!File.Exists(path))
            {
                var partial = $"{path}.{Environment.ProcessId}.partial";
                File.WriteAllBytes(partial, completed);
                File.Move(partial, path, overwrite: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No writable temporary folder: serve as the SDK wrote it (uncompressed package files), rather than not start.
            app.Logger.LogWarning(e, "The completed static asset manifest could not be written to {Path}; MudBlazor's files will be sent uncompressed.", path);
            app.MapStaticAssets();
            return null;
        }

        app.MapStaticAssets(path);
        return path;
    }

    /// <summary>Adds the missing compressed variants of fingerprinted addresses; returns how many endpoints it added.</summary>
    public static int AddCompressedFingerprints(JsonNode manifest)
    {
        var endpoints = manifest["Endpoints"]!.AsArray();
        var all = endpoints.Select(e => e!).ToList();
        var compressedByRoute = all.Where(IsCompressed).ToLookup(e => (string)e["Route"]!, StringComparer.Ordinal);
        var added = 0;
        foreach (var fingerprinted in all.Where(e => !IsCompressed(e) && Property(e, "label") is not null))
        {
            var route = (string)fingerprinted["Route"]!;
            var label = Property(fingerprinted, "label")!;
            if (route == label || compressedByRoute[route].Any() || !compressedByRoute[label].Any())
            {
                continue;
            }

            var cacheControl = Header(fingerprinted, "Cache-Control");
            foreach (var variant in compressedByRoute[label])
            {
                var copy = variant.DeepClone();
                copy["Route"] = route;
                copy["EndpointProperties"] = fingerprinted["EndpointProperties"]!.DeepClone();
                if (cacheControl is not null)
                {
                    SetHeader(copy, "Cache-Control", cacheControl);
                }

                endpoints.Add(copy);
                added++;
            }

            // The plain response now varies with Accept-Encoding too, so caches keep the two apart.
            SetHeader(fingerprinted, "Vary", "Accept-Encoding");
        }

        return added;
    }

    /// <summary>What every fingerprinted address sends: its content never changes, so any cache may keep it for a year.</summary>
    public const string ImmutableCaching = "public, max-age=31536000, immutable";

    /// <summary>
    /// Gives every fingerprinted address (plain or compressed) <see cref="ImmutableCaching"/>. The SDK writes
    /// "max-age=31536000, immutable" without "public"; saying "public" lets a shared cache (an NHS organisation's web
    /// proxy, a CDN in front of the portal) keep the files for everyone, the same for every person and never secret.
    /// Returns how many endpoints it changed.
    /// </summary>
    public static int CacheFingerprintsPublicly(JsonNode manifest)
    {
        var changed = 0;
        foreach (var endpoint in manifest["Endpoints"]!.AsArray().Select(e => e!))
        {
            var label = Property(endpoint, "label");
            if (label is null || (string)endpoint["Route"]! == label || Header(endpoint, "Cache-Control") == ImmutableCaching)
            {
                continue;
            }

            SetHeader(endpoint, "Cache-Control", ImmutableCaching);
            changed++;
        }

        return changed;
    }

    private static bool IsCompressed(JsonNode endpoint) =>
        endpoint["Selectors"]?.AsArray().Any(s => (string?)s!["Name"] == "Content-Encoding") == true;

    private static string? Property(JsonNode endpoint, string name) =>
        endpoint["EndpointProperties"]?.AsArray().FirstOrDefault(p => (string?)p!["Name"] == name)?["Value"]?.GetValue<string>();

    private static string? Header(JsonNode endpoint, string name) =>
        endpoint["ResponseHeaders"]?.AsArray().FirstOrDefault(h => (string?)h!["Name"] == name)?["Value"]?.GetValue<string>();

    private static void SetHeader(JsonNode endpoint, string name, string value)
    {
        var headers = endpoint["ResponseHeaders"]!.AsArray();
        var existing = headers.FirstOrDefault(h => (string?)h!["Name"] == name);
        if (existing is not null)
        {
            existing["Value"] = value;
        }
        else
        {
            headers.Add(new JsonObject { ["Name"] = name, ["Value"] = value });
        }
    }
}

/// <summary>Pages, API answers and other text responses compressed on the way out.</summary>
public static class ResponseCompressionSetup
{
    /// <summary>
    /// A page is 46 to 74 KB of HTML; Brotli at its fastest level makes it a fifth of that for little CPU. Static
    /// assets are compressed at build time and already carry Content-Encoding, so they pass through untouched, as do
    /// evidence downloads (PDF, images, zip-based documents are not in the compressed types). Compressing over HTTPS is
    /// safe here against BREACH-style guessing: the secrets a page carries (form tokens, Blazor's component state) are
    /// encrypted afresh with a random IV on every response, so no stable secret sits beside text an attacker controls.
    /// </summary>
    public static IServiceCollection AddPortalResponseCompression(this IServiceCollection services) =>
        services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.MimeTypes = ResponseCompressionDefaults.MimeTypes.Concat(["application/problem+json", "text/csv", "image/svg+xml"]);
        });
}
