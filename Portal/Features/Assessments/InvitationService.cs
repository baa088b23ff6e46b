using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Users;
using Portal.Features.Audit;

namespace Portal.Features.Assessments;

/// <summary>
/// Inviting supplier account managers to answer an assessment. The invitation is a link with a one-time token;
/// in production it goes to the supplier's Entra ID B2B guest, who signs in and accepts it, which links them to
/// the supplier. Only the token's hash is stored with the invitation; the e-mail that carries the link waits in the
/// outbox with the link protected by ASP.NET Data Protection (unprotected only when it is sent), so the database never
/// holds a usable link.
/// </summary>
public sealed class InvitationService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock, IDataProtectionProvider protection, Evidence.IEvidenceStore store)
{
    public sealed record Invitation(int Id, string Email, string Link);

    public sealed record PendingInvitation(int Id, int AssessmentId, string SystemName, string OrganisationName, string SupplierName, DateOnly? ResponseDueDate)
    {
        public string Reference => $"OAP-{AssessmentId:D5}";
    }

    /// <summary>What an invitation link is for, shown before anyone accepts it; a used link says who used it and when.</summary>
    public sealed record InvitationDetails(
        string OrganisationName, string InvitedBy, DateTime InvitedAt, int AssessmentId, string SystemName, string SupplierName,
        DateOnly? ResponseDueDate, InvitationStatus Status, string? AcceptedBy, DateTime? AcceptedAt, bool CallerMaySeeAssessment)
    {
        public string Reference => $"OAP-{AssessmentId:D5}";

        public string UsedMessage => Used(AcceptedBy, AcceptedAt);
    }

    public async Task<InvitationDetails?> DescribeAsync(Caller caller, string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var hash = Hash(token);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var details = await db.SupplierInvitations.AsNoTracking()
            .Where(i => i.TokenHash == hash)
            .Select(i => new
            {
                i.AssessmentId,
                Organisation = i.Assessment!.NhsOrganisation!.Name,
                InvitedBy = db.Users.Where(u => u.Id == i.InvitedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
                i.InvitedAt,
                i.Assessment.SystemName,
                Supplier = i.Assessment.Supplier!.Name,
                i.Assessment.ResponseDueDate,
                i.Status,
                AcceptedBy = db.Users.Where(u => u.Id == i.AcceptedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
                i.AcceptedAt,
            })
            .SingleOrDefaultAsync(cancellationToken);
        if (details is null)
        {
            return null;
        }

        var maySee = await db.Assessments.VisibleTo(caller).AnyAsync(a => a.Id == details.AssessmentId, cancellationToken);
        return new InvitationDetails(details.Organisation, details.InvitedBy ?? "a procurement officer", details.InvitedAt, details.AssessmentId,
            details.SystemName, details.Supplier, details.ResponseDueDate, details.Status, details.AcceptedBy, details.AcceptedAt, maySee);
    }

    /// <summary>
    /// Invites a supplier account manager by e-mail and gives back the one-time link. The first invitation sends the
    /// draft to the supplier (Draft to Awaiting supplier, through the one transition method).
    /// </summary>
    public async Task<Outcome<Invitation>> InviteAsync(Caller caller, int assessmentId, string? email, CancellationToken cancellationToken = default)
    {
        // E-mail addresses are compared without case; keep them in one case so the database can match them directly.
        var address = email?.Trim().ToLowerInvariant();
        if (AddressProblem(address) is { } problem || address is null)
        {
            return Outcome.Invalid(AddressProblem(address) ?? "Enter the supplier account manager's e-mail address.", "email");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.VisibleTo(caller).Include(a => a.Invitations).Include(a => a.Supplier)
            .SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return AssessmentService.NotFound(assessmentId);
        }

        if (!AssessmentVisibility.IsOfficerOf(caller, assessment))
        {
            return Outcome.Forbidden("Only a procurement officer of the assessing organisation can invite a supplier.");
        }

        if (assessment.StartConfirmedAt is null || assessment.Supplier is null)
        {
            return Outcome.Conflict("Finish and confirm the guided start before inviting the supplier.");
        }

        if (assessment.Status is not (AssessmentStatus.Draft or AssessmentStatus.AwaitingSupplier))
        {
            return Outcome.Conflict($"The assessment is {AssessmentWorkflow.StatusName(assessment.Status).ToLowerInvariant()}; invitations are sent before the supplier submits.");
        }

        if (assessment.Invitations.Any(i => i.Status == InvitationStatus.Pending && string.Equals(i.Email, address, StringComparison.OrdinalIgnoreCase)))
        {
            return Outcome.Conflict($"{address} already has an invitation waiting to be accepted.");
        }

        var summary = $"Invited {address} of {assessment.Supplier.Name} to answer {assessment.Reference}.";
        var notice = new TransitionNotice(
            $"{caller.NhsOrganisationName} invites {assessment.Supplier.Name} to answer {assessment.Reference} ({assessment.SystemName}).",
            "/assessments", null, assessment.SupplierId, Notifications.NotificationService.Suppliers);
        // A reassessment's documents are copied through the store as it carries forward: promoted once the save commits,
        // removed if it does not.
        var documents = new Evidence.DocumentCopies(store);
        var saving = false;
        Outcome<Invitation> done;
        try
        {
            Reassessments.CarryForwardResult? carried = null;
            if (assessment.Status == AssessmentStatus.Draft)
            {
                // Nothing the officer read can be lost by inviting, so no version is asked for; the status is checked above and again here.
                var moved = await AssessmentTransitions.ApplyAsync(db, caller, assessment, WorkflowAction.InviteSupplier, now, ReadVersion.None,
                    _ => summary, _ => [notice], "SupplierInvited", cancellationToken);
                if (!moved.Succeeded)
                {
                    return moved.AsRefusal();
                }

                // The scope is final once the draft goes to the supplier, so a reassessment carries forward now, in this save.
                carried = await Reassessments.ReassessmentService.CarryForwardAsync(db, caller, assessment, now, documents, cancellationToken);
            }
            else
            {
                assessment.Touch(now);
                await Notifications.NotificationService.NotifyAsync(db, now, assessment.Id, notice.Text, notice.Link, notice.NhsOrganisationId, notice.SupplierId,
                    notice.Roles, null, cancellationToken);
                AuditTrail.Record(db, caller, now, "SupplierInvited", nameof(Assessment), assessment.Reference, summary, after: address, assessmentId: assessment.Id);
            }

            var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var invitation = new SupplierInvitation
            {
                Email = address,
                TokenHash = Hash(token),
                InvitedAt = now,
                InvitedByUserId = caller.UserId,
            };
            assessment.Invitations.Add(invitation);
            var link = $"/invitations/{token}";
            await Mail.Outbox.AddToAddressAsync(db, now, assessment.Id, address,
                $"{caller.DisplayName} of {caller.NhsOrganisationName} invites you to answer the Open API assessment {assessment.Reference} of {assessment.SystemName} for {assessment.Supplier.Name}. Sign in with this e-mail address to accept it.",
                protection.CreateProtector(Mail.OutboxSender.LinkPurpose).Protect(link), linkIsProtected: true,
                Data.Mail.MailKind.Invitation, $"invitation:{invitation.TokenHash}", cancellationToken);
            saving = true;
            if (await db.SaveCommandAsync($"Someone else changed {assessment.Reference} at the same moment. Open it again, then send the invitation.", cancellationToken) is { } stale)
            {
                await documents.DiscardAsync();
                return stale;
            }

            done = Outcome.Done(new Invitation(invitation.Id, address, link), $"Invitation e-mailed to {address}."
                + (carried is null ? "" : $" {carried.CarriedForward.Count} carried forward, {carried.Reopened.Count} reopened, {carried.New.Count} new."));
        }
        catch when (!saving)
        {
            // Nothing was saved. A save that failed or was cancelled may still have committed: its copies stay pending for the sweep.
            await documents.DiscardAsync();
            throw;
        }

        await documents.PromoteAsync();
        return done;
    }

    /// <summary>Invitations waiting for the signed-in person, matched by their e-mail address.</summary>
    public async Task<IReadOnlyList<PendingInvitation>> PendingForAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        if (!caller.IsInRole(PortalRoles.SupplierAccountManager) || string.IsNullOrEmpty(caller.Email))
        {
            return [];
        }

        var email = caller.Email.ToLowerInvariant();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.SupplierInvitations.AsNoTracking()
            .Where(i => i.Status == InvitationStatus.Pending && i.Email == email)
            .OrderBy(i => i.InvitedAt)
            .Select(i => new PendingInvitation(
                i.Id, i.AssessmentId, i.Assessment!.SystemName, i.Assessment.NhsOrganisation!.Name,
                i.Assessment.Supplier!.Name, i.Assessment.ResponseDueDate))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Accepts an invitation by its link token (production) or, for the person it was sent to, by id.</summary>
    public async Task<Outcome<int>> AcceptAsync(Caller caller, string? token, int? invitationId, CancellationToken cancellationToken = default)
    {
        if (!caller.IsInRole(PortalRoles.SupplierAccountManager))
        {
            return Outcome.Forbidden("Only a supplier account manager can accept an invitation to answer an assessment.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        SupplierInvitation? invitation;
        if (!string.IsNullOrEmpty(token))
        {
            var hash = Hash(token);
            invitation = await db.SupplierInvitations.Include(i => i.Assessment).ThenInclude(a => a!.Supplier)
                .SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
        }
        else
        {
            invitation = await db.SupplierInvitations.Include(i => i.Assessment).ThenInclude(a => a!.Supplier)
                .SingleOrDefaultAsync(i => i.Id == invitationId, cancellationToken);
            if (invitation is not null && !string.Equals(invitation.Email, caller.Email, StringComparison.OrdinalIgnoreCase))
            {
                invitation = null;
            }
        }

        if (invitation is { Status: InvitationStatus.Accepted })
        {
            var usedBy = await db.Users.Where(u => u.Id == invitation.AcceptedByUserId).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken);
            return Outcome.Conflict(Used(usedBy, invitation.AcceptedAt));
        }

        if (invitation is null)
        {
            return Outcome.NotFound(NotValid);
        }

        if (invitation.Status != InvitationStatus.Pending)
        {
            return Outcome.Conflict(NotValid);
        }

        var assessment = invitation.Assessment!;
        var user = await db.Users.SingleAsync(u => u.Id == caller.UserId, cancellationToken);
        if (user.SupplierId is null && user.NhsOrganisationId is null)
        {
            // A B2B guest's first invitation is what ties them to their company.
            user.LinkTo(null, assessment.SupplierId);
        }
        else if (user.SupplierId != assessment.SupplierId)
        {
            return Outcome.Forbidden($"This invitation is for {assessment.Supplier!.Name}, and your account acts for another organisation. Ask your portal administrator to check your account.");
        }

        invitation.Status = InvitationStatus.Accepted;
        invitation.AcceptedAt = now;
        invitation.AcceptedByUserId = caller.UserId;
        AuditTrail.Record(db, caller, now, "InvitationAccepted", nameof(Assessment), assessment.Reference,
            $"{caller.DisplayName} accepted the invitation to answer {assessment.Reference} for {assessment.Supplier!.Name}.", assessmentId: assessment.Id);
        if (await db.SaveCommandAsync("This invitation or your account changed at the same moment. Open the link again to see it as it is now.", cancellationToken) is { } stale)
        {
            return stale;
        }

        return Outcome.Done(assessment.Id, $"You can now answer {assessment.Reference}.");
    }

    /// <summary>
    /// Why an address cannot be invited, in words for the person typing it, or null when it can: one plain address
    /// (no name, no list) with a domain that has a dot. The page checks as the person types; this service checks again.
    /// </summary>
    public static string? AddressProblem(string? email)
    {
        var address = email?.Trim();
        if (string.IsNullOrEmpty(address))
        {
            return "Enter the supplier account manager's e-mail address, like name@supplier.co.uk.";
        }

        if (address.Contains(',', StringComparison.Ordinal) || address.Contains(';', StringComparison.Ordinal) || address.Contains(' ', StringComparison.Ordinal))
        {
            return "Enter one e-mail address only, like name@supplier.co.uk. Invite each person separately.";
        }

        if (!MailAddress.TryCreate(address, out var parsed) || !string.Equals(parsed.Address, address, StringComparison.OrdinalIgnoreCase)
            || !parsed.Host.Contains('.', StringComparison.Ordinal) || parsed.Host.StartsWith('.') || parsed.Host.EndsWith('.'))
        {
            return "Enter the e-mail address in the right form, like name@supplier.co.uk.";
        }

        return null;
    }

    private const string NotValid = "This invitation is not valid: it may have been accepted already or withdrawn. Ask the procurement officer to invite you again.";

    private static string Used(string? by, DateTime? at) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"This invitation link has already been used, by {by ?? "someone"} on {at:d MMMM yyyy} at {at:HH:mm} (UTC). A link can be used only once.");

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
