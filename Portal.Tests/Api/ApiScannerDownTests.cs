using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>
/// An upload while the virus scanner is down is not a bad request: the client did nothing wrong and should try again,
/// so the API answers 503 with Retry-After (a client that treats 400 as final would never retry).
/// </summary>
public sealed class ApiScannerDownTests
{
    [Fact]
    public async Task An_upload_while_the_scanner_is_down_is_503_with_retry_after_and_keeps_nothing()
    {
        // A port nothing listens on: clamd "down".
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var deadPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var factory = new PortalAppFactory(settings: new Dictionary<string, string?>
        {
            ["Evidence:Scanning:ClamAv:Host"] = "127.0.0.1",
            ["Evidence:Scanning:ClamAv:Port"] = deadPort.ToString(CultureInfo.InvariantCulture),
            ["Evidence:Scanning:ClamAv:TimeoutSeconds"] = "2",
        });
        var assessmentId = await factory.InvitedAssessmentAsync();
        using var supplier = await factory.ApiClientForAsync(TestCallers.Supplier);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(SampleDocuments.Pdf()), "file", "spec.pdf" },
            { new StringContent("Specification"), "title" },
            { new StringContent("Documentation"), "kind" },
            { new StringContent(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), "evidenceDate" },
        };

        using var response = await supplier.PostAsync($"/api/v1/assessments/{assessmentId}/responses/C.3/evidence/documents", form);

        await ApiAssert.ProblemAsync(response, HttpStatusCode.ServiceUnavailable, "virus scanner is not answering");
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "A 503 says when to try again.");
        using var evidence = await supplier.GetAsync($"/api/v1/assessments/{assessmentId}/responses/C.3");
        Assert.DoesNotContain("spec.pdf", await evidence.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
