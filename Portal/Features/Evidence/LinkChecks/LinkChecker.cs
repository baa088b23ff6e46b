using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Microsoft.OpenApi.YamlReader;
using Portal.Data.Evidence;

namespace Portal.Features.Evidence.LinkChecks;

/// <summary>What one check found: outcome, one line for the person, the details, and what was read.</summary>
public sealed record CheckFindings(
    LinkCheckOutcome Outcome, string Summary, LinkCheckDetails Details, string? Sha256, string? ContentType, long? SizeBytes, int? HttpStatus, string? FinalUrl);

/// <summary>
/// Checks one typed evidence link with real parsers: OpenAPI documents with Microsoft's OpenAPI.NET readers (2.0, 3.0,
/// 3.1; JSON or YAML), FHIR CapabilityStatements with Firely's R4 SDK, documentation for being public, and a sandbox for
/// answering. Everything is read through the <see cref="SafeFetcher"/>; no check follows a document's own references.
/// </summary>
public sealed class LinkChecker(SafeFetcher fetcher)
{
    public static bool IsCheckable(EvidenceItemKind kind) => kind is EvidenceItemKind.OpenApiSpecification or EvidenceItemKind.FhirCapabilityStatement
        or EvidenceItemKind.Documentation or EvidenceItemKind.TestEnvironment;

    /// <param name="specification">For a sandbox: the assessment's latest OpenAPI check, whose servers and operations may name it.</param>
    public async Task<CheckFindings> CheckAsync(EvidenceItemKind kind, string url, LinkCheckDetails? specification, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address))
        {
            return Failed("The link is not a full web address.", null);
        }

        return kind switch
        {
            EvidenceItemKind.OpenApiSpecification => await OpenApiAsync(address, cancellationToken),
            EvidenceItemKind.FhirCapabilityStatement => await FhirAsync(address, cancellationToken),
            EvidenceItemKind.Documentation => await DocumentationAsync(address, cancellationToken),
            EvidenceItemKind.TestEnvironment => await SandboxAsync(address, specification, cancellationToken),
            _ => Failed("Links of this kind are not checked.", null),
        };
    }

    private static CheckFindings Failed(string summary, FetchResult? fetched, LinkCheckDetails? details = null) => new(
        LinkCheckOutcome.Failed, summary, details ?? new LinkCheckDetails(), fetched is { Body.Length: > 0 } ? Hash(fetched.Body) : null,
        fetched?.ContentType, fetched?.Body.Length, fetched?.Status, fetched?.FinalUrl.ToString());

    private static CheckFindings Read(LinkCheckOutcome outcome, string summary, FetchResult fetched, LinkCheckDetails details) => new(
        outcome, summary, details, Hash(fetched.Body), fetched.ContentType, fetched.Body.Length, fetched.Status, fetched.FinalUrl.ToString());

    public static string Hash(byte[] body) => Convert.ToHexStringLower(SHA256.HashData(body));

    /// <summary>Why a fetch gives no document to read (refused, unreachable, an error status, cut short); null when it does.</summary>
    private static string? Unreadable(FetchResult fetched, long limit)
    {
        if (fetched.Problem is not null)
        {
            return fetched.ProblemText;
        }

        if (fetched.Status is not (>= 200 and < 300))
        {
            return $"It answered HTTP {fetched.Status}, not the document.";
        }

        return fetched.Truncated ? $"The document is larger than {limit / 1024 / 1024} MB; the check read only that much and stopped." : null;
    }

    private async Task<CheckFindings> OpenApiAsync(Uri url, CancellationToken cancellationToken)
    {
        var fetched = await fetcher.FetchAsync(url, "application/vnd.oai.openapi+json, application/json, application/yaml;q=0.9, text/yaml;q=0.9, */*;q=0.1",
            type => type is null || type.Contains("json", StringComparison.OrdinalIgnoreCase) || type.Contains("yaml", StringComparison.OrdinalIgnoreCase)
                || type is "text/plain" or "application/octet-stream", cancellationToken);
        if (Unreadable(fetched, fetcher.MaxBytes) is { } problem)
        {
            return Failed(problem, fetched);
        }

        var settings = new OpenApiReaderSettings { LoadExternalRefs = false };
        settings.AddYamlReader();
        var format = LooksLikeJson(fetched.Body) ? "json" : "yaml";
        ReadResult read;
        try
        {
            read = await OpenApiDocument.LoadAsync(new MemoryStream(fetched.Body), format, settings, cancellationToken);
        }
        catch (Exception ex) when (ex is OpenApiException or JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            return Failed($"Not an OpenAPI document the reader understands: {ex.Message}", fetched);
        }

        var diagnostics = (read.Diagnostic?.Errors ?? []).Select(e => $"Error: {e}").Concat((read.Diagnostic?.Warnings ?? []).Select(w => $"Warning: {w}")).Take(50).ToList();
        var document = read.Document;
        if (document?.Paths is null || document.Info is null || read.Diagnostic?.Errors.Count > 0 && document.Paths.Count == 0)
        {
            return Failed("Not a valid OpenAPI document: " + (diagnostics.FirstOrDefault() ?? "the reader found no document."), fetched,
                new LinkCheckDetails { Diagnostics = diagnostics, SpecificationKind = "openapi" });
        }

        return Read(OpenApiFindings(document, read.Diagnostic!, diagnostics, out var summary), summary, fetched, OpenApiDetails(document, read.Diagnostic!, diagnostics));
    }

    private static LinkCheckOutcome OpenApiFindings(OpenApiDocument document, OpenApiDiagnostic diagnostic, List<string> diagnostics, out string summary)
    {
        var operations = Operations(document).Count;
        summary = $"OpenAPI {Version(diagnostic.SpecificationVersion)} \"{document.Info.Title}\" version {document.Info.Version}: {Count(operations, "operation")}.";
        return diagnostic.Errors.Count > 0 || OpenApiRules(document).Count > 0 ? LinkCheckOutcome.Findings : LinkCheckOutcome.Passed;
    }

    private static LinkCheckDetails OpenApiDetails(OpenApiDocument document, OpenApiDiagnostic diagnostic, List<string> diagnostics)
    {
        var operations = Operations(document);
        var servers = (document.Servers ?? []).Select(s => s.Url ?? "").Where(s => s.Length > 0).ToList();
        var schemes = document.Components?.SecuritySchemes?.Select(s => $"{s.Key} ({s.Value.Type?.ToString() ?? "unknown"})").ToList() ?? [];
        var withErrors = operations.Count(o => HasErrorResponse(o.Operation));
        var findings = OpenApiRules(document);
        if (diagnostic.Errors.Count > 0)
        {
            findings.Insert(0, $"The reader found {Count(diagnostic.Errors.Count, "error")} in the document.");
        }

        return new LinkCheckDetails
        {
            SpecificationKind = "openapi",
            Facts =
            [
                new("OpenAPI version", Version(diagnostic.SpecificationVersion)),
                new("Title", document.Info.Title ?? "(none)"),
                new("API version", document.Info.Version ?? "(none)"),
                new("Servers", servers.Count == 0 ? "none named" : string.Join(", ", servers)),
                new("Operations", operations.Count.ToString(CultureInfo.InvariantCulture)),
                new("Security schemes", schemes.Count == 0 ? "none" : string.Join(", ", schemes)),
                new("Operations with error responses documented", $"{withErrors} of {operations.Count}"),
            ],
            Findings = findings,
            Diagnostics = diagnostics,
            Servers = servers,
            Operations = operations.Select(o => new CheckedOperation(o.Method, o.Path, o.Operation.OperationId, o.Operation.Summary ?? o.Operation.Description,
                (o.Operation.Parameters?.Count ?? 0) + (o.PathParameters) > 0 || o.Path.Contains('{'))).Take(2000).ToList(),
        };
    }

    /// <summary>The rules a reviewer understands; each found problem is one sentence.</summary>
    internal static List<string> OpenApiRules(OpenApiDocument document)
    {
        var findings = new List<string>();
        var operations = Operations(document);
        if (operations.Count == 0)
        {
            findings.Add("The document describes no operations.");
            return findings;
        }

        var undescribed = operations.Count(o => string.IsNullOrWhiteSpace(o.Operation.Description) && string.IsNullOrWhiteSpace(o.Operation.Summary));
        if (undescribed > 0)
        {
            findings.Add($"Operations without a description: {undescribed} of {operations.Count}.");
        }

        var versioned = operations.Any(o => VersionSegment(o.Path)) || (document.Servers ?? []).Any(s => VersionSegment(s.Url ?? ""));
        if (!versioned)
        {
            findings.Add("No versioning in paths or servers (such as /v1/).");
        }

        if (document.Components?.SecuritySchemes is not { Count: > 0 })
        {
            findings.Add("No security scheme: the document does not say how callers are identified.");
        }

        var withoutErrors = operations.Count(o => !HasErrorResponse(o.Operation));
        if (withoutErrors == operations.Count)
        {
            findings.Add("No 4xx or 5xx responses documented.");
        }
        else if (withoutErrors > 0)
        {
            findings.Add($"Operations with no 4xx or 5xx response documented: {withoutErrors} of {operations.Count}.");
        }

        return findings;
    }

    private sealed record FoundOperation(string Method, string Path, OpenApiOperation Operation, int PathParameters);

    private static List<FoundOperation> Operations(OpenApiDocument document) =>
        document.Paths.SelectMany(p => (p.Value.Operations ?? []).Select(o =>
            new FoundOperation(o.Key.Method.ToUpperInvariant(), p.Key, o.Value, p.Value.Parameters?.Count ?? 0))).ToList();

    private static bool HasErrorResponse(OpenApiOperation operation) =>
        operation.Responses?.Keys.Any(k => k.StartsWith('4') || k.StartsWith('5') || k.Equals("default", StringComparison.OrdinalIgnoreCase)) == true;

    private static bool VersionSegment(string path) => path.Split('/').Any(s => s.Length >= 2 && (s[0] is 'v' or 'V') && s[1..].All(c => char.IsDigit(c) || c == '.'));

    private static string Version(OpenApiSpecVersion version) => version switch
    {
        OpenApiSpecVersion.OpenApi2_0 => "2.0",
        OpenApiSpecVersion.OpenApi3_0 => "3.0",
        OpenApiSpecVersion.OpenApi3_1 => "3.1",
        _ => version.ToString(),
    };

    private static bool LooksLikeJson(byte[] body)
    {
        foreach (var b in body)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }

            return b == (byte)'{';
        }

        return true;
    }

    private static string Count(int count, string thing) => count == 1 ? $"1 {thing}" : $"{count} {thing}s";

    private async Task<CheckFindings> FhirAsync(Uri url, CancellationToken cancellationToken)
    {
        var fetched = await fetcher.FetchAsync(url, "application/fhir+json, application/json;q=0.9",
            type => type is null || type.Contains("json", StringComparison.OrdinalIgnoreCase) || type is "text/plain", cancellationToken);
        if (Unreadable(fetched, fetcher.MaxBytes) is { } problem)
        {
            return Failed(problem, fetched);
        }

        Resource? resource;
        IEnumerable<Hl7.Fhir.Utility.CodedException>? issues;
        try
        {
            var reader = new Utf8JsonReader(fetched.Body);
            new FhirJsonDeserializer().TryDeserializeResource(ref reader, out resource, out issues);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            return Failed($"Not FHIR JSON the Firely SDK can read: {ex.Message}", fetched);
        }

        var diagnostics = (issues ?? []).Select(i => i.Message).Take(50).ToList();
        if (resource is not CapabilityStatement statement)
        {
            return Failed(resource is null
                ? "Not FHIR JSON the Firely SDK can read" + (diagnostics.Count > 0 ? $": {diagnostics[0]}" : ".")
                : $"It is a FHIR {resource.TypeName}, not a CapabilityStatement.", fetched,
                new LinkCheckDetails { Diagnostics = diagnostics, SpecificationKind = "fhir" });
        }

        var resources = statement.Rest.SelectMany(r => r.Resource).ToList();
        var profiles = resources.SelectMany(r => new[] { r.Profile }.Concat(r.SupportedProfile)).Concat(statement.Instantiates)
            .Where(p => p is not null).Distinct().ToList();
        var ukCore = profiles.Where(p => p!.StartsWith("https://fhir.hl7.org.uk/StructureDefinition/UKCore-", StringComparison.Ordinal)).ToList();
        var operations = resources.SelectMany(r => r.Interaction.Select(i => new CheckedOperation(
            r.Type ?? "", i.Code is { } code ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(code) ?? code.ToString() : "", null, $"{r.Type} {(i.Code is { } c ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(c) : "")}"))).ToList();
        var findings = new List<string>();
        if (diagnostics.Count > 0)
        {
            findings.Add($"The Firely SDK found {Count(diagnostics.Count, "problem")} in the CapabilityStatement.");
        }

        if (resources.Count == 0)
        {
            findings.Add("The CapabilityStatement names no resources.");
        }

        if (ukCore.Count == 0)
        {
            findings.Add("No UK Core profiles are referenced (https://fhir.hl7.org.uk/StructureDefinition/UKCore-…).");
        }

        var version = statement.FhirVersion is { } v ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(v) ?? v.ToString() : "not stated";
        var details = new LinkCheckDetails
        {
            SpecificationKind = "fhir",
            Facts =
            [
                new("FHIR version", version),
                new("Name", statement.Title ?? statement.Name ?? statement.Software?.Name ?? "(none)"),
                new("Resources", resources.Count == 0 ? "none" : string.Join("; ", resources.Select(r =>
                    $"{r.Type}: {string.Join(", ", r.Interaction.Select(i => i.Code is { } c ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(c) : "?"))}"))),
                new("UK Core profiles", ukCore.Count == 0 ? "none" : string.Join(", ", ukCore)),
            ],
            Findings = findings,
            Diagnostics = diagnostics,
            Operations = operations,
            Servers = statement.Implementation?.Url is { } server ? [server] : [],
        };
        return Read(findings.Count == 0 ? LinkCheckOutcome.Passed : LinkCheckOutcome.Findings,
            $"FHIR {version} CapabilityStatement: {Count(resources.Count, "resource")}, {Count(operations.Count, "interaction")}, {Count(ukCore.Count, "UK Core profile")}.",
            fetched, details);
    }

    private async Task<CheckFindings> DocumentationAsync(Uri url, CancellationToken cancellationToken)
    {
        var fetched = await fetcher.FetchAsync(url, "text/html, application/pdf;q=0.9, */*;q=0.5", _ => true, cancellationToken);
        if (fetched.Problem is not null)
        {
            return Failed(fetched.ProblemText!, fetched);
        }

        var loginHop = fetched.Redirects.FirstOrDefault(LooksLikeSignIn);
        if (fetched.Status is 401 or 403 || loginHop is not null)
        {
            var why = loginHop is not null ? $"it sends readers to a sign-in page ({loginHop.GetLeftPart(UriPartial.Path)})" : $"it answered HTTP {fetched.Status}";
            return Failed($"Not public: {why}.", fetched, new LinkCheckDetails { IsPublic = false, Findings = [$"Not readable without signing in: {why}."] });
        }

        if (fetched.Status is not (>= 200 and < 300))
        {
            return Failed($"It answered HTTP {fetched.Status}, not the documentation.", fetched, new LinkCheckDetails { IsPublic = false });
        }

        var kind = fetched.ContentType switch
        {
            "text/html" or "application/xhtml+xml" => "HTML page",
            "application/pdf" => "PDF document",
            "text/plain" or "text/markdown" => "text",
            null => "unknown",
            var other => other,
        };
        var findings = new List<string>();
        if (fetched.Truncated)
        {
            findings.Add($"Larger than {fetcher.MaxBytes / 1024 / 1024} MB: the check read only that much, so changes past it are not seen.");
        }

        var size = Size(fetched.Body.Length);
        return Read(findings.Count == 0 ? LinkCheckOutcome.Passed : LinkCheckOutcome.Findings, $"Public {kind}, {size}, readable without signing in.", fetched,
            new LinkCheckDetails { IsPublic = true, Findings = findings, Facts = [new("Content", kind), new("Size", size), new("Address read", fetched.FinalUrl.ToString())] });
    }

    /// <summary>A sign-in page by its address: the heuristic the issue names (login, signin, auth in the host or path).</summary>
    internal static bool LooksLikeSignIn(Uri url)
    {
        var text = (url.Host + url.AbsolutePath).ToLowerInvariant().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return text.Contains("login", StringComparison.Ordinal) || text.Contains("signin", StringComparison.Ordinal)
            || text.Contains("auth", StringComparison.Ordinal) || text.Contains("sso", StringComparison.Ordinal);
    }

    private async Task<CheckFindings> SandboxAsync(Uri url, LinkCheckDetails? specification, CancellationToken cancellationToken)
    {
        var fetched = await fetcher.FetchAsync(url, "*/*", _ => true, cancellationToken, 64 * 1024);
        if (!fetched.Answered)
        {
            return Failed($"The sandbox does not answer: {fetched.ProblemText}", fetched,
                new LinkCheckDetails { Answers = false, Findings = [$"Not reachable: {fetched.ProblemText}"] });
        }

        var findings = new List<string>();
        var facts = new List<CheckFact> { new("Answer", $"HTTP {fetched.Status}") };
        if (fetched.FinalUrl.Scheme != Uri.UriSchemeHttps)
        {
            findings.Add("Served over plain http://, not TLS (https://).");
        }

        var answer = fetched.Status is 401 or 403 ? "answers, but needs credentials" : $"answers (HTTP {fetched.Status})";
        if (specification is not null && HarmlessOperation(url, specification) is { } probe)
        {
            var tried = await fetcher.FetchAsync(probe.Address, "*/*", _ => true, cancellationToken, 64 * 1024);
            var said = tried.Answered ? $"answered HTTP {tried.Status}" : $"did not answer ({tried.ProblemText})";
            facts.Add(new("Documented operation tried", $"GET {probe.Path}: {said}"));
            if (!tried.Answered || tried.Status >= 500)
            {
                findings.Add($"The specification's GET {probe.Path} {said}.");
            }
        }

        return Read(findings.Count == 0 ? LinkCheckOutcome.Passed : LinkCheckOutcome.Findings,
            $"The sandbox {answer}{(fetched.FinalUrl.Scheme == Uri.UriSchemeHttps ? " over TLS" : "")}.", fetched,
            new LinkCheckDetails { Answers = true, Facts = facts, Findings = findings });
    }

    /// <summary>A GET without parameters from the specification whose server is the sandbox's address, if there is one.</summary>
    private static (Uri Address, string Path)? HarmlessOperation(Uri sandbox, LinkCheckDetails specification)
    {
        foreach (var server in specification.Servers)
        {
            if (!Uri.TryCreate(server, UriKind.Absolute, out var serverUrl) || serverUrl.Authority != sandbox.Authority || serverUrl.Scheme != sandbox.Scheme)
            {
                continue;
            }

            var operation = specification.Operations.FirstOrDefault(o => o.Method == "GET" && !o.HasParameters && !o.Path.Contains('{'));
            if (operation is not null)
            {
                return (new Uri(serverUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + operation.Path), operation.Path);
            }
        }

        return null;
    }

    private static string Size(long bytes) => bytes < 1024 * 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024d:0.#} KB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024d / 1024d:0.#} MB");
}
