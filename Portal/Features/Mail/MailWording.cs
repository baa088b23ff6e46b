using System.Globalization;
using System.Net;
using System.Text;
using Portal.Data.Mail;

namespace Portal.Features.Mail;

/// <summary>One mail ready to send: its subject, plain text, simple HTML, and the same parts for a GOV.UK Notify template.</summary>
public sealed record MailContent(string To, string Subject, string Text, string Html, IReadOnlyDictionary<string, string> Personalisation);

/// <summary>Every word the portal's mail says, in one place: plain English, the link to act, and what it is about.</summary>
public static class MailWording
{
    public const string PortalName = "NHS Open API compliance portal";

    public static string Subject(MailKind kind, string? reference, string? systemName)
    {
        var about = reference is null ? null : $"{reference} ({systemName})";
        return kind switch
        {
            MailKind.Invitation => about is null ? "You are invited to answer an Open API assessment" : $"You are invited to answer {about}",
            MailKind.Reminder => about is null ? "Reminder from the Open API compliance portal" : $"Reminder: {about}",
            MailKind.Overdue => about is null ? "Overdue: your work in the Open API compliance portal" : $"Overdue: {about}",
            MailKind.Escalation => about is null ? "Escalated to you: overdue work in the Open API compliance portal" : $"Escalated to you: {about} is overdue",
            MailKind.Digest => "Your daily summary from the Open API compliance portal",
            _ => about is null ? "Update from the Open API compliance portal" : $"Update on {about}",
        };
    }

    /// <summary>What the link asks the reader to do.</summary>
    public static string Action(MailKind kind) => kind switch
    {
        MailKind.Invitation => "Accept the invitation (the link works once)",
        MailKind.Digest => "Open your notifications",
        _ => "Open it in the portal",
    };

    /// <summary>Composes one mail. <paramref name="link"/> is absolute (and, for an invitation, already unprotected).</summary>
    public static MailContent Compose(OutboxMessage message, string? link, string baseUrl, IReadOnlyList<(string Text, string? Link)> digestItems)
    {
        var preferences = $"{baseUrl}/account/mail";
        var facts = new List<(string Label, string Value)>();
        if (message.OrganisationName is not null)
        {
            facts.Add(("Organisation", message.OrganisationName));
        }

        if (message.SystemName is not null && message.AssessmentId is { } id)
        {
            facts.Add(("System", $"{message.SystemName} (OAP-{id:D5})"));
        }

        if (message.DueDate is { } due)
        {
            facts.Add(("Supplier's answers due", due.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("en-GB"))));
        }

        var text = new StringBuilder();
        text.AppendLine(message.Text).AppendLine();
        foreach (var item in digestItems)
        {
            text.Append("- ").AppendLine(item.Link is null ? item.Text : $"{item.Text} {item.Link}");
        }

        if (digestItems.Count > 0)
        {
            text.AppendLine();
        }

        foreach (var (label, value) in facts)
        {
            text.Append(label).Append(": ").AppendLine(value);
        }

        if (facts.Count > 0)
        {
            text.AppendLine();
        }

        if (link is not null)
        {
            text.Append(Action(message.Kind)).Append(": ").AppendLine(link).AppendLine();
        }

        text.Append("This e-mail was sent by the ").Append(PortalName).AppendLine(".");
        if (message.Kind is MailKind.Update or MailKind.Reminder or MailKind.Digest)
        {
            text.Append("Choose how you receive updates and reminders: ").AppendLine(preferences);
        }

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>").Append(E(message.Subject)).Append("</title></head>")
            .Append("<body style=\"margin:0;padding:0;background:#f0f4f5;font-family:Arial,sans-serif;font-size:19px;line-height:1.5;color:#212b32\">")
            .Append("<div style=\"background:#005eb8;color:#ffffff;padding:16px 24px;font-weight:bold\">").Append(PortalName).Append("</div>")
            .Append("<div style=\"background:#ffffff;max-width:640px;padding:24px\">")
            .Append("<p>").Append(E(message.Text)).Append("</p>");
        if (digestItems.Count > 0)
        {
            html.Append("<ul>");
            foreach (var item in digestItems)
            {
                html.Append("<li>").Append(item.Link is null ? E(item.Text) : $"<a href=\"{E(item.Link)}\" style=\"color:#005eb8\">{E(item.Text)}</a>").Append("</li>");
            }

            html.Append("</ul>");
        }

        if (facts.Count > 0)
        {
            html.Append("<table role=\"presentation\" style=\"border-collapse:collapse;margin-bottom:16px\">");
            foreach (var (label, value) in facts)
            {
                html.Append("<tr><th scope=\"row\" style=\"text-align:left;padding:4px 16px 4px 0\">").Append(E(label))
                    .Append("</th><td style=\"padding:4px 0\">").Append(E(value)).Append("</td></tr>");
            }

            html.Append("</table>");
        }

        if (link is not null)
        {
            html.Append("<p><a href=\"").Append(E(link)).Append("\" style=\"color:#005eb8;font-weight:bold\">").Append(E(Action(message.Kind))).Append("</a></p>")
                .Append("<p style=\"font-size:16px\">Or copy this address into your browser: ").Append(E(link)).Append("</p>");
        }

        html.Append("<p style=\"font-size:16px;color:#4c6272\">This e-mail was sent by the ").Append(PortalName).Append('.');
        if (message.Kind is MailKind.Update or MailKind.Reminder or MailKind.Digest)
        {
            html.Append(" <a href=\"").Append(E(preferences)).Append("\" style=\"color:#005eb8\">Choose how you receive updates and reminders</a>.");
        }

        html.Append("</p></div></body></html>");

        var personalisation = new Dictionary<string, string>
        {
            ["subject"] = message.Subject,
            ["text"] = message.Text,
            ["items"] = string.Join("\n", digestItems.Select(i => i.Link is null ? $"* {i.Text}" : $"* {i.Text} {i.Link}")),
            ["organisation"] = message.OrganisationName ?? string.Empty,
            ["system"] = facts.FirstOrDefault(f => f.Label == "System").Value ?? string.Empty,
            ["due_date"] = facts.FirstOrDefault(f => f.Label == "Supplier's answers due").Value ?? string.Empty,
            ["link"] = link ?? string.Empty,
            ["action"] = Action(message.Kind),
            ["preferences_link"] = preferences,
        };
        return new MailContent(message.ToAddress, message.Subject, text.ToString(), html.ToString(), personalisation);
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
