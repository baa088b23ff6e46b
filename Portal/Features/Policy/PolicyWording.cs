using Portal.Data.Evidence;
using Portal.Data.Policy;

namespace Portal.Features.Policy;

/// <summary>The plain-English words the portal uses for the catalogue's terms, in one place so every page agrees.</summary>
public static class PolicyWording
{
    public static string RouteName(AssessmentRoute route) => route switch
    {
        AssessmentRoute.Procure => "Procuring a new system",
        AssessmentRoute.Develop => "Developing a system",
        AssessmentRoute.Upgrade => "Upgrading an existing system",
        _ => route.ToString(),
    };

    public static string RouteExplanation(AssessmentRoute route) => route switch
    {
        AssessmentRoute.Procure =>
            "You are buying a system commissioned after May 2014. The policy applies in full: its agreement, licence and specification items become contract requirements.",
        AssessmentRoute.Develop =>
            "You are commissioning a build. The producer's obligations and the specification items apply to what is built.",
        AssessmentRoute.Upgrade =>
            "You are upgrading a system you already have. The policy is guidance for negotiating with the supplier (§2.3.4): an unmet item is a gap to negotiate, not a failure.",
        _ => string.Empty,
    };

    public static string StandingName(RouteStanding standing) => standing switch
    {
        RouteStanding.ContractRequirement => "Contract requirement",
        RouteStanding.Expectation => "Expectation",
        RouteStanding.NegotiationGuidance => "Negotiation guidance",
        _ => standing.ToString(),
    };

    public static string StandingPhrase(RouteStanding standing) => standing switch
    {
        RouteStanding.ContractRequirement => "it is a contract requirement",
        RouteStanding.Expectation => "it is an expectation of the policy",
        RouteStanding.NegotiationGuidance => "it is guidance to negotiate with the supplier, so a gap is a point to negotiate rather than a failure",
        _ => standing.ToString(),
    };

    public static string ConditionName(ScopeConditions condition) => condition switch
    {
        ScopeConditions.ConfidentialPatientData => "The system holds confidential patient data",
        ScopeConditions.AnonymousUse => "The API is offered for anonymous use",
        ScopeConditions.ChargeableUse => "Use of the API is chargeable",
        ScopeConditions.ThirdPartyHosting => "A third party hosts the system",
        _ => condition.ToString(),
    };

    public static string ConditionPhrase(ScopeConditions condition) => condition switch
    {
        ScopeConditions.ConfidentialPatientData => "the system holds confidential patient data",
        ScopeConditions.AnonymousUse => "the API is offered for anonymous use",
        ScopeConditions.ChargeableUse => "use of the API is chargeable",
        ScopeConditions.ThirdPartyHosting => "a third party hosts the system",
        _ => condition.ToString(),
    };

    public static string ActorName(ResponsibleActors actor) => actor switch
    {
        ResponsibleActors.DataController => "Data controller",
        _ => actor.ToString(),
    };

    public static string EvidenceName(EvidenceKinds kind) => kind switch
    {
        EvidenceKinds.Document => "Document",
        EvidenceKinds.WebLink => "Web link",
        EvidenceKinds.ApiSpecification => "OpenAPI or FHIR specification",
        EvidenceKinds.ContractClause => "Contract clause",
        EvidenceKinds.ServiceLevel => "Service level figures",
        EvidenceKinds.TestEnvironment => "Test environment",
        _ => kind.ToString(),
    };

    /// <summary>The kind of a piece of evidence as people read it, in sentence case wherever it stands.</summary>
    public static string EvidenceItemKindName(EvidenceItemKind kind) => kind switch
    {
        EvidenceItemKind.Documentation => "Documentation",
        EvidenceItemKind.OpenApiSpecification => "OpenAPI specification",
        EvidenceItemKind.FhirCapabilityStatement => "FHIR CapabilityStatement",
        EvidenceItemKind.TestEnvironment => "Sandbox or test environment",
        EvidenceItemKind.ContractOrLicence => "Contract or licence",
        EvidenceItemKind.ServiceLevel => "Service level",
        _ => "Other",
    };

    public static IEnumerable<TFlags> Each<TFlags>(TFlags flags)
        where TFlags : struct, Enum =>
        Enum.GetValues<TFlags>().Where(f => Convert.ToUInt64(f, null) != 0 && flags.HasFlag(f));
}
