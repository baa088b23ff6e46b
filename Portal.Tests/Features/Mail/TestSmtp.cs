using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Tests.Features.Mail;

/// <summary>
/// The real SMTP server the test command starts (smtp4dev, scripts/test-smtp.sh): PORTAL_SMTP is where mail is sent,
/// PORTAL_SMTP_API its REST API, read back by recipient (each test mails its own addresses, so none clears the server).
/// </summary>
public static class TestSmtp
{
    public static (string Host, int Port) Server
    {
        get
        {
            var address = Environment.GetEnvironmentVariable("PORTAL_SMTP")
                ?? throw new InvalidOperationException("PORTAL_SMTP is not set: run the tests through scripts/test.sh, which starts smtp4dev (scripts/test-smtp.sh), or start it by hand as that script says.");
            var parts = address.Split(':');
            return (parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static string Api => Environment.GetEnvironmentVariable("PORTAL_SMTP_API")
        ?? throw new InvalidOperationException("PORTAL_SMTP_API is not set: run the tests through scripts/test.sh, which starts smtp4dev (scripts/test-smtp.sh).");

    public static Dictionary<string, string?> Settings(string baseUrl) => new()
    {
        ["Mail:Transport"] = "Smtp",
        ["Mail:Smtp:Host"] = Server.Host,
        ["Mail:Smtp:Port"] = Server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Mail:Smtp:Security"] = "None",
        ["Mail:PollSeconds"] = "3600",
        ["Portal:BaseUrl"] = baseUrl,
    };

    public static string UniqueAddress(string name) => $"{name}.{Guid.NewGuid():N}@supplier-test.example";

    public sealed record Received(string Id, string Subject, string Text, string Html);

    /// <summary>Every message smtp4dev holds for <paramref name="address"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<Received>> ForAsync(string address)
    {
        using var http = new HttpClient { BaseAddress = new Uri(Api) };
        using var page = JsonDocument.Parse(await http.GetStringAsync("/api/messages?pageSize=100000"));
        var found = new List<Received>();
        foreach (var message in page.RootElement.GetProperty("results").EnumerateArray().Reverse())
        {
            if (!message.GetProperty("to").EnumerateArray().Any(to => string.Equals(to.GetString(), address, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var id = message.GetProperty("id").GetString()!;
            found.Add(new Received(id, message.GetProperty("subject").GetString()!,
                await http.GetStringAsync($"/api/messages/{id}/plaintext"), await http.GetStringAsync($"/api/messages/{id}/html")));
        }

        return found;
    }
}
