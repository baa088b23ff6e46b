using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Portal.Features;
using Portal.Tests.TestSupport;

namespace Portal.Tests.Api;

/// <summary>
/// The portal passes its own policy's P.1: every command a feature service offers the pages (a public method answering
/// <see cref="Outcome"/> or <see cref="Outcome{T}"/>) is an operation of the API, documented, whose handler calls it.
/// A new command without an operation fails here until it gets one, or a written reason in <see cref="PageOnly"/>.
/// </summary>
public sealed class ApiParityTests(SharedPortal portal) : IClassFixture<SharedPortal>
{
    /// <summary>Each command, as Service.Method, and the operation (its operationId) that carries it out.</summary>
    private static readonly Dictionary<string, string> Operations = new(StringComparer.Ordinal)
    {
        ["AdministrationService.LinkPersonAsync"] = "LinkPerson",
        ["AdministrationService.SetActiveAsync"] = "SetPersonActive",
        ["AdministrationService.AddOrganisationAsync"] = "AddOrganisation",
        ["AdministrationService.AddSupplierAsync"] = "AddSupplier",
        ["AdministrationService.SetParentAsync"] = "SetOrganisationParent",
        ["AccessTokenService.RevokeAsync"] = "RevokeAccessToken",
        ["CatalogueImportService.ImportDraftAsync"] = "ImportVersion",
        ["CatalogueImportService.PublishAsync"] = "PublishVersion",
        ["CatalogueImportService.DiscardAsync"] = "DiscardVersion",
        ["AssessmentService.WithdrawAsync"] = "WithdrawAssessment",
        ["AssessmentStartService.CreateDraftAsync"] = "CreateAssessment",
        ["AssessmentStartService.StartCompetingBidAsync"] = "StartCompetingBid",
        ["AssessmentStartService.SaveRouteAsync"] = "SaveAssessmentRoute",
        ["AssessmentStartService.SaveSystemAsync"] = "SaveAssessmentSystem",
        ["AssessmentStartService.SaveConditionsAsync"] = "SaveAssessmentConditions",
        ["AssessmentStartService.SaveFunctionsAsync"] = "SaveAssessmentFunctions",
        ["AssessmentStartService.RefreshScopeAsync"] = "RefreshAssessmentScope",
        ["AssessmentStartService.ExcludeAsync"] = "ExcludeRequirement",
        ["AssessmentStartService.IncludeAsync"] = "IncludeRequirement",
        ["AssessmentStartService.AddRequirementAsync"] = "AddRequirementToScope",
        ["AssessmentStartService.ConfirmScopeAsync"] = "ConfirmAssessmentScope",
        ["AssessmentStartService.ConfirmAsync"] = "ConfirmAssessmentStart",
        ["InvitationService.InviteAsync"] = "InviteSupplier",
        ["InvitationService.AcceptAsync"] = "AcceptInvitation",
        ["EvidenceWorkspaceService.SaveResponseAsync"] = "SaveResponse",
        ["EvidenceWorkspaceService.MarkNotApplicableAsync"] = "MarkResponsesNotApplicable",
        ["EvidenceWorkspaceService.SaveFunctionAsync"] = "SaveFunctionAnswer",
        ["EvidenceWorkspaceService.AddLinkAsync"] = "AddEvidenceLink",
        ["EvidenceWorkspaceService.AddDocumentAsync"] = "AddEvidenceDocument",
        ["EvidenceWorkspaceService.RemoveEvidenceAsync"] = "RemoveEvidence",
        ["EvidenceWorkspaceService.SubmitAsync"] = "SubmitResponses",
        ["ReviewService.FindAsync"] = "GetReview",
        ["ReviewService.StartAsync"] = "StartReview",
        ["ReviewService.DecideAsync"] = "RecordReviewDecisions",
        ["ReviewService.SendClarificationsAsync"] = "SendClarifications",
        ["ReviewService.SendForSignOffAsync"] = "SendForSignOff",
        ["ReviewService.CommentAsync"] = "AddComment",
        ["SignOffService.FindAsync"] = "GetSignOff",
        ["SignOffService.DecideAsync"] = "SignOff",
        ["SignOffService.ListConditionOwnersAsync"] = "ListConditionOwners",
        ["NotificationService.MarkReadAsync"] = "MarkNotificationsRead",
        ["IssuedScorecardService.IssueAsync"] = "IssueScorecardPdf",
        ["DashboardService.RecalculateAsync"] = "RecalculateScores",
        ["FollowUpService.ListAsync"] = "ListFollowUps",
        ["FollowUpService.MarkDoneAsync"] = "MarkConditionDone",
        ["FollowUpService.AcceptAsync"] = "AcceptCondition",
        ["FollowUpService.SendBackAsync"] = "SendBackCondition",
        ["FollowUpService.LinkPlanToContractDateAsync"] = "LinkPlanToContractDate",
        ["FollowUpService.ReopenSignOffAsync"] = "ReopenSignOff",
        ["LinkCheckService.ListHistoryAsync"] = "ListEvidenceLinkChecks",
        ["LinkCheckService.CheckAgainAsync"] = "CheckEvidenceLinkAgain",
        ["MailService.ResendAsync"] = "ResendMail",
        ["MailService.ResendStoppedAsync"] = "ResendStoppedMail",
        ["MailService.SetPreferenceAsync"] = "SetMailPreference",
        ["ProductService.AddProductAsync"] = "AddProduct",
        ["ProductService.AddVersionAsync"] = "AddProductVersion",
        ["ProductService.ChooseVersionAsync"] = "ChooseAssessmentProductVersion",
        ["ReassessmentService.StartAsync"] = "StartReassessment",
        ["ReassessmentService.ChooseSourceAsync"] = "ChooseReassessedAssessment",
        ["EvidencePackService.CreateAsync"] = "StartEvidencePack",
        ["EvidencePackService.SaveAnswerAsync"] = "SaveEvidencePackAnswer",
        ["EvidencePackService.AddLinkAsync"] = "AddEvidencePackLink",
        ["EvidencePackService.AddDocumentAsync"] = "AddEvidencePackDocument",
        ["EvidencePackService.RemoveEvidenceAsync"] = "RemoveEvidencePackEvidence",
        ["EvidencePackService.ShareAsync"] = "ShareEvidencePack",
        ["EvidencePackService.WithdrawShareAsync"] = "WithdrawEvidencePackShare",
        ["PackFillService.FillAsync"] = "FillAssessmentFromPack",
        ["RegisterService.FindAsync"] = "GetRegisterPublication",
        ["RegisterService.PublishAsync"] = "PublishToRegister",
        ["RegisterService.WithdrawAsync"] = "WithdrawFromRegister",
    };

    /// <summary>Commands the API deliberately does not offer, each with why.</summary>
    private static readonly Dictionary<string, string> PageOnly = new(StringComparer.Ordinal)
    {
        ["AccessTokenService.CreateAsync"] = "A token that could mint tokens would turn one leaked token into any number that outlive its revocation; "
            + "tokens are created by a person signed in to the portal (/account/tokens), and the API lists and revokes them.",
    };

    /// <summary>The feature services FeatureRegistration registers, and their public commands.</summary>
    public static IReadOnlyList<MethodInfo> Commands()
    {
        var services = new ServiceCollection();
        services.AddPortalFeatures();
        return services.Select(s => s.ImplementationType ?? s.ServiceType)
            .Where(t => t.Namespace?.StartsWith("Portal.Features", StringComparison.Ordinal) == true)
            .Distinct()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.ReturnType.IsGenericType && m.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
                && typeof(CommandOutcome).IsAssignableFrom(m.ReturnType.GetGenericArguments()[0]))
            .ToList();
    }

    private static string NameOf(MethodInfo m) => $"{m.DeclaringType!.Name}.{m.Name}";

    public static TheoryData<string> MappedCommands()
    {
        var data = new TheoryData<string>();
        foreach (var command in Operations.Keys)
        {
            data.Add(command);
        }

        return data;
    }

    [Fact]
    public void Every_command_of_the_feature_services_has_an_api_operation_or_a_written_reason()
    {
        var commands = Commands().Select(NameOf).ToHashSet(StringComparer.Ordinal);

        // Invite, accept, submit, sign off...: if the search finds only a few, it checks nothing.
        Assert.True(commands.Count >= 35, $"Found only {commands.Count} commands: {string.Join(", ", commands)}");
        var missing = commands.Except(Operations.Keys).Except(PageOnly.Keys).Order().ToList();
        Assert.True(missing.Count == 0,
            "These commands have no API operation (policy P.1: what a page can do, the API can do). Add one, map it here, or say in PageOnly why not: "
            + string.Join(", ", missing));
        var gone = Operations.Keys.Concat(PageOnly.Keys).Except(commands).ToList();
        Assert.True(gone.Count == 0, "These entries name no command any more: " + string.Join(", ", gone));
        Assert.All(PageOnly, p => Assert.True(p.Value.Length > 40, $"{p.Key} needs a reason that says why the API leaves it out."));
    }

    [Theory]
    [MemberData(nameof(MappedCommands))]
    public async Task Each_command_is_an_operation_in_the_api_reference_with_its_errors_described(string command)
    {
        var operationId = Operations[command];
        using var client = portal.Factory.ApiClient(token: null);
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var operation = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(method => method.Value))
            .SingleOrDefault(o => o.TryGetProperty("operationId", out var id) && id.GetString() == operationId);

        Assert.True(operation.ValueKind == JsonValueKind.Object, $"{command}: the API reference has no operation {operationId}.");
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), $"{operationId} has no summary.");
        Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("description").GetString()), $"{operationId} has no description.");
        var statuses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        Assert.Contains(statuses, s => s.StartsWith('2'));
        Assert.Contains(statuses, s => s is "400" or "403" or "404" or "409");
    }

    [Theory]
    [MemberData(nameof(MappedCommands))]
    public void Each_commands_operation_is_handled_by_an_endpoint_that_calls_the_command(string command)
    {
        var operationId = Operations[command];
        var endpoint = portal.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .SingleOrDefault(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == operationId);
        Assert.True(endpoint is not null, $"No endpoint is named {operationId}.");
        var handler = endpoint.Metadata.OfType<MethodInfo>().FirstOrDefault();
        Assert.True(handler is not null, $"{operationId} has no handler method to read.");

        // A handler written as a lambda lives in a compiler-made class nested in the API class: its body is not a named
        // method in the file, so the whole file is read (a weaker check: the command is called somewhere in it).
        var type = handler.DeclaringType!;
        var lambda = type.Name.StartsWith('<');
        while (type.Name.StartsWith('<'))
        {
            type = type.DeclaringType!;
        }

        var source = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "Portal", "Api", $"{type.Name}.cs"));
        var body = lambda ? source : HandlerSource(source, handler.Name);
        var method = command[(command.IndexOf('.', StringComparison.Ordinal) + 1)..];

        Assert.True(body.Contains($".{method}(", StringComparison.Ordinal),
            $"{operationId}'s handler {type.Name}.{handler.Name} does not call {command}:\n{body}");
    }

    private static readonly string[] MemberStarts = ["\n    private static ", "\n    internal static ", "\n    public static "];

    /// <summary>The text of one static handler method: from its declaration to the next member's.</summary>
    private static string HandlerSource(string source, string name)
    {
        var start = source.IndexOf($" {name}(", StringComparison.Ordinal);
        Assert.True(start >= 0, $"The handler {name} was not found in its file.");
        var next = MemberStarts
            .Select(marker => source.IndexOf(marker, start, StringComparison.Ordinal))
            .Where(i => i > 0)
            .DefaultIfEmpty(source.Length)
            .Min();
        return source[start..next];
    }
}
