using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.Hosting;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Hosting;

/// <summary>
/// Every stylesheet and script a page links is served compressed and cacheable for a year, MudBlazor's included (the
/// SDK gives a package's fingerprinted addresses no compressed variant: 627 KB of CSS went out raw), and pages
/// themselves are compressed.
/// </summary>
public sealed partial class CompressedAssetsTests(CompressedAssetsTests.ProductionPortal portal) : IClassFixture<CompressedAssetsTests.ProductionPortal>
{
    /// <summary>
    /// Production's caching headers: in Development the framework serves every asset no-cache for hot reload, unless
    /// told not to. (A Production host here could not find a package's files, which only publishing gathers.)
    /// </summary>
    public sealed class ProductionPortal : IAsyncLifetime
    {
        public PortalAppFactory Factory { get; } = new(settings: new Dictionary<string, string?> { ["EnableStaticAssetsDevelopmentCaching"] = "true" });

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    [Fact]
    public async Task Every_stylesheet_and_script_the_page_links_is_fingerprinted_compressed_and_cached_for_a_year()
    {
        using var client = portal.Factory.CreateClient();
        var html = await client.GetStringAsync("/sign-in");
        var linked = LinkedAsset().Matches(html).Select(m => m.Groups["url"].Value)
            .Where(url => url.EndsWith(".css", StringComparison.Ordinal) || url.EndsWith(".js", StringComparison.Ordinal))
            .ToList();

        Assert.Contains(linked, url => url.StartsWith("_framework/blazor.web.", StringComparison.Ordinal) && url != "_framework/blazor.web.js");
        Assert.Contains(linked, url => url.StartsWith("app.", StringComparison.Ordinal) && url.EndsWith(".css", StringComparison.Ordinal) && url != "app.css");
        Assert.Contains(linked, url => url.StartsWith("app.", StringComparison.Ordinal) && url.EndsWith(".js", StringComparison.Ordinal) && url != "app.js");
        Assert.Contains(linked, url => url.StartsWith("_content/MudBlazor/MudBlazor.min.", StringComparison.Ordinal) && url.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(linked, url => url.StartsWith("_content/MudBlazor/MudBlazor.min.", StringComparison.Ordinal) && url.EndsWith(".js", StringComparison.Ordinal));
        // The theme's variables are a stylesheet like the rest, not a style element built into every page.
        Assert.Contains(linked, url => url.StartsWith("theme.", StringComparison.Ordinal) && url.EndsWith(".css", StringComparison.Ordinal) && url != "theme.css");
        Assert.DoesNotContain("mud-theme-provider", html, StringComparison.Ordinal);
        foreach (var url in linked)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/" + url);
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "br, gzip");
            using var response = await client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {response.StatusCode}");
            Assert.True(response.Content.Headers.ContentEncoding.Count == 1, $"{url} was sent uncompressed");
            Assert.True(response.Headers.CacheControl?.ToString() == "public, max-age=31536000, immutable", $"{url} is not cached for a year by every cache: {response.Headers.CacheControl}");
            Assert.Contains("Accept-Encoding", response.Headers.Vary);
        }
    }

    [Fact]
    public async Task A_page_is_compressed_for_a_browser_that_accepts_it()
    {
        using var client = portal.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sign-in");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "br, gzip");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("br", Assert.Single(response.Content.Headers.ContentEncoding));
    }

    [Fact]
    public void A_fingerprinted_address_without_compressed_variants_gets_those_of_its_plain_address_with_its_own_caching()
    {
        var manifest = JsonNode.Parse("""
            {"Version":1,"ManifestType":"Build","Endpoints":[
              {"Route":"lib/x.css","AssetFile":"lib/x.css","Selectors":[],"ResponseHeaders":[{"Name":"Cache-Control","Value":"no-cache"},{"Name":"Content-Length","Value":"100"},{"Name":"Vary","Value":"Accept-Encoding"}],"EndpointProperties":[]},
              {"Route":"lib/x.css","AssetFile":"lib/x.css.gz","Selectors":[{"Name":"Content-Encoding","Value":"gzip","Quality":"0.9"}],"ResponseHeaders":[{"Name":"Cache-Control","Value":"no-cache"},{"Name":"Content-Encoding","Value":"gzip"},{"Name":"Content-Length","Value":"20"},{"Name":"Vary","Value":"Accept-Encoding"}],"EndpointProperties":[]},
              {"Route":"lib/x.abc123.css","AssetFile":"lib/x.css","Selectors":[],"ResponseHeaders":[{"Name":"Cache-Control","Value":"max-age=31536000, immutable"},{"Name":"Content-Length","Value":"100"}],"EndpointProperties":[{"Name":"fingerprint","Value":"abc123"},{"Name":"label","Value":"lib/x.css"}]},
              {"Route":"y.def456.js","AssetFile":"y.js.gz","Selectors":[{"Name":"Content-Encoding","Value":"gzip","Quality":"0.9"}],"ResponseHeaders":[{"Name":"Cache-Control","Value":"max-age=31536000, immutable"}],"EndpointProperties":[{"Name":"label","Value":"y.js"}]},
              {"Route":"y.def456.js","AssetFile":"y.js","Selectors":[],"ResponseHeaders":[{"Name":"Cache-Control","Value":"max-age=31536000, immutable"}],"EndpointProperties":[{"Name":"label","Value":"y.js"}]}
            ]}
            """)!;

        var added = StaticAssetManifest.AddCompressedFingerprints(manifest);

        Assert.Equal(1, added); // y.def456.js already had its variant; only lib/x.abc123.css lacked one
        var endpoints = manifest["Endpoints"]!.AsArray().Where(e => (string?)e!["Route"] == "lib/x.abc123.css").ToList();
        Assert.Equal(2, endpoints.Count);
        var compressed = Assert.Single(endpoints, e => e!["Selectors"]!.AsArray().Count == 1)!;
        Assert.Equal("lib/x.css.gz", (string?)compressed["AssetFile"]);
        var headers = compressed["ResponseHeaders"]!.AsArray().ToDictionary(h => (string)h!["Name"]!, h => (string)h!["Value"]!);
        Assert.Equal("max-age=31536000, immutable", headers["Cache-Control"]);
        Assert.Equal("gzip", headers["Content-Encoding"]);
        Assert.Equal("20", headers["Content-Length"]);
        Assert.Contains(compressed["EndpointProperties"]!.AsArray(), p => (string?)p!["Name"] == "label");
        var plain = Assert.Single(endpoints, e => e!["Selectors"]!.AsArray().Count == 0)!;
        Assert.Contains(plain["ResponseHeaders"]!.AsArray(), h => (string?)h!["Name"] == "Vary" && (string?)h["Value"] == "Accept-Encoding");
    }

    [Fact]
    public void Every_fingerprinted_address_is_cacheable_by_shared_caches_and_plain_addresses_are_left_alone()
    {
        var manifest = JsonNode.Parse("""
            {"Version":1,"ManifestType":"Build","Endpoints":[
              {"Route":"lib/x.css","AssetFile":"lib/x.css","Selectors":[],"ResponseHeaders":[{"Name":"Cache-Control","Value":"no-cache"}],"EndpointProperties":[]},
              {"Route":"lib/x.abc123.css","AssetFile":"lib/x.css","Selectors":[],"ResponseHeaders":[{"Name":"Cache-Control","Value":"max-age=31536000, immutable"}],"EndpointProperties":[{"Name":"fingerprint","Value":"abc123"},{"Name":"label","Value":"lib/x.css"}]},
              {"Route":"lib/x.abc123.css","AssetFile":"lib/x.css.br","Selectors":[{"Name":"Content-Encoding","Value":"br","Quality":"0.9"}],"ResponseHeaders":[{"Name":"Cache-Control","Value":"max-age=31536000, immutable"}],"EndpointProperties":[{"Name":"label","Value":"lib/x.css"}]}
            ]}
            """)!;

        var changed = StaticAssetManifest.CacheFingerprintsPublicly(manifest);

        Assert.Equal(2, changed);
        var caching = manifest["Endpoints"]!.AsArray()
            .Select(e => ((string)e!["Route"]!, (string)e["ResponseHeaders"]!.AsArray().Single(h => (string?)h!["Name"] == "Cache-Control")!["Value"]!))
            .ToList();
        Assert.Equal([("lib/x.css", "no-cache"), ("lib/x.abc123.css", "public, max-age=31536000, immutable"), ("lib/x.abc123.css", "public, max-age=31536000, immutable")], caching);
    }

    [GeneratedRegex("(?:href|src)=\"(?<url>[^\"]+)\"")]
    private static partial Regex LinkedAsset();
}
