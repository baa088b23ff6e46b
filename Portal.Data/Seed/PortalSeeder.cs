using Microsoft.EntityFrameworkCore;
using Portal.Data.AccessTokens;
using Portal.Data.Audit;
using Portal.Data.Organisations;
using Portal.Data.Policy;
using Portal.Data.Policy.Catalogue;
using Portal.Data.Users;

namespace Portal.Data.Seed;

/// <summary>
/// Seeds the policy catalogue and, where enabled, the demo organisations and people. Every step looks for what it
/// would add first, so a restart keeps existing data and adds no duplicates.
/// </summary>
public static class PortalSeeder
{
    public const string CatalogueResource = "Portal.Data.Seed.open-api-policy-2014-05.yaml";

    /// <summary>Demo people sign in through the development sign-in only; their tenant marks them as such.</summary>
    public const string DemoTenantId = "demo";

    /// <summary>The demo supplier that builds the portal itself, and its account manager, who answers the portal's self-assessment.</summary>
    public const string PortalTeamSupplier = "Open API Portal Team (demo)";

    public const string PortalTeamPerson = "rowan.ellis";

    /// <summary>The name of each demo person's well-known API token.</summary>
    public const string DemoTokenName = "Demo token (Development only)";

    /// <summary>
    /// The well-known API token of a demo person, printed on the development sign-in page so a newcomer can try the
    /// API at once. The portal accepts demo people's tokens only in Development.
    /// </summary>
    public static string DemoToken(string demoObjectId) => $"{PersonalAccessToken.Prefix}demo_{demoObjectId.Replace('.', '_')}";

    public static async Task SeedAsync(PortalDbContext db, DateTime now, bool includeDemoData, CancellationToken cancellationToken = default)
    {
        await SeedCatalogueAsync(db, now, cancellationToken);
        if (includeDemoData)
        {
            await SeedDemoDataAsync(db, now, cancellationToken);
        }
    }

    public static CatalogueDocument ReadSeededCatalogue()
    {
        using var stream = typeof(PortalSeeder).Assembly.GetManifestResourceStream(CatalogueResource)
            ?? throw new InvalidOperationException($"The catalogue resource {CatalogueResource} is missing from Portal.Data.");
        using var reader = new StreamReader(stream);
        var result = CatalogueReader.Read(reader.ReadToEnd());
        return result.Document ?? throw new InvalidOperationException(
            "The seeded catalogue file is invalid: " + string.Join("; ", result.Problems));
    }

    private static async Task SeedCatalogueAsync(PortalDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var document = ReadSeededCatalogue();
        var framework = await db.PolicyFrameworks.SingleOrDefaultAsync(f => f.Key == document.Framework.Key, cancellationToken);
        if (framework is null)
        {
            framework = new PolicyFramework
            {
                Key = document.Framework.Key,
                Name = document.Framework.Name,
                Publisher = document.Framework.Publisher,
                Source = document.Framework.Source,
            };
            db.PolicyFrameworks.Add(framework);
            await db.SaveChangesAsync(cancellationToken);
        }

        if (await db.FrameworkVersions.AnyAsync(v => v.PolicyFrameworkId == framework.Id && v.Label == document.Version, cancellationToken))
        {
            return;
        }

        var version = CatalogueMapping.ToDraftVersion(document, framework.Id, "Portal seed", now);
        version.Publish(now);
        db.FrameworkVersions.Add(version);
        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = now,
            ActorName = "Portal seed",
            Action = "CatalogueVersionPublished",
            EntityType = nameof(FrameworkVersion),
            EntityId = $"{framework.Key}/{version.Label}",
            Summary = $"Seeded and published {framework.Name} version {version.Label} with {version.Requirements.Count} requirements.",
            After = version.ContentHash,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task SeedDemoDataAsync(PortalDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        // Fictional organisations with made-up ODS-style codes, so demo data is never mistaken for a real body.
        var trust = await EnsureOrganisationAsync(db, "XDV", "Demo Valley NHS Foundation Trust", NhsOrganisationKind.Trust, cancellationToken);
        var icb = await EnsureOrganisationAsync(db, "XDS", "NHS Demo Shire Integrated Care Board", NhsOrganisationKind.IntegratedCareBoard, cancellationToken);
        // The demo ICB's dashboard totals the demo trust's figures; an administrator who has since changed that keeps their choice.
        if (trust.ParentId is null
            && !await db.AuditEvents.AnyAsync(e => e.Action == "OrganisationParentSet" && e.EntityType == nameof(NhsOrganisation) && e.EntityId == trust.OdsCode, cancellationToken))
        {
            trust.MoveUnder(icb.Id);
            await db.SaveChangesAsync(cancellationToken);
        }

        var acme = await EnsureSupplierAsync(db, "Acme Clinical Systems Ltd", "01234567", cancellationToken);
        var brightwater = await EnsureSupplierAsync(db, "Brightwater Health Software Ltd", "07654321", cancellationToken);
        // The team that builds this portal, so the demo can assess the portal against its own policy.
        var portalTeam = await EnsureSupplierAsync(db, PortalTeamSupplier, "09876543", cancellationToken);

        DemoPerson[] people =
        [
            new("olivia.hart", "Olivia Hart", "olivia.hart@demo-valley.nhs.uk", PortalRoles.ProcurementOfficer, trust.Id, null),
            new("priya.shah", "Priya Shah", "priya.shah@demo-shire-icb.nhs.uk", PortalRoles.ProcurementOfficer, icb.Id, null),
            new("sam.okafor", "Sam Okafor", "sam.okafor@acme-clinical.example", PortalRoles.SupplierAccountManager, null, acme.Id),
            new("bea.lindqvist", "Bea Lindqvist", "bea.lindqvist@brightwater-health.example", PortalRoles.SupplierAccountManager, null, brightwater.Id),
            new("chris.morgan", "Dr Chris Morgan", "chris.morgan@demo-valley.nhs.uk", PortalRoles.CcioReviewer, trust.Id, null),
            new("ada.price", "Ada Price", "ada.price@demo-valley.nhs.uk", PortalRoles.Administrator, trust.Id, null),
            new(PortalTeamPerson, "Rowan Ellis", "rowan.ellis@open-api-portal.example", PortalRoles.SupplierAccountManager, null, portalTeam.Id),
        ];

        var existing = await db.Users.Where(u => u.TenantId == DemoTenantId).Select(u => u.ObjectId).ToListAsync(cancellationToken);
        foreach (var person in people.Where(p => !existing.Contains(p.ObjectId)))
        {
            var user = new PortalUser
            {
                TenantId = DemoTenantId,
                ObjectId = person.ObjectId,
                DisplayName = person.Name,
                Email = person.Email,
                Role = person.Role,
                CreatedAt = now,
            };
            user.LinkTo(person.OrganisationId, person.SupplierId);
            db.Users.Add(user);
        }

        await db.SaveChangesAsync(cancellationToken);
        await SeedDemoTokensAsync(db, now, cancellationToken);
    }

    private static async Task SeedDemoTokensAsync(PortalDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var demoUsers = await db.Users.Where(u => u.TenantId == DemoTenantId).Select(u => new { u.Id, u.ObjectId }).ToListAsync(cancellationToken);
        var hashes = demoUsers.ToDictionary(u => u.Id, u => PersonalAccessToken.HashOf(DemoToken(u.ObjectId)));
        var tokens = await db.PersonalAccessTokens.Where(t => hashes.Values.Contains(t.TokenHash)).ToDictionaryAsync(t => t.TokenHash, cancellationToken);
        foreach (var user in demoUsers)
        {
            var hash = hashes[user.Id];
            if (!tokens.TryGetValue(hash, out var token))
            {
                db.PersonalAccessTokens.Add(new PersonalAccessToken
                {
                    UserId = user.Id,
                    Name = DemoTokenName,
                    TokenHash = hash,
                    Hint = PersonalAccessToken.HintOf(DemoToken(user.ObjectId)),
                    Scope = TokenScope.ReadWrite,
                    CreatedAt = now,
                    ExpiresAt = now.AddYears(1),
                });
            }
            else if (!token.IsUsableAt(now.AddDays(30)))
            {
                // A demo database kept for a long time (or a demo token revoked while trying the page) still works next start.
                token.RevokedAt = null;
                token.ExpiresAt = now.AddYears(1);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task<NhsOrganisation> EnsureOrganisationAsync(PortalDbContext db, string odsCode, string name, NhsOrganisationKind kind, CancellationToken cancellationToken)
    {
        var organisation = await db.NhsOrganisations.SingleOrDefaultAsync(o => o.OdsCode == odsCode, cancellationToken);
        if (organisation is null)
        {
            organisation = new NhsOrganisation { OdsCode = odsCode, Name = name, Kind = kind };
            db.NhsOrganisations.Add(organisation);
            await db.SaveChangesAsync(cancellationToken);
        }

        return organisation;
    }

    private static async Task<Supplier> EnsureSupplierAsync(PortalDbContext db, string name, string companyNumber, CancellationToken cancellationToken)
    {
        var supplier = await db.Suppliers.SingleOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (supplier is null)
        {
            supplier = new Supplier { Name = name, CompanyNumber = companyNumber };
            db.Suppliers.Add(supplier);
            await db.SaveChangesAsync(cancellationToken);
        }

        return supplier;
    }

    private sealed record DemoPerson(string ObjectId, string Name, string Email, string Role, int? OrganisationId, int? SupplierId);
}
