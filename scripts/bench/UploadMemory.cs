using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Portal.Benchmarks;

/// <summary>One upload and how far the portal's resident memory rose above where it stood while it was handled.</summary>
public sealed record UploadMemoryFigures(string Upload, long UploadBytes, int Status, long ResidentBefore, long ResidentPeak)
{
    public long PeakGrowth => Math.Max(0, ResidentPeak - ResidentBefore);
}

/// <summary>
/// The portal's memory for one hostile upload beside one ordinary upload of about the same size: an OpenDocument file
/// whose "mimetype" part unpacks to 300 MB from under 300 KB (the bomb that once took the portal from 382 MB to
/// 1,557 MB), and a text file of prose. The peak is the kernel's high-water mark (VmHWM), reset just before each upload
/// through /proc/pid/clear_refs, so a spike between two samples is not missed.
/// </summary>
public static class UploadMemory
{
    public static async Task<IReadOnlyList<UploadMemoryFigures>> MeasureAsync(PortalUnderTest portal, BenchDatabase database, BenchWriter writer, CancellationToken cancellationToken)
    {
        await using var db = await database.Contexts.CreateDbContextAsync(cancellationToken);
        var code = await db.AssessmentRequirements.Where(r => r.AssessmentId == writer.AssessmentId && r.InScope)
            .OrderBy(r => r.Code).Select(r => r.Code).FirstAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = portal.Address, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", writer.Token);

        var bomb = InflationBomb();
        var prose = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("The supplier publishes its API documentation openly and keeps a sandbox for NHS testers.\n", bomb.Length / 88 + 1)));
        var figures = new List<UploadMemoryFigures>();
        // Each twice, the first uncounted, so the upload path is compiled before it is measured.
        foreach (var (name, fileName, bytes) in new[] { ("Text file of prose", "notes.txt", prose), ("OpenDocument inflation bomb (300 MB mimetype)", "bomb.odt", bomb) })
        {
            await UploadAsync(http, writer.AssessmentId, code, fileName, bytes, cancellationToken);
            GC.Collect();
            var before = portal.WorkingSetBytes();
            ResetPeak(portal.ProcessId);
            var status = await UploadAsync(http, writer.AssessmentId, code, fileName, bytes, cancellationToken);
            figures.Add(new(name, bytes.Length, status, before, PeakResident(portal.ProcessId)));
        }

        return figures;
    }

    private static async Task<int> UploadAsync(HttpClient http, int assessmentId, string code, string fileName, byte[] bytes, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(bytes), "file", fileName },
            { new StringContent("Benchmark upload"), "title" },
            { new StringContent("Documentation"), "kind" },
            { new StringContent(DateTime.UtcNow.ToString("yyyy-MM-dd")), "evidenceDate" },
        };
        using var response = await http.PostAsync($"/api/v1/assessments/{assessmentId}/responses/{Uri.EscapeDataString(code)}/evidence/documents", form, cancellationToken);
        return (int)response.StatusCode;
    }

    private static byte[] InflationBomb()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("mimetype", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 300; i++)
            {
                entry.Write(zeros);
            }
        }

        return buffer.ToArray();
    }

    // Writing 5 to clear_refs resets the peak resident set (VmHWM) to the current one (Linux 4.0 and later).
    private static void ResetPeak(int processId) => File.WriteAllText($"/proc/{processId}/clear_refs", "5");

    private static long PeakResident(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
