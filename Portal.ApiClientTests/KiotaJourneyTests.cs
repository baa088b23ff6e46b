using System.Net.Http.Headers;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using Portal.ApiClient;
using Portal.ApiClient.Models;
using Portal.Tests.TestSupport;

namespace Portal.ApiClientTests;

/// <summary>
/// A whole assessment, from the first draft to the scorecard, driven only through the client Kiota generated from the
/// portal's own OpenAPI document, each person with their own access token, against one real portal. Every request is
/// built and every answer read by code no one here wrote, and every answer is also held to the document: where the
/// document and the API disagree, this fails.
/// </summary>
public sealed class KiotaJourneyTests : IAsyncLifetime
{
    private readonly PortalAppFactory _factory = new();
    private readonly List<HttpClient> _clients = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await _factory.DisposeAsync();
    }

    private async Task<PortalApiClient> ClientForAsync(string person)
    {
        var token = await _factory.TokenForAsync(person);
        // The portal in this process, through the handler that holds every answer to the OpenAPI document.
        // Kiota's own middleware (header inspection, retries, redirects) in front, as a client built by KiotaClientFactory has.
        var http = _factory.CreateDefaultClient(new Uri("http://localhost"), [.. KiotaClientFactory.CreateDefaultHandlers(), _factory.ResponseValidator.Handler()]);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _clients.Add(http);
        return new PortalApiClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = "http://localhost" });
    }

    /// <summary>Reads a response's ETag through Kiota's header inspection, to send back in If-Match.</summary>
    private static HeadersInspectionHandlerOption Inspect() => new() { InspectResponseHeaders = true };

    private static string ETag(HeadersInspectionHandlerOption inspected) =>
        inspected.ResponseHeaders.TryGetValue("ETag", out var values) ? values.Single() : throw new InvalidOperationException("The answer had no ETag.");

    [Fact]
    public async Task An_assessment_goes_from_draft_to_signed_off_scorecard_through_the_generated_client()
    {
        var officer = await ClientForAsync(TestCallers.Officer);
        var supplier = await ClientForAsync(TestCallers.Supplier);
        var ccio = await ClientForAsync(TestCallers.Ccio);
        var me = await supplier.Api.V1.Me.GetAsync();

        // The officer starts a draft and takes it through the guided start.
        var draft = await officer.Api.V1.Assessments.PostAsync();
        var id = draft!.Summary!.Id!.Value;
        var assessment = officer.Api.V1.Assessments[id];
        Assert.True((await assessment.Start.Route.PutAsync(new RouteBody { Route = AssessmentRoute.Procure }))!.Complete);
        var start = await assessment.Start.GetAsync();
        var acme = start!.Suppliers!.Single(s => s.Name == me!.Supplier!.Name).Id;
        var system = await assessment.Start.System.PutAsync(new SystemBody
        {
            SystemName = "Kiota journey system", SupplierId = acme, ProductName = "Clinic Manager", ProductVersion = "4.2",
            ProcurementReference = "PR-KIOTA-1", ResponseDueDate = new Date(DateTime.UtcNow.AddDays(30)),
        });
        Assert.True(system!.Complete, string.Join("; ", system.Outstanding!.Select(o => $"{o.Field}: {o.Message}")));
        Assert.True((await assessment.Start.Conditions.PutAsync(new ConditionsBody { Conditions = ["ConfidentialPatientData"] }))!.Complete);
        Assert.True((await assessment.Start.Functions.PutAsync(new FunctionsBody { Functions = [new FunctionDraft { Name = "Book an appointment" }] }))!.Complete);
        Assert.True((await assessment.Start.Scope.Confirm.PostAsync())!.Complete);
        var confirmed = await assessment.Start.Confirm.PostAsync();
        Assert.True(confirmed!.StartConfirmed);

        // The officer invites Acme's account manager, who accepts by the link's token.
        var invitation = await assessment.Invitations.PostAsync(new InviteBody { Email = me!.Email });
        var inviteLink = invitation!.Link!;
        var token = inviteLink[(inviteLink.LastIndexOf('/') + 1)..];
        var accepted = await supplier.Api.V1.Invitations.Accept.PostAsync(new AcceptBody { Token = token });
        Assert.Equal(id, accepted!.AssessmentId);

        // The supplier answers every requirement, gives evidence and each function's API operation, and submits.
        var answers = supplier.Api.V1.Assessments[id];
        var responses = await answers.Responses.GetAsync();
        Assert.NotEmpty(responses!);
        foreach (var response in responses!)
        {
            var saved = await answers.Responses[response.Code!].PutAsync(new ResponseBody { Claim = ComplianceClaim.Meets, Narrative = $"{response.Code} is met through our FHIR R4 API." });
            Assert.Equal(ComplianceClaim.Meets, saved!.Answer!.Claim);
        }

        var first = responses[0].Code!;
        var link = await answers.Responses[first].Evidence.Links.PostAsync(new LinkBody
        {
            Kind = EvidenceItemKind.Documentation, Title = "API reference", Url = "https://developer.acme-clinical.example/api", EvidenceDate = new Date(DateTime.UtcNow),
        });
        Assert.Equal(first, link!.Requirement);
        foreach (var function in (await answers.Functions.GetAsync())!)
        {
            var saved = await answers.Functions[function.Id!.Value].PutAsync(new FunctionBody { ApiOperation = "POST /Appointment" },
                c => c.Headers.Add("If-Match", function.ETag!));
            Assert.True(saved!.IsAnswered);
        }

        Assert.Equal(AssessmentStatus.Submitted, (await answers.Submit.PostAsync())!.Summary!.Status);

        // The officer reviews: starts the review, accepts every requirement, and sends it for sign-off.
        Assert.Equal(AssessmentStatus.UnderReview, (await assessment.Review.Start.PostAsync())!.Summary!.Status);
        var read = Inspect();
        var review = await assessment.Review.GetAsync(c => c.Options.Add(read));
        var decided = await assessment.Review.Decisions.PostAsync(
            new DecisionBody { Requirements = review!.Items!.Select(i => i.Code!).ToList(), Outcome = ReviewOutcome.Accepted },
            c => c.Headers.Add("If-Match", ETag(read)));
        Assert.True(decided!.ReadyForSignOff);
        await assessment.Responses[first].Comments.PostAsync(new CommentBody { Text = "Checked against the published reference.", Internal = true });
        Assert.Equal(AssessmentStatus.AwaitingSignOff, (await assessment.Review.SendForSignOff.PostAsync())!.Summary!.Status);

        // The CCIO signs it off with the attestation and a condition, on the version read.
        var ccioView = ccio.Api.V1.Assessments[id];
        var state = Inspect();
        Assert.True((await ccioView.SignOff.GetAsync(c => c.Options.Add(state)))!.CanSignOff);
        var signed = await ccioView.SignOff.PostAsync(new SignOffBody
        {
            Decision = Choice.ApproveWithConditions, Attested = true, HazardLogReference = "HL-2026-042",
            Conditions = [new ConditionBody { Text = "Publish the sandbox's rate limits.", Owner = "Acme Clinical Systems", DueDate = new Date(DateTime.UtcNow.AddDays(60)) }],
        }, c => c.Headers.Add("If-Match", ETag(state)));
        Assert.Equal("SignedOffWithConditions", signed!.Status);
        Assert.Single(signed.Latest!.Conditions!);

        // Everyone reads the scorecard the sign-off produced; the supplier hears about it.
        await using var scorecard = (await supplier.Api.V1.Assessments[id].Scorecard.GetAsync())!;
        using var reader = new StreamReader(scorecard);
        var card = await reader.ReadToEndAsync();
        Assert.Contains($"OAP-{id:D5}", card, StringComparison.Ordinal);
        var notifications = await supplier.Api.V1.Notifications.GetAsync();
        Assert.Contains(notifications!, n => n.Link!.Contains($"/assessments/{id}", StringComparison.Ordinal));
        Assert.Equal(1, (await supplier.Api.V1.Notifications.Read.PostAsync(new ReadBody { Ids = [notifications![0].Id!.Value] }))!.Marked);
    }
}
