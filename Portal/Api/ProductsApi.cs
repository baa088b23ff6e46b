using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using Portal.Features.Products;

namespace Portal.Api;

/// <summary>A supplier's products and product versions, and the officer's choice of version for a draft assessment.</summary>
public static class ProductsApi
{
    public sealed record ProductBody(
        [property: Description("The product's name, unique within your supplier (up to 200 characters).")] string Name,
        [property: Description("What the product is (up to 4,000 characters).")] string? Description = null);

    public sealed record VersionBody(
        [property: Description("The version, for example 4.2 (up to 50 characters), unique within the product.")] string Label,
        [property: Description("When the version was released, as yyyy-mm-dd.")] DateOnly? ReleaseDate = null,
        [property: Description("What changed in the version (up to 4,000 characters).")] string? Description = null);

    public sealed record ChooseVersionBody(
        [property: Description("The id of one of the assessed supplier's product versions, or null for none.")] int? ProductVersionId);

    public static void MapProductsApi(this RouteGroupBuilder api)
    {
        var products = api.MapGroup("/products").WithTags(ApiDocumentation.Packs);
        products.MapGet("/", ListAsync).WithName("ListProducts").Returns<IReadOnlyList<ProductService.ProductView>>()
            .WithSummary("List your supplier's products (supplier account managers)")
            .WithDescription("Your supplier's products with their versions and each version's evidence packs. Anyone else gets an empty list.");
        products.MapPost("/", AddProductAsync).WithName("AddProduct").WithSummary("Add a product (supplier account managers)")
            .WithDescription("Adds a product to your supplier. Its name must be new within your supplier.")
            .Accepts<ProductBody>("application/json")
            .Produces<ProductService.ProductView>(StatusCodes.Status201Created)
            .ValidationProblem().ForbiddenProblem().WithMetadata(new RequestSizeLimitAttribute(64 * 1024));
        products.MapPost("/{productId}/versions", AddVersionAsync).WithName("AddProductVersion").WithSummary("Add a product version (supplier account managers)")
            .WithDescription("Adds a released version to one of your supplier's products. Another supplier's product is not found.")
            .Accepts<VersionBody>("application/json")
            .Produces<ProductService.VersionView>(StatusCodes.Status201Created)
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().WithMetadata(new RequestSizeLimitAttribute(64 * 1024));

        var perAssessment = api.MapGroup("/assessments/{assessmentId}").WithTags(ApiDocumentation.AssessmentStart);
        perAssessment.MapGet("/product-versions", VersionsAsync).WithName("ListAssessmentProductVersions").Returns<IReadOnlyList<ProductService.VersionOption>>()
            .WithSummary("List the product versions a draft can name (procurement officers)")
            .WithDescription("The assessed supplier's product versions, for the organisation's procurement officers; an empty list for anyone else.")
            .InvalidIdProblem();
        perAssessment.MapPut("/product-version", ChooseAsync).WithName("ChooseAssessmentProductVersion")
            .WithSummary("Name the product version a draft is about (procurement officers)")
            .WithDescription("Names one of the assessed supplier's product versions (or none) while the assessment is a draft. The supplier can then fill it from an evidence pack of that version shared with your organisation.")
            .Accepts<ChooseVersionBody>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ValidationProblem().ForbiddenProblem().NotFoundProblem().ConflictProblem().WithMetadata(new RequestSizeLimitAttribute(64 * 1024));
    }

    private static async Task<IResult> ListAsync(HttpContext http, ProductService products) =>
        new ApiJson<IReadOnlyList<ProductService.ProductView>>(await products.ListAsync(http.Caller(), http.RequestAborted));

    private static Task<IResult> AddProductAsync(ProductBody body, HttpContext http, ProductService products) =>
        products.AddProductAsync(http.Caller(), new ProductService.ProductInput(body.Name, body.Description), http.RequestAborted)
            .ToHttp(http, added => new ApiJson<ProductService.ProductView>(added, statusCode: StatusCodes.Status201Created, location: $"{ApiSetup.Prefix}/products"));

    private static Task<IResult> AddVersionAsync([Description("The product's id.")] int productId, VersionBody body, HttpContext http, ProductService products) =>
        products.AddVersionAsync(http.Caller(), productId, new ProductService.VersionInput(body.Label, body.ReleaseDate, body.Description), http.RequestAborted)
            .ToHttp(http, added => new ApiJson<ProductService.VersionView>(added, statusCode: StatusCodes.Status201Created, location: $"{ApiSetup.Prefix}/products"));

    private static async Task<IResult> VersionsAsync([Description("The assessment's id.")] int assessmentId, HttpContext http, ProductService products) =>
        new ApiJson<IReadOnlyList<ProductService.VersionOption>>(await products.ListVersionsForAssessmentAsync(http.Caller(), assessmentId, http.RequestAborted));

    private static Task<IResult> ChooseAsync([Description("The assessment's id.")] int assessmentId, ChooseVersionBody body, HttpContext http, ProductService products) =>
        products.ChooseVersionAsync(http.Caller(), assessmentId, body.ProductVersionId, http.RequestAborted).ToHttp(http, () => TypedResults.NoContent());
}
