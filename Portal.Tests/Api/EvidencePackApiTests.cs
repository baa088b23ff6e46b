using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>The evidence pack operations through the API, as the pages have them: the same gate, the same answers.</summary>
public sealed class EvidencePackApiTests(SharedPortal portal) : IClassFixture<SharedPortal>
{
    private async Task<(HttpClient Supplier, int PackId, string ETag)> PackAsync(string productName)
    {
        var supplier = await portal.Factory.ApiClientForAsync(TestCallers.Supplier);
        using var product = await supplier.PostAsJsonAsync("/api/v1/products", new { name = productName });
        Assert.Equal(HttpStatusCode.Created, product.StatusCode);
        var productId = (await product.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        using var version = await supplier.PostAsJsonAsync($"/api/v1/products/{productId}/versions", new { label = "1.0", releaseDate = "2026-03-12" });
        Assert.Equal(HttpStatusCode.Created, version.StatusCode);
        var versionId = (await version.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        using var pack = await supplier.PostAsJsonAsync("/api/v1/evidence-packs", new { productVersionId = versionId });
        Assert.Equal(HttpStatusCode.Created, pack.StatusCode);
        return (supplier, (await pack.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32(), pack.Headers.ETag!.Tag);
    }

    private static async Task<HttpResponseMessage> AnswerAsync(HttpClient client, int packId, string? ifMatch, string narrative = "Listed in the NHS API catalogue.")
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/evidence-packs/{packId}/answers/P.1")
        {
            Content = JsonContent.Create(new { claim = "Meets", narrative }),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_pack_shared_with_trust_A_is_read_by_trust_A_and_not_found_by_trust_B_or_another_supplier_and_withdrawal_is_immediate()
    {
        var (supplier, packId, etag) = await PackAsync("Isolation PAS");
        using var trustA = await portal.Factory.ApiClientForAsync(TestCallers.Officer);
        using var trustB = await portal.Factory.ApiClientForAsync(TestCallers.OtherOfficer);
        using var otherSupplier = await portal.Factory.ApiClientForAsync(TestCallers.OtherSupplier);
        using (supplier)
        {
            using var answered = await AnswerAsync(supplier, packId, etag);
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
            using var shared = await supplier.PostAsJsonAsync($"/api/v1/evidence-packs/{packId}/shares", new { odsCode = "XDV" });
            Assert.Equal(HttpStatusCode.Created, shared.StatusCode);

            using var readByA = await trustA.GetAsync($"/api/v1/evidence-packs/{packId}");
            using var readByB = await trustB.GetAsync($"/api/v1/evidence-packs/{packId}");
            using var readByOther = await otherSupplier.GetAsync($"/api/v1/evidence-packs/{packId}");
            using var writeByOther = await AnswerAsync(otherSupplier, packId, "*");
            var listedForB = await trustB.GetFromJsonAsync<JsonElement>("/api/v1/evidence-packs");

            Assert.Equal(HttpStatusCode.OK, readByA.StatusCode);
            Assert.Equal(0, (await readByA.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("shares").GetArrayLength());
            Assert.Equal(HttpStatusCode.NotFound, readByB.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, readByOther.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, writeByOther.StatusCode);
            Assert.DoesNotContain(listedForB.EnumerateArray(), p => p.GetProperty("id").GetInt32() == packId);

            using var withdrawn = await supplier.DeleteAsync($"/api/v1/evidence-packs/{packId}/shares/XDV");
            using var readAfter = await trustA.GetAsync($"/api/v1/evidence-packs/{packId}");
            Assert.Equal(HttpStatusCode.NoContent, withdrawn.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, readAfter.StatusCode);
        }
    }

    [Fact]
    public async Task Pack_writes_need_the_packs_etag_and_an_unknown_ods_code_is_a_clear_400()
    {
        var (supplier, packId, etag) = await PackAsync("Concurrency PAS");
        using (supplier)
        {
            using var blind = await AnswerAsync(supplier, packId, null);
            using var first = await AnswerAsync(supplier, packId, etag);
            using var second = await AnswerAsync(supplier, packId, etag, "A second person's answer.");
            using var unknown = await supplier.PostAsJsonAsync($"/api/v1/evidence-packs/{packId}/shares", new { odsCode = "ZZZ9" });

            Assert.Equal(HttpStatusCode.PreconditionRequired, blind.StatusCode);
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.PreconditionFailed, second.StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Contains("ZZZ9", await unknown.Content.ReadAsStringAsync());
        }
    }
}
