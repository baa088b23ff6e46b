using Portal.Data.Organisations;

namespace Portal.Data.Products;

/// <summary>A product a supplier sells to NHS organisations, kept by the supplier's account managers.</summary>
public class Product
{
    public int Id { get; set; }

    public int SupplierId { get; set; }

    public Supplier? Supplier { get; set; }

    /// <summary>Unique within the supplier.</summary>
    public required string Name { get; set; }

    public string? Description { get; set; }

    public DateTime CreatedAt { get; set; }

    public Guid ConcurrencyStamp { get; set; } = Guid.NewGuid();

    public List<ProductVersion> Versions { get; set; } = [];
}

/// <summary>One released version of a product: what an assessment and an evidence pack are about.</summary>
public class ProductVersion
{
    public int Id { get; set; }

    public int ProductId { get; set; }

    public Product? Product { get; set; }

    /// <summary>The supplier's own label, for example "4.2"; unique within the product.</summary>
    public required string Label { get; set; }

    public DateOnly? ReleaseDate { get; set; }

    public string? Description { get; set; }

    public DateTime CreatedAt { get; set; }

    public Guid ConcurrencyStamp { get; set; } = Guid.NewGuid();
}
