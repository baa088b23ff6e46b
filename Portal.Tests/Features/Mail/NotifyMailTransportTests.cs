using System.Net;
using System.Text;
using System.Text.Json;
using Portal.Data.Mail;
using Portal.Features.Mail;

namespace Portal.Tests.Features.Mail;

/// <summary>
/// The official GOV.UK Notify client, pointed at a local HTTP server that checks the request its API documents:
/// POST /v2/notifications/email, JSON with email_address, template_id, personalisation and reference, and a JWT bearer.
/// </summary>
public sealed class NotifyMailTransportTests
{
    [Fact]
    public async Task A_mail_goes_to_Notify_as_its_API_documents_with_the_kinds_template_the_personalisation_and_the_outbox_key()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var serviceId = Guid.NewGuid();
        var transport = new NotifyMailTransport(new NotifySettings
        {
            ApiKey = $"portal_test-{serviceId}-{Guid.NewGuid()}",
            BaseUrl = $"http://127.0.0.1:{port}/",
            Templates = { ["Reminder"] = "f33517ff-2a88-4f6e-b855-c550268ce08a" },
        });
        var content = new MailContent("sam@supplier.example", "Reminder: OAP-00042 (Rota)", "text", "<p>html</p>",
            new Dictionary<string, string> { ["text"] = "Answers are due in 7 days.", ["link"] = "https://portal.example/assessments/42" });

        var sending = transport.SendAsync(content, MailKind.Reminder, "reminder:7:OAP-00042", CancellationToken.None);
        var context = await listener.GetContextAsync();
        string body;
        using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync();
        }

        var answer = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            id = Guid.NewGuid(), reference = "reminder:7:OAP-00042", uri = "https://x/v2/notifications/1",
            template = new { id = "f33517ff-2a88-4f6e-b855-c550268ce08a", version = 1, uri = "https://x/t" },
            content = new { subject = "Reminder", body = "text", from_email = "portal@notifications.service.gov.uk" },
        }));
        context.Response.StatusCode = 201;
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(answer);
        context.Response.Close();
        await sending;

        Assert.Equal("POST", context.Request.HttpMethod);
        Assert.Equal("/v2/notifications/email", context.Request.Url!.AbsolutePath);
        var authorization = context.Request.Headers["Authorization"]!;
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        var jwt = authorization["Bearer ".Length..].Split('.');
        Assert.Equal(3, jwt.Length);
        using var claims = JsonDocument.Parse(Base64Url(jwt[1]));
        Assert.Equal(serviceId.ToString(), claims.RootElement.GetProperty("iss").GetString());
        using var json = JsonDocument.Parse(body);
        Assert.Equal("sam@supplier.example", json.RootElement.GetProperty("email_address").GetString());
        Assert.Equal("f33517ff-2a88-4f6e-b855-c550268ce08a", json.RootElement.GetProperty("template_id").GetString());
        Assert.Equal("reminder:7:OAP-00042", json.RootElement.GetProperty("reference").GetString());
        Assert.Equal("Answers are due in 7 days.", json.RootElement.GetProperty("personalisation").GetProperty("text").GetString());
        Assert.Equal("https://portal.example/assessments/42", json.RootElement.GetProperty("personalisation").GetProperty("link").GetString());
    }

    [Fact]
    public async Task A_kind_with_no_template_is_refused_with_the_setting_to_fix()
    {
        var transport = new NotifyMailTransport(new NotifySettings { ApiKey = $"k-{Guid.NewGuid()}-{Guid.NewGuid()}", BaseUrl = "http://127.0.0.1:9/" });
        var content = new MailContent("a@b.example", "s", "t", "h", new Dictionary<string, string>());

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => transport.SendAsync(content, MailKind.Overdue, "k", CancellationToken.None));

        Assert.Contains("Mail:Notify:Templates:Overdue", refused.Message, StringComparison.Ordinal);
    }

    private static byte[] Base64Url(string part)
    {
        var padded = part.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
