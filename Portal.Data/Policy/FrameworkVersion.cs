namespace Portal.Data.Policy;

/// <summary>
/// One version of a framework's catalogue. Published versions never change, so an assessment can pin the
/// version it started on; a new text from the publisher arrives as a new version.
/// </summary>
public class FrameworkVersion
{
    public int Id { get; set; }

    public int PolicyFrameworkId { get; set; }

    public PolicyFramework? PolicyFramework { get; set; }

    /// <summary>The publisher's label for the version, e.g. "2014-05".</summary>
    public required string Label { get; set; }

    public required string Summary { get; set; }

    public FrameworkVersionStatus Status { get; private set; } = FrameworkVersionStatus.Draft;

    public DateTime ImportedAt { get; set; }

    public required string ImportedBy { get; set; }

    public DateTime? PublishedAt { get; private set; }

    public DateTime? RetiredAt { get; private set; }

    /// <summary>SHA-256 of the version's canonical JSON export: equal hashes mean identical content.</summary>
    public required string ContentHash { get; set; }

    public List<PolicySection> Sections { get; set; } = [];

    public List<PolicyRequirement> Requirements { get; set; } = [];

    public void Publish(DateTime now)
    {
        if (Status != FrameworkVersionStatus.Draft)
        {
            throw new InvalidOperationException($"Version {Label} is {Status.ToString().ToLowerInvariant()}; only a draft can be published.");
        }

        Status = FrameworkVersionStatus.Published;
        PublishedAt = now;
    }

    public void Retire(DateTime now)
    {
        if (Status != FrameworkVersionStatus.Published)
        {
            throw new InvalidOperationException($"Version {Label} is {Status.ToString().ToLowerInvariant()}; only a published version can be retired.");
        }

        Status = FrameworkVersionStatus.Retired;
        RetiredAt = now;
    }
}
