namespace Portal.Data.Policy;

/// <summary>A body of policy that systems are assessed against, e.g. the NHS England Open API Architecture Policy.</summary>
public class PolicyFramework
{
    public int Id { get; set; }

    /// <summary>Stable key used by catalogue files, e.g. "nhse-open-api-policy".</summary>
    public required string Key { get; set; }

    public required string Name { get; set; }

    public required string Publisher { get; set; }

    public required string Source { get; set; }

    public List<FrameworkVersion> Versions { get; set; } = [];
}
