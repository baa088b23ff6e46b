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

    /// <summary>How much a "must" requirement weighs in a scorecard.</summary>
    public int MustWeight { get; set; } = 3;

    /// <summary>How much a "should" requirement weighs in a scorecard.</summary>
    public int ShouldWeight { get; set; } = 1;

    /// <summary>Below this "should" score (in percent) a scorecard with every "must" met is Amber rather than Green.</summary>
    public int ShouldThresholdPercent { get; set; } = 75;

    public List<FrameworkVersion> Versions { get; set; } = [];
}
