using System.Globalization;
using System.Net;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>Every file of <see cref="HostileDocuments"/> through the API's upload endpoint: 201, or 400 naming the file field and the reason.</summary>
public sealed class ApiEvidenceUploadCorpusTests(ApiEvidenceUploadCorpusTests.Portal portal) : IClassFixture<ApiEvidenceUploadCorpusTests.Portal>
{
    /// <summary>One portal, assessment and supplier client for the whole corpus.</summary>
    public sealed class Portal : IAsyncLifetime
    {
        public PortalAppFactory Factory { get; } = new();

        public int AssessmentId { get; private set; }

        public HttpClient Supplier { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            AssessmentId = await Factory.InvitedAssessmentAsync();
            Supplier = await Factory.ApiClientForAsync(TestCallers.Supplier);
        }

        public async Task DisposeAsync()
        {
            Supplier.Dispose();
            await Factory.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(HostileDocuments.Names), MemberType = typeof(HostileDocuments))]
    public async Task Each_corpus_file_uploaded_through_the_api_gets_201_or_400_with_its_reason(string name)
    {
        var file = HostileDocuments.Get(name);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(file.Content()), "file", file.FileName },
            { new StringContent($"Corpus {name}"), "title" },
            { new StringContent("Documentation"), "kind" },
            { new StringContent(DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), "evidenceDate" },
        };

        using var response = await portal.Supplier.PostAsync($"/api/v1/assessments/{portal.AssessmentId}/responses/C.3/evidence/documents", form);

        if (file.Refusal is null)
        {
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return;
        }

        var problem = await ApiAssert.ProblemAsync(response, HttpStatusCode.BadRequest, file.Refusal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _));
    }
}
