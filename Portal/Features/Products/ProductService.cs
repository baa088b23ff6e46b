using Microsoft.EntityFrameworkCore;
using Portal.Auth;
using Portal.Data;
using Portal.Data.Assessments;
using Portal.Data.Products;
using Portal.Data.Users;
using Portal.Features.Assessments;
using Portal.Features.Audit;

namespace Portal.Features.Products;

/// <summary>
/// A supplier's products and product versions, kept by its own account managers; procurement officers choose one of
/// the assessed supplier's versions for a draft assessment. Nobody sees or changes another supplier's products.
/// </summary>
public sealed class ProductService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public sealed record ProductInput(string? Name, string? Description);

    public sealed record VersionInput(string? Label, DateOnly? ReleaseDate, string? Description);

    public sealed record VersionView(int Id, string Label, DateOnly? ReleaseDate, string? Description, IReadOnlyList<PackRef> Packs);

    /// <summary>An evidence pack of a version: its id and the catalogue version it answers.</summary>
    public sealed record PackRef(int Id, string CatalogueLabel, int Revision);

    public sealed record ProductView(int Id, string Name, string? Description, IReadOnlyList<VersionView> Versions);

    /// <summary>A version an officer may choose for an assessment of its supplier.</summary>
    public sealed record VersionOption(int Id, string ProductName, string Label)
    {
        public string Name => $"{ProductName} {Label}";
    }

    /// <summary>The caller's own supplier's products with their versions and packs; nothing for anyone else.</summary>
    public async Task<IReadOnlyList<ProductView>> ListAsync(Caller caller, CancellationToken cancellationToken = default)
    {
        if (SupplierOf(caller) is not { } supplierId)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var products = await db.Products.AsNoTracking().Where(p => p.SupplierId == supplierId).OrderBy(p => p.Name)
            .Select(p => new { p.Id, p.Name, p.Description })
            .ToListAsync(cancellationToken);
        var productIds = products.Select(p => p.Id).ToList();
        var versions = await db.ProductVersions.AsNoTracking().Where(v => productIds.Contains(v.ProductId))
            .OrderByDescending(v => v.ReleaseDate).ThenByDescending(v => v.Id)
            .Select(v => new { v.Id, v.ProductId, v.Label, v.ReleaseDate, v.Description })
            .ToListAsync(cancellationToken);
        var versionIds = versions.Select(v => v.Id).ToList();
        var packs = await db.EvidencePacks.AsNoTracking().Where(p => versionIds.Contains(p.ProductVersionId))
            .Select(p => new { p.Id, p.ProductVersionId, p.FrameworkVersion!.Label, p.Revision })
            .ToListAsync(cancellationToken);
        return products.Select(p => new ProductView(p.Id, p.Name, p.Description, versions.Where(v => v.ProductId == p.Id)
            .Select(v => new VersionView(v.Id, v.Label, v.ReleaseDate, v.Description,
                packs.Where(k => k.ProductVersionId == v.Id).Select(k => new PackRef(k.Id, k.Label, k.Revision)).ToList()))
            .ToList())).ToList();
    }

    public async Task<Outcome<ProductView>> AddProductAsync(Caller caller, ProductInput input, CancellationToken cancellationToken = default)
    {
        if (SupplierOf(caller) is not { } supplierId)
        {
            return Outcome.Forbidden("Only a supplier's account managers keep its products.");
        }

        var name = TypedText.Tidy(input.Name, 200);
        if (name is null)
        {
            return Outcome.Invalid("Enter the product's name.", "name");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Products.AnyAsync(p => p.SupplierId == supplierId && p.Name == name, cancellationToken))
        {
            return Outcome.Invalid($"{caller.SupplierName} already has a product called {name}. Add a version to it instead.", "name");
        }

        var product = new Product { SupplierId = supplierId, Name = name, Description = TypedText.Tidy(input.Description, 4000), CreatedAt = now };
        db.Products.Add(product);
        AuditTrail.Record(db, caller, now, "ProductAdded", nameof(Product), name, $"{caller.SupplierName} added the product {name}.");
        if (await SaveUniqueAsync(db, $"{caller.SupplierName} already has a product called {name}.", "name", cancellationToken) is { } refused)
        {
            return refused;
        }

        return Outcome.Done(new ProductView(product.Id, product.Name, product.Description, []), $"Added {name}.");
    }

    public async Task<Outcome<VersionView>> AddVersionAsync(Caller caller, int productId, VersionInput input, CancellationToken cancellationToken = default)
    {
        if (SupplierOf(caller) is not { } supplierId)
        {
            return Outcome.Forbidden("Only a supplier's account managers keep its product versions.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var product = await db.Products.SingleOrDefaultAsync(p => p.Id == productId && p.SupplierId == supplierId, cancellationToken);
        if (product is null)
        {
            return Outcome.NotFound($"Product {productId} does not exist, or is not one of your supplier's.");
        }

        var label = TypedText.Tidy(input.Label, 50);
        if (label is null)
        {
            return Outcome.Invalid("Enter the version, for example 4.2.", "label");
        }

        if (await db.ProductVersions.AnyAsync(v => v.ProductId == productId && v.Label == label, cancellationToken))
        {
            return Outcome.Invalid($"{product.Name} already has a version {label}.", "label");
        }

        var version = new ProductVersion
        {
            ProductId = productId,
            Label = label,
            ReleaseDate = input.ReleaseDate,
            Description = TypedText.Tidy(input.Description, 4000),
            CreatedAt = now,
        };
        db.ProductVersions.Add(version);
        AuditTrail.Record(db, caller, now, "ProductVersionAdded", nameof(ProductVersion), $"{product.Name} {label}",
            $"{caller.SupplierName} added version {label} of {product.Name}.");
        if (await SaveUniqueAsync(db, $"{product.Name} already has a version {label}.", "label", cancellationToken) is { } refused)
        {
            return refused;
        }

        return Outcome.Done(new VersionView(version.Id, version.Label, version.ReleaseDate, version.Description, []), $"Added {product.Name} {label}.");
    }

    /// <summary>The versions an officer may choose for a draft assessment: its supplier's, and only for its own organisation's officers.</summary>
    public async Task<IReadOnlyList<VersionOption>> ListVersionsForAssessmentAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var supplierId = await db.Assessments.AsNoTracking().VisibleTo(caller)
            .Where(a => a.Id == assessmentId && a.NhsOrganisationId == caller.NhsOrganisationId)
            .Select(a => a.SupplierId).SingleOrDefaultAsync(cancellationToken);
        return supplierId is null
            ? []
            : await db.ProductVersions.AsNoTracking().Where(v => v.Product!.SupplierId == supplierId)
                .OrderBy(v => v.Product!.Name).ThenByDescending(v => v.ReleaseDate).ThenBy(v => v.Label)
                .Select(v => new VersionOption(v.Id, v.Product!.Name, v.Label))
                .ToListAsync(cancellationToken);
    }

    /// <summary>The product version an assessment names, for anyone who may see the assessment; null when none.</summary>
    public async Task<int?> FindChosenVersionAsync(Caller caller, int assessmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Assessments.AsNoTracking().VisibleTo(caller).Where(a => a.Id == assessmentId).Select(a => a.ProductVersionId).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Names the product version a draft assessment is about (or none). Only the organisation's procurement officers,
    /// only while it is a draft, and only a version of the assessment's own supplier; the product name and version
    /// shown on the assessment follow the choice.
    /// </summary>
    public async Task<Outcome> ChooseVersionAsync(Caller caller, int assessmentId, int? productVersionId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var assessment = await db.Assessments.VisibleTo(caller).SingleOrDefaultAsync(a => a.Id == assessmentId, cancellationToken);
        if (assessment is null)
        {
            return Outcome.NotFound($"Assessment {assessmentId} does not exist, or you may not see it.");
        }

        if (!AssessmentVisibility.IsOfficerOf(caller, assessment))
        {
            return Outcome.Forbidden("Only the organisation's procurement officers choose the product version an assessment is about.");
        }

        if (assessment.Status != AssessmentStatus.Draft)
        {
            return Outcome.Conflict($"{assessment.Reference} is no longer a draft; its product version can no longer be changed.");
        }

        string summary;
        if (productVersionId is { } id)
        {
            var version = await db.ProductVersions.Where(v => v.Id == id && v.Product!.SupplierId == assessment.SupplierId && assessment.SupplierId != null)
                .Select(v => new { v.Id, v.Label, Product = v.Product!.Name })
                .SingleOrDefaultAsync(cancellationToken);
            if (version is null)
            {
                return Outcome.Invalid(assessment.SupplierId is null
                    ? "Choose the supplier first, then one of its product versions."
                    : "Choose one of the assessed supplier's product versions.", "productVersionId");
            }

            assessment.ProductVersionId = version.Id;
            assessment.ProductName = version.Product;
            assessment.ProductVersion = version.Label;
            summary = $"Named {version.Product} {version.Label} as the product version {assessment.Reference} is about.";
        }
        else
        {
            assessment.ProductVersionId = null;
            summary = $"{assessment.Reference} names no product version now.";
        }

        assessment.Touch(now);
        AuditTrail.Record(db, caller, now, "ProductVersionChosen", nameof(Assessment), assessment.Reference, summary, assessmentId: assessment.Id);
        return await db.SaveCommandAsync($"{assessment.Reference} changed while you chose its product version. Look at it again.", cancellationToken) is { } stale
            ? stale
            : Outcome.Done(summary);
    }

    private static int? SupplierOf(Caller caller) =>
        caller.IsInRole(PortalRoles.SupplierAccountManager) ? caller.SupplierId : null;

    /// <summary>Saves; a name taken by someone saving at the same moment (the unique index) is the same refusal as one taken before.</summary>
    private static async Task<Refusal?> SaveUniqueAsync(PortalDbContext db, string taken, string field, CancellationToken cancellationToken)
    {
        try
        {
            return await db.SaveCommandAsync(taken, cancellationToken);
        }
        catch (DbUpdateException)
        {
            return Outcome.Invalid(taken, field);
        }
    }
}
