namespace Portal.Features.Evidence.Inspection;

/// <summary>What an inspector decided about a document: accepted, or refused with a reason a supplier can act on.</summary>
public sealed record InspectionVerdict(bool Accepted, string? Reason)
{
    public static readonly InspectionVerdict Accept = new(true, null);

    public static InspectionVerdict Refuse(string reason) => new(false, reason);
}
