namespace Portal.Data.Policy;

/// <summary>How strongly the policy expects an item, from the source's own verb ("must" or "should").</summary>
public enum Obligation
{
    Must,
    Should,
}

/// <summary>The parties the policy makes responsible for an item (OAP §4.1).</summary>
[Flags]
public enum ResponsibleActors
{
    None = 0,
    Commissioner = 1,
    Producer = 2,
    Provider = 4,
    Host = 8,
    DataController = 16,
    Consumer = 32,
}

/// <summary>The kinds of evidence a supplier is expected to give for an item.</summary>
[Flags]
public enum EvidenceKinds
{
    None = 0,
    Document = 1,
    WebLink = 2,
    ApiSpecification = 4,
    ContractClause = 8,
    ServiceLevel = 16,
    TestEnvironment = 32,
}

/// <summary>What the buying organisation is doing with the system.</summary>
public enum AssessmentRoute
{
    Procure,
    Develop,
    Upgrade,
}

/// <summary>What an item is on a route: a clause for the contract, an expectation, or a point to negotiate.</summary>
public enum RouteStanding
{
    ContractRequirement,
    Expectation,
    NegotiationGuidance,
}

/// <summary>Facts about the system that bring conditional items into scope.</summary>
[Flags]
public enum ScopeConditions
{
    None = 0,
    ConfidentialPatientData = 1,
    AnonymousUse = 2,
    ChargeableUse = 4,
    ThirdPartyHosting = 8,
}

/// <summary>A framework version's life: drafts can be replaced, published versions never change.</summary>
public enum FrameworkVersionStatus
{
    Draft,
    Published,
    Retired,
}
