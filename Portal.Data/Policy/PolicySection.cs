namespace Portal.Data.Policy;

/// <summary>A part of the policy that groups requirements, e.g. "Policy statements" (OAP §3).</summary>
public class PolicySection
{
    public int Id { get; set; }

    public int FrameworkVersionId { get; set; }

    public required string Code { get; set; }

    public required string Title { get; set; }

    public required string Source { get; set; }

    public required string Summary { get; set; }

    public int Order { get; set; }
}
